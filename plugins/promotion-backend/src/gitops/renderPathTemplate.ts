import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * Renders a manifest path template such as
 * `apps/{{ entity.metadata.name }}/overlays/{{ environment }}/kustomization.yaml`
 * and refuses any result that would leave the repository.
 */
export function renderPathTemplate(
  template: string,
  context: { entity: Entity; environment: string },
): string {
  const values: Record<string, string> = {
    'entity.metadata.name': context.entity.metadata.name,
    'entity.metadata.namespace': context.entity.metadata.namespace ?? 'default',
    'entity.kind': context.entity.kind.toLocaleLowerCase('en-US'),
    environment: context.environment,
  };
  const rendered = template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => {
    if (!(key in values)) {
      throw new InputError(
        `Unknown placeholder '{{ ${key} }}' in path template '${template}'; use one of ${Object.keys(values).join(', ')}`,
      );
    }
    return values[key];
  });
  return assertContainedPath(rendered);
}

/** Returns the normalised repository-relative path, or throws when it escapes the repository. */
export function assertContainedPath(candidate: string): string {
  if (candidate.includes('\0') || candidate.includes('\\')) {
    throw new InputError(`Path '${candidate}' contains characters that are not allowed`);
  }
  if (path.posix.isAbsolute(candidate)) {
    throw new InputError(`Path '${candidate}' is absolute; paths are relative to the repository root`);
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
