import http from 'node:http';
import https from 'node:https';

/** A Kubernetes API answer, whatever its status. */
export interface KubernetesResponse {
  status: number;
  body: string;
}

export interface KubernetesRequestOptions {
  token: string;
  /** The API server's CA, base64-encoded PEM; default: Node's trusted CAs. */
  caData?: string;
  skipTLSVerify?: boolean;
  signal?: AbortSignal;
  /** Default 10 s: a status read is shown on a page and must not hang it. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * GET on a Kubernetes API server. It uses `node:https` rather than fetch
 * because clusters commonly have a private CA (a kubeconfig's
 * `certificate-authority-data`) and Node's global fetch cannot take a CA per
 * request without undici, which this package does not depend on.
 *
 * A request that fails rejects like fetch does, an Error whose `cause`
 * carries the reason (`code` such as ECONNREFUSED or
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE), so describeFetchError reads both alike;
 * an abort through `signal` rejects with the signal's reason.
 */
export function kubernetesRequest(
  url: string,
  options: KubernetesRequestOptions,
): Promise<KubernetesResponse> {
  const { signal, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const target = new URL(url);
  const requestImpl =
    target.protocol === 'http:' ? http.request : https.request;

  return new Promise((resolve, reject) => {
    const request = requestImpl(target, {
      method: 'GET',
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json',
      },
      ...(options.caData
        ? { ca: Buffer.from(options.caData, 'base64').toString('utf8') }
        : {}),
      rejectUnauthorized: !options.skipTLSVerify,
    });
    const onAbort = () => request.destroy(signal?.reason);
    // The whole exchange is timed, not only idle sockets: an API server that
    // trickles an answer must not hold the page either.
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const fail = (cause: unknown) =>
      settle(() =>
        reject(
          signal?.aborted
            ? signal.reason
            : new Error(`GET ${target.origin} failed`, { cause }),
        ),
      );

    request.on('response', response => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () =>
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        ),
      );
    });
    request.on('error', fail);
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end();
  });
}
