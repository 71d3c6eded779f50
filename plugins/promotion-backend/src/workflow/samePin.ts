import { Artifact } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * Whether an environment's pin is this build, for the history checks of
 * promotions and rollbacks: by digest when both have one; a tag-only pin
 * matches only another tag-only pin of the same tag, so a digest being added
 * to or dropped from a pin counts as a change. (The gates' `sameArtifact` is
 * more lenient: it compares tags whenever both sides have one.)
 */
export function samePin(a: Artifact | null | undefined, b: Artifact): boolean {
  return (
    !!a &&
    (a.digest && b.digest
      ? a.digest === b.digest
      : a.tag === b.tag && !a.digest && !b.digest)
  );
}
