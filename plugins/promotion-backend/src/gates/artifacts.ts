import { Artifact } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * Whether two pins mean the same build. Digests decide when both sides have
 * one, because a tag can be moved; tags decide when one side is pinned by tag
 * alone (such pins may be promoted). The image name is not compared:
 * environments may pull the same bytes through different registry names.
 */
export function sameArtifact(a: Artifact, b: Artifact): boolean {
  if (a.digest && b.digest) {
    return a.digest === b.digest;
  }
  if (a.tag && b.tag) {
    return a.tag === b.tag;
  }
  return false;
}

/** `ghcr.io/acme/payments:1.2.3@sha256:0123456789ab`, short enough for a message. */
export function describeArtifact(artifact: Artifact): string {
  const tag = artifact.tag ? `:${artifact.tag}` : '';
  const digest = artifact.digest ? `@${shortDigest(artifact.digest)}` : '';
  return `${artifact.image}${tag}${digest}`;
}

function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':', 2);
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}
