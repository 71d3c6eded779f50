import crypto from 'node:crypto';
import zlib from 'node:zlib';

type Auth = Record<string, string>;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/**
 * Pushes a small one-layer OCI image through the distribution API; returns
 * its manifest digest. With `tag`, the manifest is stored under it as well.
 */
export async function pushImage(
  registry: string,
  repository: string,
  seed: string,
  auth: Auth,
  tag?: string,
  architecture = 'amd64',
): Promise<string> {
  const layer = zlib.gzipSync(
    Buffer.from(`layer of ${seed} for ${architecture}\n`),
  );
  const imageConfig = Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256(zlib.gunzipSync(layer))] },
      config: { Labels: { seed } },
    }),
  );
  const descriptor = async (mediaType: string, bytes: Buffer) => {
    const digest = sha256(bytes);
    await pushBlob(registry, repository, bytes, digest, auth);
    return { mediaType, digest, size: bytes.length };
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: await descriptor(
        'application/vnd.oci.image.config.v1+json',
        imageConfig,
      ),
      layers: [
        await descriptor('application/vnd.oci.image.layer.v1.tar+gzip', layer),
      ],
    }),
  );
  return putManifest(registry, repository, manifest, OCI_MANIFEST, auth, tag);
}

/** Pushes a two-platform image index (linux/amd64, linux/arm64); returns its digest. */
export async function pushIndex(
  registry: string,
  repository: string,
  seed: string,
  auth: Auth,
  tag?: string,
): Promise<string> {
  const platforms = ['amd64', 'arm64'];
  const manifests = [];
  for (const architecture of platforms) {
    const digest = await pushImage(
      registry,
      repository,
      seed,
      auth,
      undefined,
      architecture,
    );
    const bytes = await fetch(
      `${registry}/v2/${repository}/manifests/${digest}`,
      {
        headers: { ...auth, accept: OCI_MANIFEST },
      },
    ).then(r => r.arrayBuffer());
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest,
      size: bytes.byteLength,
      platform: { architecture, os: 'linux' },
    });
  }
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }),
  );
  return putManifest(registry, repository, index, OCI_INDEX, auth, tag);
}

async function putManifest(
  registry: string,
  repository: string,
  bytes: Buffer,
  mediaType: string,
  auth: Auth,
  tag?: string,
): Promise<string> {
  const digest = sha256(bytes);
  for (const reference of tag ? [digest, tag] : [digest]) {
    const response = await fetch(
      `${registry}/v2/${repository}/manifests/${reference}`,
      {
        method: 'PUT',
        headers: { ...auth, 'content-type': mediaType },
        body: bytes,
      },
    );
    if (response.status !== 201) {
      throw new Error(
        `Manifest upload answered ${response.status}: ${await response.text()}`,
      );
    }
  }
  return digest;
}

/** A monolithic blob upload: start a session, then finish it with the bytes. */
async function pushBlob(
  registry: string,
  repository: string,
  bytes: Buffer,
  digest: string,
  auth: Auth,
) {
  const started = await fetch(`${registry}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: auth,
  });
  const location = started.headers.get('location');
  if (started.status !== 202 || !location) {
    throw new Error(
      `Blob upload answered ${started.status}: ${await started.text()}`,
    );
  }
  const upload = new URL(location, registry);
  upload.searchParams.set('digest', digest);
  const finished = await fetch(upload, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (finished.status !== 201) {
    throw new Error(
      `Blob upload answered ${finished.status}: ${await finished.text()}`,
    );
  }
}

function sha256(bytes: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}
