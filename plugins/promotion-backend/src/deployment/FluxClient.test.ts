import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse, JsonBodyType, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { unusedPort } from '../gates/__testUtils__/unusedPort';
import { DeploymentSourceError } from './DeploymentSourceError';
import { FluxClient } from './FluxClient';
import { KubernetesCluster } from './kubernetesClusters';
import {
  APPLIED,
  deploymentList,
  DIGEST,
  fluxHelmRelease,
  fluxKustomization,
  kubernetesStatus,
  NEWER,
} from './__testUtils__/fluxObjects';

const API = 'https://prod-eu.k8s.acme.test:6443';
const KUSTOMIZATIONS = `${API}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/:namespace/kustomizations/:name`;
const HELMRELEASES = `${API}/apis/helm.toolkit.fluxcd.io/v2/namespaces/:namespace/helmreleases/:name`;
const DEPLOYMENTS = `${API}/apis/apps/v1/deployments`;

const server = setupServer();
registerMswTestHooks(server);

const cluster: KubernetesCluster = {
  name: 'prod-eu',
  url: `${API}/`,
  serviceAccountToken: 'sa-token-prod-eu',
  skipTLSVerify: false,
};
const client = new FluxClient(cluster);

const KUSTOMIZE_LABELS = {
  'kustomize.toolkit.fluxcd.io/name': 'payments-prod',
  'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
};
const PAYMENTS_IMAGE = `ghcr.io/acme/payments@${DIGEST}`;

/** Serves the Flux object at `route` and Deployments at the list route, recording requests. */
function serve(
  route: string,
  object: JsonBodyType,
  deployments: JsonBodyType = deploymentList(KUSTOMIZE_LABELS, [
    { name: 'payments', images: [PAYMENTS_IMAGE, 'ghcr.io/acme/envoy:1.31.2'] },
    { name: 'payments-worker', images: [PAYMENTS_IMAGE] },
  ]),
) {
  const seen: Request[] = [];
  server.use(
    http.get(route, ({ request }) => {
      seen.push(request);
      return HttpResponse.json(object);
    }),
    http.get(DEPLOYMENTS, ({ request }) => {
      seen.push(request);
      return HttpResponse.json(deployments);
    }),
  );
  return seen;
}

const kustomization = {
  kind: 'Kustomization' as const,
  namespace: 'flux-system',
  name: 'payments-prod',
};

describe('FluxClient', () => {
  it('reads a synced, healthy Kustomization and the images of the Deployments it applied, with the token', async () => {
    const seen = serve(KUSTOMIZATIONS, fluxKustomization('payments-prod'));

    const status = await client.read(kustomization);

    expect(status).toEqual({
      source: 'flux',
      resource: 'Kustomization/flux-system/payments-prod',
      sync: 'synced',
      health: 'healthy',
      revision: APPLIED,
      images: ['ghcr.io/acme/envoy:1.31.2', PAYMENTS_IMAGE],
      lastSyncedAt: '2026-12-01T10:02:11Z',
      healthySince: '2026-12-01T10:02:11.000Z',
      manualSync: false,
    });
    expect(seen.map(r => new URL(r.url).pathname)).toEqual([
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/payments-prod',
      '/apis/apps/v1/deployments',
    ]);
    // One call, selected by the labels kustomize-controller puts on what it applies.
    const list = new URL(seen[1].url);
    expect(list.search).toBe(
      '?labelSelector=kustomize.toolkit.fluxcd.io%2Fname%3Dpayments-prod%2Ckustomize.toolkit.fluxcd.io%2Fnamespace%3Dflux-system',
    );
    expect(seen.map(r => r.headers.get('authorization'))).toEqual([
      'Bearer sa-token-prod-eu',
      'Bearer sa-token-prod-eu',
    ]);
  });

  it('reports a failed Ready as degraded with its message, and a newer attempted revision as out of sync', async () => {
    const failure =
      "health check failed after 3m0.01s: timeout waiting for: [Deployment/payments/payments status: 'InProgress']";
    serve(
      KUSTOMIZATIONS,
      fluxKustomization('payments-prod', {
        ready: {
          status: 'False',
          reason: 'HealthCheckFailed',
          message: failure,
          at: '2026-12-01T11:05:00Z',
        },
        attempted: NEWER,
      }),
    );

    const status = await client.read(kustomization);

    expect(status).toMatchObject({
      sync: 'out-of-sync',
      health: 'degraded',
      revision: APPLIED,
    });
    expect(status.message).toBe(
      `${failure}; Flux last attempted ${NEWER}, but ${APPLIED} is what was applied`,
    );
    // Neither applied nor healthy since the failure.
    expect(status.lastSyncedAt).toBeUndefined();
    expect(status.healthySince).toBeUndefined();
  });

  it('reports a Kustomization being reconciled (Ready Unknown) as progressing, not yet known to be in sync', async () => {
    serve(
      KUSTOMIZATIONS,
      fluxKustomization('payments-prod', {
        reconciling: `Building manifests for revision ${APPLIED} with a timeout of 3m0s`,
        ready: {
          status: 'Unknown',
          reason: 'Progressing',
          message: 'Reconciliation in progress',
        },
      }),
    );

    const status = await client.read(kustomization);

    expect(status).toMatchObject({
      sync: 'unknown',
      health: 'progressing',
      message: 'Reconciliation in progress',
      images: ['ghcr.io/acme/envoy:1.31.2', PAYMENTS_IMAGE],
    });
    expect(status.healthySince).toBeUndefined();
  });

  it('reports a suspended Kustomization as suspended, whatever its last Ready said', async () => {
    serve(
      KUSTOMIZATIONS,
      fluxKustomization('payments-prod', { suspend: true }),
    );

    const status = await client.read(kustomization);

    expect(status).toMatchObject({
      sync: 'synced',
      health: 'suspended',
      message: 'Flux does not reconcile this Kustomization: it is suspended',
    });
    expect(status.healthySince).toBeUndefined();
  });

  it('reports a spec the controller has not looked at yet as out of sync', async () => {
    serve(
      KUSTOMIZATIONS,
      fluxKustomization('payments-prod', {
        generation: 5,
        observedGeneration: 4,
      }),
    );
    expect(await client.read(kustomization)).toMatchObject({
      sync: 'out-of-sync',
      health: 'healthy',
    });
  });

  it('says which object is missing in which cluster on a 404, without listing Deployments', async () => {
    const seen: Request[] = [];
    server.use(
      http.get(KUSTOMIZATIONS, ({ request }) => {
        seen.push(request);
        return HttpResponse.json(
          kubernetesStatus(
            404,
            'NotFound',
            'kustomizations.kustomize.toolkit.fluxcd.io "payments-prod" not found',
            {
              name: 'payments-prod',
              group: 'kustomize.toolkit.fluxcd.io',
              kind: 'kustomizations',
            },
          ),
          { status: 404 },
        );
      }),
    );

    expect(await client.read(kustomization)).toEqual({
      source: 'flux',
      resource: 'Kustomization/flux-system/payments-prod',
      sync: 'unknown',
      health: 'missing',
      images: [],
      manualSync: false,
      message:
        'Kustomization flux-system/payments-prod does not exist in Kubernetes cluster prod-eu',
    });
    expect(seen).toHaveLength(1);
  });

  it.each([
    [
      'a group it does not serve',
      new HttpResponse('404 page not found\n', { status: 404 }),
    ],
    [
      'a resource it does not serve',
      HttpResponse.json(
        {
          ...kubernetesStatus(
            404,
            'NotFound',
            'the server could not find the requested resource',
          ),
          details: {},
        },
        { status: 404 },
      ),
    ],
  ])(
    'tells a cluster without the Flux API (%s) apart from a missing object',
    async (_, answer) => {
      server.use(http.get(KUSTOMIZATIONS, () => answer.clone()));
      await expect(client.read(kustomization)).rejects.toThrow(
        'Kubernetes cluster prod-eu does not serve the API of Kustomization flux-system/payments-prod (404); is Flux v2 installed there?',
      );
    },
  );

  it('throws a DeploymentSourceError saying the token was refused on a 401', async () => {
    server.use(
      http.get(KUSTOMIZATIONS, () =>
        HttpResponse.json(
          kubernetesStatus(401, 'Unauthorized', 'Unauthorized'),
          { status: 401 },
        ),
      ),
    );

    const error = await client.read(kustomization).catch(e => e);

    expect(error).toBeInstanceOf(DeploymentSourceError);
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'Kubernetes cluster prod-eu refused the token configured for it (401); renew it: Unauthorized',
    );
  });

  it('names the object the token may not read on a 403', async () => {
    server.use(
      http.get(KUSTOMIZATIONS, () =>
        HttpResponse.json(
          kubernetesStatus(
            403,
            'Forbidden',
            'kustomizations.kustomize.toolkit.fluxcd.io "payments-prod" is forbidden: User "system:serviceaccount:backstage:promotion" cannot get resource "kustomizations" in API group "kustomize.toolkit.fluxcd.io" in the namespace "flux-system"',
          ),
          { status: 403 },
        ),
      ),
    );
    await expect(client.read(kustomization)).rejects.toThrow(
      /^Kubernetes cluster prod-eu does not let the configured token read Kustomization flux-system\/payments-prod \(403\).*cannot get resource "kustomizations"/,
    );
  });

  it('keeps the status without images when the token may not list Deployments', async () => {
    serve(KUSTOMIZATIONS, fluxKustomization('payments-prod'));
    server.use(
      http.get(DEPLOYMENTS, () =>
        HttpResponse.json(
          kubernetesStatus(
            403,
            'Forbidden',
            'deployments.apps is forbidden: User "system:serviceaccount:backstage:promotion" cannot list resource "deployments" in API group "apps" at the cluster scope',
          ),
          { status: 403 },
        ),
      ),
    );

    expect(await client.read(kustomization)).toMatchObject({
      sync: 'synced',
      health: 'healthy',
      revision: APPLIED,
      images: [],
      message: 'images unknown: the token may not list Deployments (403)',
    });
  });

  it('throws with the status on another error answer', async () => {
    server.use(
      http.get(KUSTOMIZATIONS, () =>
        HttpResponse.json(
          kubernetesStatus(
            503,
            'ServiceUnavailable',
            'the server is currently unable to handle the request',
          ),
          {
            status: 503,
          },
        ),
      ),
    );
    const error = await client.read(kustomization).catch(e => e);
    expect(error).toBeInstanceOf(DeploymentSourceError);
    expect(error.status).toBe(503);
    expect(error.message).toBe(
      'Kubernetes cluster prod-eu answered 503 for Kustomization flux-system/payments-prod: the server is currently unable to handle the request',
    );
  });

  it('throws on an answer that is not JSON', async () => {
    server.use(
      http.get(
        KUSTOMIZATIONS,
        () =>
          new HttpResponse('<html><body>Sign in</body></html>', {
            status: 200,
          }),
      ),
    );
    await expect(client.read(kustomization)).rejects.toThrow(
      new DeploymentSourceError(
        'Kubernetes cluster prod-eu answered Kustomization flux-system/payments-prod with something that is not JSON',
      ),
    );
  });

  it('throws a DeploymentSourceError naming the cluster when it cannot be reached', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    // Let this one request through to the closed port.
    server.use(http.get(`${url}/*`, () => passthrough()));

    const error = await new FluxClient({ ...cluster, url })
      .read(kustomization)
      .catch(e => e);

    expect(error).toBeInstanceOf(DeploymentSourceError);
    expect(error.message).toBe(
      `Kubernetes cluster prod-eu at ${url} could not be reached (ECONNREFUSED)`,
    );
  });

  it('says which authProvider it needs when the cluster has no token, without asking the cluster', async () => {
    const seen = serve(KUSTOMIZATIONS, fluxKustomization('payments-prod'));
    const { serviceAccountToken: _, ...withoutToken } = cluster;

    await expect(
      new FluxClient(withoutToken).read(kustomization),
    ).rejects.toThrow(
      new DeploymentSourceError(
        'Kubernetes cluster prod-eu has no token for the backend: Flux deployment sources need authProvider serviceAccount with serviceAccountToken in its kubernetes.clusterLocatorMethods entry',
      ),
    );
    expect(seen).toHaveLength(0);
  });

  it('uses a fetch it is given', async () => {
    serve(KUSTOMIZATIONS, fluxKustomization('payments-prod'));
    const fetchImpl = jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, init),
    );

    const status = await new FluxClient(
      cluster,
      fetchImpl as typeof fetch,
    ).read(kustomization);

    expect(status).toMatchObject({
      sync: 'synced',
      health: 'healthy',
      images: ['ghcr.io/acme/envoy:1.31.2', PAYMENTS_IMAGE],
    });
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    expect(fetchImpl.mock.calls[0][1]?.headers).toEqual({
      authorization: 'Bearer sa-token-prod-eu',
      accept: 'application/json',
    });
  });

  describe('HelmRelease', () => {
    const helmRelease = {
      kind: 'HelmRelease' as const,
      namespace: 'payments',
      name: 'payments-prod',
    };
    const HELM_LABELS = {
      'helm.toolkit.fluxcd.io/name': 'payments-prod',
      'helm.toolkit.fluxcd.io/namespace': 'payments',
    };

    it('reads it from helm.toolkit.fluxcd.io/v2 and its Deployments by helm-controller’s labels', async () => {
      const seen = serve(
        HELMRELEASES,
        fluxHelmRelease('payments-prod'),
        deploymentList(HELM_LABELS, [
          { name: 'payments', images: [PAYMENTS_IMAGE] },
        ]),
      );

      const status = await client.read(helmRelease);

      expect(status).toEqual({
        source: 'flux',
        resource: 'HelmRelease/payments/payments-prod',
        sync: 'synced',
        health: 'healthy',
        // The chart and version of the release Helm has deployed.
        revision: 'payments@1.4.2',
        images: [PAYMENTS_IMAGE],
        // When Helm deployed it; healthy since Ready turned True after that.
        lastSyncedAt: '2026-12-01T10:02:31Z',
        healthySince: '2026-12-01T10:02:40.000Z',
        manualSync: false,
      });
      expect(new URL(seen[0].url).pathname).toBe(
        '/apis/helm.toolkit.fluxcd.io/v2/namespaces/payments/helmreleases/payments-prod',
      );
      expect(new URL(seen[1].url).searchParams.get('labelSelector')).toBe(
        'helm.toolkit.fluxcd.io/name=payments-prod,helm.toolkit.fluxcd.io/namespace=payments',
      );
    });

    it('is out of sync when the attempted chart version is not the deployed one', async () => {
      serve(
        HELMRELEASES,
        fluxHelmRelease('payments-prod', {
          ready: {
            status: 'False',
            reason: 'UpgradeFailed',
            message:
              'Helm upgrade failed for release payments/payments with chart payments@1.5.0: context deadline exceeded',
          },
          // A failed upgrade leaves the previous release deployed.
          history: [
            { chartVersion: '1.5.0', status: 'failed', version: 6 },
            {
              chartVersion: '1.4.2',
              status: 'deployed',
              version: 5,
              lastDeployed: '2026-11-28T14:00:00Z',
            },
          ],
          attempted: '1.5.0',
        }),
      );

      const status = await client.read(helmRelease);

      expect(status).toMatchObject({
        sync: 'out-of-sync',
        health: 'degraded',
        revision: 'payments@1.4.2',
        lastSyncedAt: '2026-11-28T14:00:00Z',
        message:
          'Helm upgrade failed for release payments/payments with chart payments@1.5.0: context deadline exceeded; Flux last attempted payments@1.5.0, but payments@1.4.2 is what was deployed',
      });
    });

    it('takes an OCI chart’s attempted version@digest for the deployed release', async () => {
      const ociDigest =
        'sha256:7e3f1a9c5b2d4e6f8a0c1b3d5e7f9a2c4b6d8e0f1a3c5e7b9d2f4a6c8e0b1d3f';
      serve(
        HELMRELEASES,
        fluxHelmRelease('payments-prod', {
          history: [
            {
              chartVersion: '1.4.2',
              status: 'deployed',
              version: 5,
              ociDigest,
            },
          ],
          attempted: `1.4.2@${ociDigest}`,
        }),
      );
      expect(await client.read(helmRelease)).toMatchObject({
        sync: 'synced',
        revision: 'payments@1.4.2',
      });
    });

    it('is out of sync when the attempted values are not the deployed ones', async () => {
      serve(
        HELMRELEASES,
        fluxHelmRelease('payments-prod', {
          ready: {
            status: 'Unknown',
            reason: 'Progressing',
            message: "Running 'upgrade' action with timeout of 5m0s",
          },
          attemptedConfigDigest:
            'sha256:0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e',
        }),
      );

      expect(await client.read(helmRelease)).toMatchObject({
        sync: 'out-of-sync',
        health: 'progressing',
        revision: 'payments@1.4.2',
      });
    });
  });
});
