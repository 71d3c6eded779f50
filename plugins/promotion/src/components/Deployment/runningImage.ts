import { shortDigest } from '../../lib';

/**
 * An image reference as a card has room for: the last part of its name,
 * its tag and its short digest, e.g. `payments:1.2.0 (1111111111aa)` for
 * `ghcr.io/acme/payments:1.2.0@sha256:1111111111aa…`. A colon is a tag only
 * after the last slash; before it, it is a registry's port.
 */
export function runningImageName(reference: string): string {
  const at = reference.indexOf('@');
  const named = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = named.slice(slash + 1, hasTag ? colon : undefined);
  const tag = hasTag ? `:${named.slice(colon + 1)}` : '';
  return digest ? `${name}${tag} (${shortDigest(digest)})` : `${name}${tag}`;
}
