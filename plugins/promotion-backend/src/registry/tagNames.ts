import {
  Artifact,
  PromotionKind,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentRegistryConfig } from '../config';
import {
  PLACEHOLDER,
  unknownPlaceholderMessage,
} from '../config/templatePlaceholders';
import { TAG } from './RegistryClient';

const TAG_TEMPLATE_KEYS = ['version', 'environment'];

/** A tag a landed promotion writes; an immutable one is never moved to another digest. */
export interface EnvironmentTag {
  name: string;
  immutable: boolean;
}

/** Refuses unknown placeholders in `registry.tags` at start-up; answers the problems. */
export function checkTagTemplates(
  tags: EnvironmentRegistryConfig['tags'],
): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  for (const [key, template] of Object.entries(tags ?? {})) {
    if (template === false) continue;
    const message = unknownPlaceholderMessage(template, TAG_TEMPLATE_KEYS);
    if (message) problems.push({ key, message });
  }
  return problems;
}

/**
 * The version a tag names: the build's tag (`1.4.0`), or for a build pinned
 * by digest alone the first 12 hex digits of the digest, as short SHAs are.
 */
export function versionOf(
  artifact: Artifact,
  digest: string | undefined,
): string {
  return artifact.tag ?? (digest ?? '').split(':').pop()!.slice(0, 12);
}

/**
 * The tags a landed request writes: a promotion `<version>-<env>`
 * (immutable) and `latest-<env>` (mutable); a rollback
 * `<version>-<env>-rollback` (immutable) and `latest-<env>`. A rendered
 * name that is not a valid tag is an error before anything is written.
 */
export function environmentTags(options: {
  tags: EnvironmentRegistryConfig['tags'];
  environment: string;
  kind: PromotionKind;
  version: string;
}): EnvironmentTag[] {
  const { tags, environment, kind, version } = options;
  if (!tags) return [];
  const wanted: Array<[string | false, boolean]> = [
    [kind === 'rollback' ? tags.rollback : tags.immutable, true],
    [tags.mutable, false],
  ];
  return wanted
    .filter((entry): entry is [string, boolean] => entry[0] !== false)
    .map(([template, immutable]) => {
      const name = template.replace(PLACEHOLDER, (_, key: string) =>
        key === 'version' ? version : environment,
      );
      if (!TAG.test(name)) {
        throw new Error(
          `'${name}' is not a valid tag (letters, digits, '_', '.' and '-', at most 128)`,
        );
      }
      return { name, immutable };
    });
}
