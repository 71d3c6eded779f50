/** Credentials for one registry, from `promotion.registries[].auth`. */
export interface RegistryCredentials {
  /** Sent as `Authorization: Bearer …` on every request. */
  token?: string;
  /** With `password`: Basic auth, or what the registry's token service is asked with. */
  username?: string;
  password?: string;
}

/** A parsed `WWW-Authenticate` challenge. */
export type RegistryChallenge =
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string };

/**
 * `Bearer realm="https://auth/token",service="registry",scope="repository:a/b:pull"`
 * (Docker Hub, GHCR, Harbor, the distribution registry with token auth) or
 * `Basic realm="…"` (ECR, ACR, Artifactory, htpasswd).
 */
export function parseChallenge(
  header: string | null,
): RegistryChallenge | undefined {
  if (!header) return undefined;
  if (/^basic(\s|$)/i.test(header)) return { scheme: 'basic' };
  if (!/^bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[match[1].toLowerCase()] = match[2] ?? match[3];
  }
  if (!params.realm) return undefined;
  return {
    scheme: 'bearer',
    realm: params.realm,
    service: params.service,
    scope: params.scope,
  };
}

export function basicAuthorization(credentials: RegistryCredentials) {
  return `Basic ${Buffer.from(
    `${credentials.username}:${credentials.password}`,
  ).toString('base64')}`;
}

/** A token from a token service, and until when it may be used. */
export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/**
 * The token dance of the distribution spec: ask the challenge's realm for a
 * token for `scope`, anonymously or with the configured username and
 * password, as `docker login` + `docker pull` do.
 */
export async function fetchRegistryToken(options: {
  challenge: Extract<RegistryChallenge, { scheme: 'bearer' }>;
  scope: string;
  credentials: RegistryCredentials;
  signal?: AbortSignal;
  now: number;
}): Promise<IssuedToken> {
  const { challenge, scope, credentials, signal, now } = options;
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', scope);
  const headers: Record<string, string> = credentials.username
    ? { authorization: basicAuthorization(credentials) }
    : {};
  const where = `its token service ${url.origin}${url.pathname}`;
  const response = await fetch(url, { headers, signal });
  if (response.status === 401 || response.status === 403) {
    throw new Error(
      credentials.username
        ? `${where} refused the credentials of '${credentials.username}' (${response.status})`
        : `${where} refused an anonymous token (${response.status}); configure credentials`,
    );
  }
  if (!response.ok) {
    throw new Error(`${where} answered ${response.status}`);
  }
  const body = (await response.json()) as {
    token?: string;
    access_token?: string;
    expires_in?: number;
  };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error(`${where} sent no token`);
  // The spec's default lifetime is 60 s; keep a margin for the request itself.
  const lifetime = (body.expires_in ?? 60) * 1000;
  return { token, expiresAt: now + Math.max(lifetime - 10_000, 0) };
}
