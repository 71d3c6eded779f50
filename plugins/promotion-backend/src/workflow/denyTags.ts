import { Artifact } from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionConfig } from '../config';

function globToRegExp(glob: string) {
  return new RegExp(
    `^${glob
      .split('*')
      .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** The `denyTags` pattern that the artifact's tag matches, if any. */
export function deniedTagRule(
  config: Pick<PromotionConfig, 'denyTags'>,
  artifact: Artifact,
): string | undefined {
  const tag = artifact.tag;
  return tag
    ? config.denyTags.find(glob => globToRegExp(glob).test(tag))
    : undefined;
}
