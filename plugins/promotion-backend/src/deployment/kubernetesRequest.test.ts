import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { FluxClient } from './FluxClient';
import { kubernetesRequest } from './kubernetesRequest';
import { fluxKustomization } from './__testUtils__/fluxObjects';
import {
  TEST_TLS_CA_DATA,
  TEST_TLS_CERT,
  TEST_TLS_KEY,
} from './__testUtils__/selfSignedCertificate';

/**
 * A real API server on loopback (no msw: TLS is what is tested), signed by a
 * CA Node does not trust. `/slow` never answers.
 */
async function startApiServer(options: { tls: boolean }) {
  const authorizations: Array<string | undefined> = [];
  const handler: http.RequestListener = (req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.url === '/slow') return;
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      req.url?.startsWith('/apis/apps/v1/deployments')
        ? JSON.stringify({
            kind: 'DeploymentList',
            apiVersion: 'apps/v1',
            items: [],
          })
        : JSON.stringify(fluxKustomization('payments-prod')),
    );
  };
  const server = options.tls
    ? https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, handler)
    : http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${
      (server.address() as AddressInfo).port
    }`,
    authorizations,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PATH =
  '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/payments-prod';

describe('kubernetesRequest', () => {
  let tls: Awaited<ReturnType<typeof startApiServer>>;
  let plain: Awaited<ReturnType<typeof startApiServer>>;

  beforeAll(async () => {
    tls = await startApiServer({ tls: true });
    plain = await startApiServer({ tls: false });
  });

  afterAll(async () => {
    await tls.close();
    await plain.close();
  });

  it('trusts the cluster’s CA from caData and sends the token', async () => {
    const answer = await kubernetesRequest(`${tls.url}${PATH}`, {
      token: 'sa-token',
      caData: TEST_TLS_CA_DATA,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Kustomization' });
    expect(tls.authorizations.at(-1)).toBe('Bearer sa-token');
  });

  it('refuses a certificate of an unknown CA, saying why as a code', async () => {
    const error = await kubernetesRequest(`${tls.url}${PATH}`, {
      token: 'sa-token',
    }).catch(e => e);
    expect(error.cause.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('skips verification with skipTLSVerify', async () => {
    const answer = await kubernetesRequest(`${tls.url}${PATH}`, {
      token: 'sa-token',
      skipTLSVerify: true,
    });
    expect(answer.status).toBe(200);
  });

  it('gives up after the timeout, also on an answer that never ends', async () => {
    for (const path of ['/slow', '/trickle']) {
      const started = Date.now();
      const error = await kubernetesRequest(`${plain.url}${path}`, {
        token: 't',
        timeoutMs: 200,
      }).catch(e => e);
      expect(error.cause.message).toBe('no answer within 0.2s');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('rejects with the reason of an abort', async () => {
    const controller = new AbortController();
    const request = kubernetesRequest(`${plain.url}/slow`, {
      token: 't',
      signal: controller.signal,
    });
    setTimeout(
      () => controller.abort(new Error('Timed out after 100ms.')),
      100,
    );
    await expect(request).rejects.toThrow(new Error('Timed out after 100ms.'));
    await expect(
      kubernetesRequest(`${plain.url}${PATH}`, {
        token: 't',
        signal: controller.signal,
      }),
    ).rejects.toThrow('Timed out after 100ms.');
  });

  it('is what FluxClient uses, with the cluster’s caData, or says to set it', async () => {
    const cluster = {
      name: 'prod-eu',
      url: tls.url,
      serviceAccountToken: 'sa-token',
      skipTLSVerify: false,
    };
    expect(
      await new FluxClient({ ...cluster, caData: TEST_TLS_CA_DATA }).read({
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'payments-prod',
      }),
    ).toMatchObject({ sync: 'synced', health: 'healthy', images: [] });

    await expect(
      new FluxClient(cluster).read({
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'payments-prod',
      }),
    ).rejects.toThrow(
      `Kubernetes cluster prod-eu at ${tls.url} could not be reached (DEPTH_ZERO_SELF_SIGNED_CERT); set the cluster's caData to its CA`,
    );
  });
});
