import { unusedPort } from '../gates/__testUtils__/unusedPort';
import { RegistryClient } from './RegistryClient';
import { RegistryError } from './RegistryError';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from './__testUtils__/registryTokenService';
import { startRegistry, TestRegistry } from './__testUtils__/startRegistry';

// Real registry processes; starting them takes a moment on a busy machine.
jest.setTimeout(60_000);

const account = { username: REGISTRY_USER, password: REGISTRY_PASSWORD };

describe('RegistryClient', () => {
  let open: TestRegistry;
  let basic: TestRegistry;
  let token: TestRegistry;

  beforeAll(async () => {
    [open, basic, token] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: 'htpasswd' }),
      startRegistry({ auth: 'token' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), basic?.stop(), token?.stop()]);
  });

  it('resolves a tag to the digest the registry holds, and answers undefined for an unknown one', async () => {
    const digest = await open.pushImage('acme/payments', 'resolve', '1.4.0');
    const client = new RegistryClient(open.url, 'open');
    expect(await client.manifestDigest('acme/payments', '1.4.0')).toBe(digest);
    expect(
      await client.manifestDigest('acme/payments', '9.9.9'),
    ).toBeUndefined();
  });

  it('reads a manifest as stored, checking that its bytes hash to the digest asked for', async () => {
    const digest = await open.pushIndex('acme/multi', 'read');
    const manifest = await new RegistryClient(open.url, 'open').getManifest(
      'acme/multi',
      digest,
    );
    expect(manifest).toMatchObject({
      digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    expect(JSON.parse(manifest!.bytes.toString()).manifests).toHaveLength(2);
  });

  it('answers a Basic challenge with the username and password', async () => {
    const digest = await basic.pushImage('acme/payments', 'basic', '1.4.0');
    const anonymous = new RegistryClient(basic.url, 'basic');
    await expect(
      anonymous.manifestDigest('acme/payments', '1.4.0'),
    ).rejects.toThrow('basic refused access to acme/payments:1.4.0 (401)');
    const client = new RegistryClient(basic.url, 'basic', account);
    expect(await client.manifestDigest('acme/payments', '1.4.0')).toBe(digest);
  });

  it('refuses a wrong password against Basic auth with the status', async () => {
    await basic.pushImage('acme/payments', 'basic', '1.4.0');
    const client = new RegistryClient(basic.url, 'basic', {
      username: REGISTRY_USER,
      password: 'wrong',
    });
    const error = await client
      .manifestDigest('acme/payments', '1.4.0')
      .catch(e => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(
      'basic refused access to acme/payments:1.4.0 (401)',
    );
  });

  it('takes a push token from the token service with the username and password, and keeps it', async () => {
    const digest = await open.pushImage('acme/payments', 'push');
    const manifest = (await new RegistryClient(open.url, 'open').getManifest(
      'acme/payments',
      digest,
    ))!;
    // The index's blobs are needed first; a single manifest has two.
    const source = new RegistryClient(open.url, 'open');
    const client = new RegistryClient(token.url, 'token', account);
    token.tokenRequests.length = 0;
    for (const blob of [
      JSON.parse(manifest.bytes.toString()).config,
      ...JSON.parse(manifest.bytes.toString()).layers,
    ]) {
      const opened = (await source.openBlob('acme/payments', blob.digest))!;
      await client.pushBlob(
        'acme/payments',
        blob.digest,
        opened.body,
        opened.size,
      );
    }
    expect(await client.putManifest('acme/payments', 'pushed', manifest)).toBe(
      digest,
    );
    expect(await client.manifestDigest('acme/payments', 'pushed')).toBe(digest);
    // One token for pushing (kept for every blob and the manifest), one for pulling.
    expect(token.tokenRequests).toEqual([
      '?service=promotion-test-registry&scope=repository%3Aacme%2Fpayments%3Apull%2Cpush',
      '?service=promotion-test-registry&scope=repository%3Aacme%2Fpayments%3Apull',
    ]);
  });

  it('says so when the token service refuses the credentials', async () => {
    const client = new RegistryClient(token.url, 'token', {
      username: REGISTRY_USER,
      password: 'wrong',
    });
    await expect(
      client.manifestDigest('acme/payments', '1.4.0'),
    ).rejects.toThrow(
      /^token needs a token for acme\/payments: its token service http:\/\/127\.0\.0\.1:\d+\/token refused the credentials of 'promotion' \(401\)$/,
    );
  });

  it('refuses a push with an anonymous token', async () => {
    const client = new RegistryClient(token.url, 'token');
    const body = new Blob([Buffer.from('x')]).stream();
    await expect(
      client.pushBlob('acme/payments', `sha256:${'0'.repeat(64)}`, body, 1),
    ).rejects.toThrow(
      'token refused access to an upload to acme/payments (401)',
    );
  });

  it('names the registry it cannot reach', async () => {
    const nowhere = `http://127.0.0.1:${await unusedPort()}`;
    const client = new RegistryClient(nowhere, 'mirror');
    await expect(
      client.manifestDigest('acme/payments', '1.4.0'),
    ).rejects.toThrow('Could not reach mirror: ECONNREFUSED');
  });
});
