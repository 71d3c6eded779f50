import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pushImage, pushIndex } from './pushImage';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
  startRegistryTokenService,
  TOKEN_ISSUER,
  TOKEN_SERVICE,
} from './registryTokenService';
import { unusedPort } from '../../gates/__testUtils__/unusedPort';

/** Debian's package `docker-registry` (the CNCF distribution registry) installs it here. */
const REGISTRY_BINARY = '/usr/bin/docker-registry';

/**
 * bcrypt of REGISTRY_PASSWORD (the registry's htpasswd takes bcrypt only),
 * made once with a low cost so the registry checks it quickly.
 */
const REGISTRY_PASSWORD_BCRYPT =
  '$2a$04$F.GFE4BP4tGfPrxdAS.ko.06NVXI07SLAZf0.pxDxojbtKSeJFA0.';

export interface TestRegistry {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Pushes a small one-layer OCI image and returns its manifest digest; tags it when `tag` is given. */
  pushImage(repository: string, seed: string, tag?: string): Promise<string>;
  /** Pushes a two-platform image index (linux/amd64 and linux/arm64) and returns its digest. */
  pushIndex(repository: string, seed: string, tag?: string): Promise<string>;
  /** Removes a blob from a repository (the registry then answers 404 for it). */
  deleteBlob(repository: string, digest: string): Promise<void>;
  /** With token auth: a token that may pull `repository`, as a CI system would hold. */
  mintToken?(repository: string): string;
  /** With token auth: the query strings the token service was asked with. */
  tokenRequests: string[];
  stop(): Promise<void>;
}

/**
 * Starts a real distribution registry (Debian's `docker-registry`) on loopback
 * with storage in a temporary folder. With `auth: 'token'` it also runs a
 * token service in this process and configures the registry to demand its
 * bearer tokens, which is how Docker Hub, GHCR and Harbor answer anonymous
 * pulls: 401 with a `WWW-Authenticate: Bearer realm=…` challenge.
 */
export async function startRegistry(
  options: { auth?: 'token' | 'htpasswd' } = {},
): Promise<TestRegistry> {
  if (!fs.existsSync(REGISTRY_BINARY)) {
    throw new Error(
      `${REGISTRY_BINARY} is missing: install Debian's package 'docker-registry' (scripts/test.sh does)`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-registry-'));
  const tokens =
    options.auth === 'token' ? await startRegistryTokenService(dir) : undefined;
  // The registry cannot report a port the OS picked, so it is given one.
  const port = await unusedPort();
  const url = `http://127.0.0.1:${port}`;
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: path.join(dir, 'data') },
      delete: { enabled: true },
    },
    http: { addr: `127.0.0.1:${port}`, secret: 'promotion-test' },
    ...(tokens
      ? {
          auth: {
            token: {
              realm: `${tokens.url}/token`,
              service: TOKEN_SERVICE,
              issuer: TOKEN_ISSUER,
              rootcertbundle: tokens.certificatePath,
            },
          },
        }
      : {}),
    ...(options.auth === 'htpasswd'
      ? {
          auth: {
            htpasswd: {
              realm: 'promotion-test',
              path: path.join(dir, 'htpasswd'),
            },
          },
        }
      : {}),
  };
  if (options.auth === 'htpasswd') {
    fs.writeFileSync(
      path.join(dir, 'htpasswd'),
      `${REGISTRY_USER}:${REGISTRY_PASSWORD_BCRYPT}\n`,
    );
  }
  // YAML is a superset of JSON, so the registry reads this file as it is.
  const configPath = path.join(dir, 'config.yml');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));

  const child = spawn(REGISTRY_BINARY, ['serve', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keepLog = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keepLog);
  child.stderr!.on('data', keepLog);

  const stop = async () => {
    await stopProcess(child);
    await tokens?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }

  const pushAuth = (repository: string): Record<string, string> => {
    if (tokens)
      return {
        authorization: `Bearer ${tokens.mint(repository, [
          'pull',
          'push',
          'delete',
        ])}`,
      };
    if (options.auth === 'htpasswd') return { authorization: basicAuth() };
    return {};
  };
  return {
    url,
    tokenRequests: tokens?.requests ?? [],
    mintToken: tokens
      ? repository => tokens.mint(repository, ['pull'])
      : undefined,
    pushImage: (repository, seed, tag) =>
      pushImage(url, repository, seed, pushAuth(repository), tag),
    pushIndex: (repository, seed, tag) =>
      pushIndex(url, repository, seed, pushAuth(repository), tag),
    deleteBlob: async (repository, digest) => {
      const response = await fetch(`${url}/v2/${repository}/blobs/${digest}`, {
        method: 'DELETE',
        headers: pushAuth(repository),
      });
      if (response.status !== 202) {
        throw new Error(
          `Blob delete answered ${response.status}: ${await response.text()}`,
        );
      }
    },
    stop,
  };
}

function basicAuth() {
  return `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString(
    'base64',
  )}`;
}

/** `GET /v2/` answers 200, or 401 when auth is on, once the registry serves. */
async function waitUntilServing(
  url: string,
  child: ChildProcess,
  log: () => string,
) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `docker-registry exited with ${child.exitCode}: ${log()}`,
      );
    }
    try {
      const response = await fetch(`${url}/v2/`);
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not start within 20s: ${log()}`);
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
