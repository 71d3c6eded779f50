import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { PLACEHOLDER } from '../config/templatePlaceholders';

/**
 * Renders a manifest path template such as
 * `apps/{{ entity.metadata.name }}/overlays/{{ environment }}/kustomization.yaml`
 * and refuses any result that would leave the repository.
 */
export function renderPathTemplate(
  template: string,
  context: { entity: Entity; environment: string },
): string {
  return assertContainedPath(
    renderEntityTemplate(template, context, `path template '${template}'`),
  );
}

/**
 * Fills a template of an entity's environment (`{{ entity.metadata.name }}`,
 * `{{ entity.metadata.namespace }}`, `{{ entity.kind }}` in lower case,
 * `{{ environment }}`), refusing a placeholder it does not know in `what`.
 */
export function renderEntityTemplate(
  template: string,
  context: { entity: Entity; environment: string },
  what: string,
): string {
  const values: Record<string, string> = {
    'entity.metadata.name': context.entity.metadata.name,
    'entity.metadata.namespace': context.entity.metadata.namespace ?? 'default',
    'entity.kind': context.entity.kind.toLocaleLowerCase('en-US'),
    environment: context.environment,
  };
  return template.replace(PLACEHOLDER, (_, key: string) => {
    if (!(key in values)) {
      throw new InputError(
        `Unknown placeholder '{{ ${key} }}' in ${what}; use one of ${Object.keys(
          values,
        ).join(', ')}`,
      );
    }
    return values[key];
  });
}

/** Returns the normalised repository-relative path, or throws when it escapes the repository. */
export function assertContainedPath(candidate: string): string {
  if (candidate.includes('\0') || candidate.includes('\\')) {
    throw new InputError(
      `Path '${candidate}' contains characters that are not allowed`,
    );
  }
  if (path.posix.isAbsolute(candidate)) {
    throw new InputError(
      `Path '${candidate}' is absolute; paths are relative to the repository root`,
    );
  }
  const normalised = path.posix.normalize(candidate);
  if (
    candidate.split('/').includes('..') ||
    normalised === '.' ||
    normalised === './' ||
    normalised.startsWith('../')
  ) {
    throw new InputError(`Path '${candidate}' leaves the repository`);
  }
  return normalised;
}
