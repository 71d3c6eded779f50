import crypto from 'node:crypto';
import { describeFetchError } from '../gates/describeFetchError';
import {
  basicAuthorization,
  fetchRegistryToken,
  IssuedToken,
  parseChallenge,
  RegistryCredentials,
} from './registryAuth';
import { RegistryError } from './RegistryError';

/** Manifest kinds a registry may hold for an image, single or multi-arch. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

// The grammars of the OCI distribution spec, so no other path can be built.
export const REPOSITORY_NAME =
  /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
export const DIGEST = /^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
export const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** A manifest as the registry stores it: its exact bytes decide its digest. */
export interface Manifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

type Access = 'pull' | 'pull,push';

/**
 * One OCI distribution registry, spoken to over its HTTP API with the
 * configured credentials: a bearer token as it is, Basic auth when the
 * registry challenges with `Basic`, and the token service of a `Bearer`
 * challenge (anonymously, or with the username and password). Tokens are
 * kept per repository and access until they expire.
 */
export class RegistryClient {
  /** The registry's base URL without a trailing slash. */
  readonly url: string;
  private readonly tokens = new Map<string, IssuedToken>();
  private basic = false;

  constructor(
    url: string,
    /** How people read the registry's name in messages: its id, or its URL. */
    readonly name: string,
    private readonly credentials: RegistryCredentials = {},
    private readonly now: () => number = Date.now,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  /** The digest the registry holds under a tag or digest; undefined when it holds none. */
  async manifestDigest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const response = await this.request(
      repository,
      `manifests/${reference}`,
      { method: 'HEAD', headers: { accept: MANIFEST_TYPES.join(', ') } },
      'pull',
      signal,
    );
    if (response.status === 404) return undefined;
    this.expect(response, [200], `${repository}:${reference}`);
    const digest = response.headers.get('docker-content-digest');
    if (digest) return digest;
    // The header is optional in the spec: hash what the registry serves.
    return (await this.getManifest(repository, reference, signal))?.digest;
  }

  /** The manifest's bytes; for a digest, checked to hash to it. */
  async getManifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<Manifest | undefined> {
    const response = await this.request(
      repository,
      `manifests/${reference}`,
      { headers: { accept: MANIFEST_TYPES.join(', ') } },
      'pull',
      signal,
    );
    if (response.status === 404) return undefined;
    this.expect(response, [200], `${repository}:${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256(bytes);
    if (DIGEST.test(reference) && reference !== digest) {
      throw new RegistryError(
        `${this.name} served ${repository}@${reference} with bytes that hash to ${digest}`,
      );
    }
    const mediaType =
      response.headers.get('content-type')?.split(';')[0].trim() ||
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string })
        .mediaType ||
      MANIFEST_TYPES[0];
    return { bytes, mediaType, digest };
  }

  /** Stores the manifest's bytes under a tag or its digest; answers the digest the registry took. */
  async putManifest(
    repository: string,
    reference: string,
    manifest: Manifest,
    signal?: AbortSignal,
  ): Promise<string> {
    const response = await this.request(
      repository,
      `manifests/${reference}`,
      {
        method: 'PUT',
        headers: { 'content-type': manifest.mediaType },
        body: manifest.bytes,
      },
      'pull,push',
      signal,
    );
    this.expect(response, [201], `${repository}:${reference}`);
    const digest =
      response.headers.get('docker-content-digest') ?? manifest.digest;
    if (digest !== manifest.digest) {
      throw new RegistryError(
        `${this.name} stored ${repository}:${reference} as ${digest}, not ${manifest.digest}`,
      );
    }
    return digest;
  }

  async hasBlob(
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const response = await this.request(
      repository,
      `blobs/${digest}`,
      { method: 'HEAD' },
      'pull',
      signal,
    );
    if (response.status === 404) return false;
    this.expect(response, [200], `${repository}@${digest}`);
    return true;
  }

  /** The blob's bytes as a stream, and their size; undefined when the registry lacks it. */
  async openBlob(
    repository: string,
    digest: string,
    signal?: AbortSignal,
  ): Promise<{ body: ReadableStream<Uint8Array>; size?: number } | undefined> {
    const response = await this.request(
      repository,
      `blobs/${digest}`,
      {},
      'pull',
      signal,
    );
    if (response.status === 404) return undefined;
    this.expect(response, [200], `${repository}@${digest}`);
    const length = response.headers.get('content-length');
    return {
      body: response.body!,
      ...(length ? { size: Number(length) } : {}),
    };
  }

  /**
   * Uploads a blob in one piece, streaming it through (layers can be large):
   * a session is started (which also settles the credentials, since a
   * streamed body cannot be sent twice), then finished with the bytes.
   */
  async pushBlob(
    repository: string,
    digest: string,
    body: ReadableStream<Uint8Array>,
    size: number | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const started = await this.request(
      repository,
      'blobs/uploads/',
      { method: 'POST' },
      'pull,push',
      signal,
    );
    this.expect(started, [202], `an upload to ${repository}`);
    const location = started.headers.get('location');
    if (!location) {
      throw new RegistryError(
        `${this.name} started an upload to ${repository} without a location`,
      );
    }
    const upload = new URL(location, `${this.url}/`);
    upload.searchParams.set('digest', digest);
    const finished = await this.send(
      upload,
      {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          ...(size !== undefined ? { 'content-length': String(size) } : {}),
        },
        body,
        // Node's fetch streams a request body only when told to.
        duplex: 'half',
      } as RequestInit,
      await this.authorization(repository, 'pull,push'),
      signal,
    );
    this.expect(finished, [201], `${repository}@${digest}`);
  }

  /** A request with the credentials, answering a challenge once. */
  private async request(
    repository: string,
    path: string,
    init: RequestInit,
    access: Access,
    signal?: AbortSignal,
  ): Promise<Response> {
    const url = `${this.url}/v2/${repository}/${path}`;
    let response = await this.send(
      url,
      init,
      await this.authorization(repository, access),
      signal,
    );
    if (response.status !== 401 || this.credentials.token) return response;
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (
      challenge?.scheme === 'basic' &&
      this.credentials.username &&
      !this.basic
    ) {
      this.basic = true;
    } else if (challenge?.scheme === 'bearer') {
      const scope = `repository:${repository}:${access}`;
      let issued: IssuedToken;
      try {
        issued = await fetchRegistryToken({
          challenge,
          scope,
          credentials: this.credentials,
          signal,
          now: this.now(),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new RegistryError(
          `${this.name} needs a token for ${repository}: ${describeFetchError(
            error,
          )}`,
        );
      }
      this.tokens.set(scope, issued);
    } else {
      return response;
    }
    response = await this.send(
      url,
      init,
      await this.authorization(repository, access),
      signal,
    );
    return response;
  }

  private async authorization(
    repository: string,
    access: Access,
  ): Promise<string | undefined> {
    if (this.credentials.token) return `Bearer ${this.credentials.token}`;
    const issued = this.tokens.get(`repository:${repository}:${access}`);
    if (issued && issued.expiresAt > this.now())
      return `Bearer ${issued.token}`;
    if (this.basic) return basicAuthorization(this.credentials);
    return undefined;
  }

  private async send(
    url: string | URL,
    init: RequestInit,
    authorization: string | undefined,
    signal?: AbortSignal,
  ): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          ...(authorization ? { authorization } : {}),
        },
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RegistryError(
        `Could not reach ${this.name}: ${describeFetchError(error)}`,
      );
    }
  }

  /** Throws a {@link RegistryError} that says what the registry answered, unless it is expected. */
  private expect(response: Response, ok: number[], what: string) {
    if (ok.includes(response.status)) return;
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        `${this.name} refused access to ${what} (${response.status})`,
        response.status,
      );
    }
    throw new RegistryError(
      `${this.name} answered ${response.status} for ${what}`,
      response.status,
    );
  }
}

export function sha256(bytes: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}
