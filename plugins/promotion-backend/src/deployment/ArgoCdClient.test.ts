import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { unusedPort } from '../gates/__testUtils__/unusedPort';
import { ArgoCdClient, describeRollout } from './ArgoCdClient';
import { DeploymentSourceError } from './DeploymentSourceError';
import {
  argoCdApplication,
  argoRolloutResource,
  DIGEST,
} from './__testUtils__/argoCdApplication';

const ARGO = 'https://argocd.acme.test';
const server = setupServer();
registerMswTestHooks(server);

const client = new ArgoCdClient({
  id: 'main',
  url: `${ARGO}/`,
  token: 'argo-token',
});

function serveApplication(
  app: ReturnType<typeof argoCdApplication>,
  seen: Request[] = [],
) {
  server.use(
    http.get(`${ARGO}/api/v1/applications/:name`, ({ request }) => {
      seen.push(request);
      return HttpResponse.json(app);
    }),
  );
  return seen;
}

describe('ArgoCdClient', () => {
  it('reads sync, health, images, last sync and healthy-since of an Application with its token', async () => {
    const seen = serveApplication(
      argoCdApplication('payments-staging', {
        healthChangedAt: '2026-12-01T10:02:40Z',
      }),
    );

    const status = await client.read('payments-staging');

    expect(seen[0].headers.get('authorization')).toBe('Bearer argo-token');
    expect(new URL(seen[0].url).pathname).toBe(
      '/api/v1/applications/payments-staging',
    );
    expect(status).toEqual({
      source: 'argocd',
      resource: 'payments-staging',
      url: `${ARGO}/applications/argocd/payments-staging`,
      sync: 'synced',
      health: 'healthy',
      revision: '8d1f7c4e3b2a19f0e6d5c4b3a2918f7e6d5c4b3a',
      images: [`ghcr.io/acme/payments@${DIGEST}`],
      lastSyncedAt: '2026-12-01T10:02:11Z',
      // The health changed after the sync finished: healthy since then.
      healthySince: '2026-12-01T10:02:40.000Z',
      manualSync: false,
    });
  });

  it('counts healthy from the last sync when health did not change since', async () => {
    serveApplication(
      argoCdApplication('payments-staging', {
        healthChangedAt: '2026-11-20T08:00:00Z',
      }),
    );
    expect((await client.read('payments-staging')).healthySince).toBe(
      '2026-12-01T10:02:11.000Z',
    );
  });

  it('says an out-of-sync manual Application is manual and not healthy-since anything when degraded', async () => {
    serveApplication(
      argoCdApplication('payments-prod', {
        sync: 'OutOfSync',
        health: 'Degraded',
        healthMessage: 'Deployment "payments" exceeded its progress deadline',
        automated: false,
      }),
    );
    const status = await client.read('payments-prod');
    expect(status).toMatchObject({
      sync: 'out-of-sync',
      health: 'degraded',
      manualSync: true,
      message: 'Deployment "payments" exceeded its progress deadline',
    });
    expect(status.healthySince).toBeUndefined();
  });

  it('reports a running sync and a failed one', async () => {
    serveApplication(
      argoCdApplication('payments-prod', {
        operation: { phase: 'Running', startedAt: '2026-12-01T11:00:00Z' },
      }),
    );
    expect(await client.read('payments-prod')).toMatchObject({
      operationRunning: true,
    });

    serveApplication(
      argoCdApplication('payments-prod', {
        operation: {
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          finishedAt: '2026-12-01T11:01:00Z',
        },
      }),
    );
    const failed = await client.read('payments-prod');
    expect(failed.operationRunning).toBeUndefined();
    expect(failed.message).toBe(
      'Last sync failed: one or more objects failed to apply',
    );
  });

  it('adds the canary step and weight of a Rollout among its resources', async () => {
    const asked: URL[] = [];
    serveApplication(
      argoCdApplication('payments-prod', {
        rollout: true,
        health: 'Suspended',
      }),
    );
    server.use(
      http.get(`${ARGO}/api/v1/applications/:name/resource`, ({ request }) => {
        asked.push(new URL(request.url));
        return HttpResponse.json(
          argoRolloutResource({ step: 1, message: 'CanaryPauseStep' }),
        );
      }),
    );

    const status = await client.read('payments-prod');

    expect(asked[0].searchParams.get('kind')).toBe('Rollout');
    expect(asked[0].searchParams.get('group')).toBe('argoproj.io');
    expect(asked[0].searchParams.get('resourceName')).toBe('payments');
    expect(asked[0].searchParams.get('namespace')).toBe('payments');
    expect(status.health).toBe('suspended');
    expect(status.rollout).toEqual({
      name: 'payments',
      phase: 'Paused',
      step: 1,
      steps: 5,
      weight: 20,
      message: 'CanaryPauseStep',
    });
  });

  it('keeps the Application state when its Rollout cannot be read', async () => {
    serveApplication(argoCdApplication('payments-prod', { rollout: true }));
    server.use(
      http.get(`${ARGO}/api/v1/applications/:name/resource`, () =>
        HttpResponse.json(
          { error: 'permission denied', code: 7 },
          { status: 403 },
        ),
      ),
    );
    const status = await client.read('payments-prod');
    expect(status.health).toBe('healthy');
    expect(status.rollout).toEqual({ name: 'payments' });
  });

  it('says that the token was refused, for a 401', async () => {
    server.use(
      http.get(`${ARGO}/api/v1/applications/:name`, () =>
        HttpResponse.json(
          {
            error: 'invalid session: token is expired',
            code: 16,
            message: 'invalid session: token is expired',
          },
          { status: 401 },
        ),
      ),
    );
    const error = await client.read('payments-prod').catch(e => e);
    expect(error).toBeInstanceOf(DeploymentSourceError);
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      "Argo CD 'main' refused the token configured for it (401); renew it: invalid session: token is expired",
    );
  });

  it('says the token may not read the Application, for a 403', async () => {
    server.use(
      http.get(`${ARGO}/api/v1/applications/:name`, () =>
        HttpResponse.json(
          { error: 'permission denied', code: 7, message: 'permission denied' },
          { status: 403 },
        ),
      ),
    );
    await expect(client.read('payments-prod')).rejects.toThrow(
      "Argo CD 'main' does not let the configured token read Application payments-prod (403), or Application payments-prod does not exist: permission denied",
    );
  });

  it('names the instance and the reason when Argo CD cannot be reached', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    server.use(http.all(`${url}/*`, () => HttpResponse.error()));
    const unreachable = new ArgoCdClient({ id: 'edge', url, token: 't' });
    await expect(unreachable.read('payments-prod')).rejects.toThrow(
      `Argo CD 'edge' at ${url} could not be reached`,
    );
  });

  it('asks for a sync without pruning', async () => {
    let body: unknown;
    let auth: string | null = null;
    server.use(
      http.post(
        `${ARGO}/api/v1/applications/payments-prod/sync`,
        async ({ request }) => {
          body = await request.json();
          auth = request.headers.get('authorization');
          return HttpResponse.json(
            argoCdApplication('payments-prod', {
              operation: { phase: 'Running' },
            }),
          );
        },
      ),
    );
    await client.sync('payments-prod');
    expect(auth).toBe('Bearer argo-token');
    expect(body).toEqual({ prune: false, dryRun: false });
  });

  it('refuses a sync the token may not do, with the reason', async () => {
    server.use(
      http.post(`${ARGO}/api/v1/applications/payments-prod/sync`, () =>
        HttpResponse.json(
          {
            error:
              'permission denied: applications, sync, default/payments-prod',
            code: 7,
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.sync('payments-prod')).rejects.toThrow(
      'permission denied: applications, sync, default/payments-prod',
    );
  });
});

describe('describeRollout', () => {
  const rollout = (step: number | undefined, weight?: number) =>
    JSON.parse(argoRolloutResource({ step: step as number, weight }).manifest);

  it('takes the weight from traffic routing when the Rollout reports one', () => {
    expect(describeRollout('payments', rollout(2, 35)).weight).toBe(35);
  });

  it('takes the last setWeight done when there is no traffic routing', () => {
    expect(describeRollout('payments', rollout(0)).weight).toBe(20);
    expect(describeRollout('payments', rollout(3)).weight).toBe(50);
  });

  it('says 100% once every step is done', () => {
    expect(describeRollout('payments', rollout(5))).toMatchObject({
      step: 5,
      steps: 5,
      weight: 100,
    });
  });
});
