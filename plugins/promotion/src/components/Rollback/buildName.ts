import { Artifact } from '@promotion-for-backstage/plugin-promotion-common';
import { shortDigest } from '../../lib';

/**
 * How a build is named in a sentence or a button: its tag and short digest,
 * e.g. `1.1.0 (2222222222bb)`, or whichever of them the pin has.
 */
export function buildName(artifact: Artifact): string {
  const digest = artifact.digest && shortDigest(artifact.digest);
  if (artifact.tag && digest) {
    return `${artifact.tag} (${digest})`;
  }
  return artifact.tag ?? digest ?? artifact.image;
}

/**
 * Whether two pins name the same build, as the backend decides it: by digest
 * when both have one, else by tag between two tag-only pins.
 */
export function sameBuild(a: Artifact, b: Artifact): boolean {
  if (a.digest && b.digest) {
    return a.digest === b.digest;
  }
  return !a.digest && !b.digest && a.tag === b.tag;
}
