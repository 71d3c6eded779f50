import { copyImage } from './copyImage';
import { RegistryClient } from './RegistryClient';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from './__testUtils__/registryTokenService';
import { startRegistry, TestRegistry } from './__testUtils__/startRegistry';

jest.setTimeout(60_000);

describe('copyImage between two real registries', () => {
  let primary: TestRegistry;
  let mirror: TestRegistry;
  let from: { registry: RegistryClient; repository: string };
  let to: { registry: RegistryClient; repository: string };

  beforeAll(async () => {
    [primary, mirror] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: 'token' }),
    ]);
    from = {
      registry: new RegistryClient(primary.url, 'primary'),
      repository: 'acme/payments',
    };
    to = {
      registry: new RegistryClient(mirror.url, 'mirror', {
        username: REGISTRY_USER,
        password: REGISTRY_PASSWORD,
      }),
      repository: 'prod/payments',
    };
  });

  afterAll(async () => {
    await Promise.all([primary?.stop(), mirror?.stop()]);
  });

  it('copies an image with its blobs under the same digest, and copies nothing the second time', async () => {
    const digest = await primary.pushImage('acme/payments', 'single');
    expect(
      await to.registry.manifestDigest(to.repository, digest),
    ).toBeUndefined();

    expect(await copyImage(from, to, digest)).toMatchObject({
      manifests: 1,
      blobs: 2,
    });
    expect(await to.registry.manifestDigest(to.repository, digest)).toBe(
      digest,
    );
    // The config and layer are readable in the mirror, byte for byte.
    const manifest = JSON.parse(
      (await to.registry.getManifest(to.repository, digest))!.bytes.toString(),
    );
    const layer = await to.registry.openBlob(
      to.repository,
      manifest.layers[0].digest,
    );
    expect(layer?.size).toBe(manifest.layers[0].size);

    expect(await copyImage(from, to, digest)).toEqual({
      manifests: 0,
      blobs: 0,
      bytes: 0,
    });
  });

  it('copies a multi-arch index with every platform', async () => {
    const digest = await primary.pushIndex('acme/payments', 'multi');
    const result = await copyImage(from, to, digest);
    // The index and two platform manifests; each platform has a config and a layer.
    expect(result).toMatchObject({ manifests: 3, blobs: 4 });
    const index = await to.registry.getManifest(to.repository, digest);
    expect(index?.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    for (const child of JSON.parse(index!.bytes.toString()).manifests) {
      expect(
        await to.registry.manifestDigest(to.repository, child.digest),
      ).toBe(child.digest);
    }
  });

  it('names the blob the primary lacks, and leaves the image out of the mirror', async () => {
    const digest = await primary.pushImage('acme/payments', 'broken');
    const manifest = JSON.parse(
      (await from.registry.getManifest(
        from.repository,
        digest,
      ))!.bytes.toString(),
    );
    const layer = manifest.layers[0].digest;
    await primary.deleteBlob('acme/payments', layer);

    await expect(copyImage(from, to, digest)).rejects.toThrow(
      `Blob ${layer} of ${digest} is missing in primary (acme/payments); the image cannot be copied to mirror`,
    );
    expect(
      await to.registry.manifestDigest(to.repository, digest),
    ).toBeUndefined();
  });

  it('says the primary lacks a digest it does not hold', async () => {
    const missing = `sha256:${'e'.repeat(64)}`;
    await expect(copyImage(from, to, missing)).rejects.toThrow(
      `${missing} is not in primary (acme/payments), so it cannot be copied to mirror`,
    );
  });
});
