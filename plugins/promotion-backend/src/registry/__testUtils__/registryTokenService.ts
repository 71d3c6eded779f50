import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

export const TOKEN_SERVICE = 'promotion-test-registry';
export const TOKEN_ISSUER = 'promotion-test-issuer';
/** The one account of the test registries (token service and htpasswd). */
export const REGISTRY_USER = 'promotion';
export const REGISTRY_PASSWORD = 'promotion-test-password';

/**
 * A token service as the distribution spec describes: signs ES256 JWTs with a
 * key whose self-signed certificate the registry trusts. `openssl` makes the
 * certificate because Node can sign but not issue X.509 certificates.
 */
export async function startRegistryTokenService(dir: string) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', {
    namedCurve: 'P-256',
  });
  const keyPath = path.join(dir, 'token.key');
  const certificatePath = path.join(dir, 'token.crt');
  fs.writeFileSync(
    keyPath,
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-key',
      keyPath,
      '-subj',
      '/CN=promotion-test-token',
      '-days',
      '1',
      '-out',
      certificatePath,
    ],
    { stdio: 'pipe' },
  );
  const kid = libtrustKeyId(publicKey);

  const mint = (repository: string, actions: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', kid };
    const claims = {
      iss: TOKEN_ISSUER,
      sub: '',
      aud: TOKEN_SERVICE,
      iat: now,
      nbf: now - 60,
      exp: now + 600,
      jti: crypto.randomUUID(),
      access: [{ type: 'repository', name: repository, actions }],
    };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(
      JSON.stringify(claims),
    )}`;
    const signature = crypto.sign('sha256', Buffer.from(unsigned), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${unsigned}.${base64url(signature)}`;
  };

  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    requests.push(url.search);
    // Anonymous callers get pull rights on the repository they ask for; the
    // account gets what it asks for; wrong credentials get nothing, as on
    // Docker Hub or Harbor.
    const scope = url.searchParams.get('scope') ?? '';
    const match = /^repository:([^:]+):(.+)$/.exec(scope);
    if (
      url.pathname !== '/token' ||
      url.searchParams.get('service') !== TOKEN_SERVICE ||
      !match
    ) {
      res.writeHead(400).end();
      return;
    }
    const authorization = req.headers.authorization;
    const account = `Basic ${Buffer.from(
      `${REGISTRY_USER}:${REGISTRY_PASSWORD}`,
    ).toString('base64')}`;
    if (authorization && authorization !== account) {
      res.writeHead(401).end();
      return;
    }
    const actions = authorization ? match[2].split(',') : ['pull'];
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token: mint(match[1], actions), expires_in: 300 }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    certificatePath,
    requests,
    mint,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** The key id libtrust (and so the registry) gives a public key. */
function libtrustKeyId(publicKey: crypto.KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const hash = crypto.createHash('sha256').update(der).digest().subarray(0, 30);
  return base32(hash).match(/.{4}/g)!.join(':');
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}
