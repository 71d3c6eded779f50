/**
 * Splits an image reference into registry host and repository the way Docker
 * does: the first path component is a host only when it looks like one (has a
 * dot or a port, or is `localhost`), so `acme/payments` is a Docker Hub
 * repository, not a host called `acme`. A tag or digest is dropped.
 */
export function parseImageName(image: string): {
  host?: string;
  repository: string;
} {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tagColon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = tagColon >= 0 ? withoutDigest.slice(0, tagColon) : withoutDigest;
  const [first, ...rest] = name.split('/');
  const isHost =
    rest.length > 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost
    ? { host: first, repository: rest.join('/') }
    : { repository: name };
}
