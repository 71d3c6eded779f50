/**
 * The 12 hex characters after the algorithm prefix, the same length
 * `docker images` shows, enough to tell builds apart at a glance.
 */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}
