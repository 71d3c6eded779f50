import { RegistryClient } from './RegistryClient';
import { RegistryError } from './RegistryError';

/** One side of a copy: a registry and the repository the image has there. */
export interface ImageLocation {
  registry: RegistryClient;
  repository: string;
}

/** What a copy moved; zeros when the destination held the image already. */
export interface CopyResult {
  manifests: number;
  blobs: number;
  /** Bytes of the blobs moved, as far as the source told their sizes. */
  bytes: number;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  urls?: string[];
}

interface ManifestBody {
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

/**
 * Copies an image from one registry to another by digest, as `crane copy`
 * or `skopeo copy --all` do: for an index (multi-arch), every platform's
 * manifest first, for a manifest its config and layers, each blob streamed
 * through only when the destination lacks it, and last the manifest's own
 * bytes, unchanged, so the digest is the same in both registries.
 */
export async function copyImage(
  from: ImageLocation,
  to: ImageLocation,
  digest: string,
  signal?: AbortSignal,
): Promise<CopyResult> {
  const result: CopyResult = { manifests: 0, blobs: 0, bytes: 0 };
  if (
    (await to.registry.manifestDigest(to.repository, digest, signal)) === digest
  ) {
    return result;
  }
  await copyManifest(from, to, digest, result, signal);
  return result;
}

async function copyManifest(
  from: ImageLocation,
  to: ImageLocation,
  digest: string,
  result: CopyResult,
  signal?: AbortSignal,
) {
  const manifest = await from.registry.getManifest(
    from.repository,
    digest,
    signal,
  );
  if (!manifest) {
    throw new RegistryError(
      `${digest} is not in ${from.registry.name} (${from.repository}), so it cannot be copied to ${to.registry.name}`,
    );
  }
  const body = JSON.parse(manifest.bytes.toString('utf8')) as ManifestBody;
  if (Array.isArray(body.manifests)) {
    for (const child of body.manifests) {
      if (
        (await to.registry.manifestDigest(
          to.repository,
          child.digest,
          signal,
        )) !== child.digest
      ) {
        await copyManifest(from, to, child.digest, result, signal);
      }
    }
  } else {
    // Foreign layers (those with `urls`, e.g. Windows base layers) are
    // fetched from their URLs by the runtime; registries do not hold them.
    const blobs = [body.config, ...(body.layers ?? [])].filter(
      (d): d is Descriptor => !!d && !d.urls?.length,
    );
    for (const blob of blobs) {
      await copyBlob(from, to, blob, digest, result, signal);
    }
  }
  await to.registry.putManifest(to.repository, digest, manifest, signal);
  result.manifests += 1;
}

async function copyBlob(
  from: ImageLocation,
  to: ImageLocation,
  blob: Descriptor,
  manifestDigest: string,
  result: CopyResult,
  signal?: AbortSignal,
) {
  if (await to.registry.hasBlob(to.repository, blob.digest, signal)) return;
  const opened = await from.registry.openBlob(
    from.repository,
    blob.digest,
    signal,
  );
  if (!opened) {
    throw new RegistryError(
      `Blob ${blob.digest} of ${manifestDigest} is missing in ${from.registry.name} (${from.repository}); the image cannot be copied to ${to.registry.name}`,
    );
  }
  const size = opened.size ?? blob.size;
  await to.registry.pushBlob(
    to.repository,
    blob.digest,
    opened.body,
    size,
    signal,
  );
  result.blobs += 1;
  result.bytes += size ?? 0;
}
