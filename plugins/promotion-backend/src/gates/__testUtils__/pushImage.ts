import crypto from 'node:crypto';
import zlib from 'node:zlib';

/** Pushes a small one-layer OCI image through the distribution API; returns its manifest digest. */
export async function pushImage(
  registry: string,
  repository: string,
  seed: string,
  token: string | undefined,
): Promise<string> {
  const auth: Record<string, string> = token
    ? { authorization: `Bearer ${token}` }
    : {};
  const layer = zlib.gzipSync(Buffer.from(`layer of ${seed}\n`));
  const imageConfig = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
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
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: await descriptor(
        'application/vnd.oci.image.config.v1+json',
        imageConfig,
      ),
      layers: [
        await descriptor('application/vnd.oci.image.layer.v1.tar+gzip', layer),
      ],
    }),
  );
  const digest = sha256(manifest);
  const response = await fetch(
    `${registry}/v2/${repository}/manifests/${digest}`,
    {
      method: 'PUT',
      headers: {
        ...auth,
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
      },
      body: manifest,
    },
  );
  if (response.status !== 201) {
    throw new Error(
      `Manifest upload answered ${response.status}: ${await response.text()}`,
    );
  }
  return digest;
}

/** A monolithic blob upload: start a session, then finish it with the bytes. */
async function pushBlob(
  registry: string,
  repository: string,
  bytes: Buffer,
  digest: string,
  auth: Record<string, string>,
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
