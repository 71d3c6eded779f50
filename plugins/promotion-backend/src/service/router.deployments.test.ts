import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { argoCdApplication } from '../deployment/__testUtils__/argoCdApplication';
import {
  deploymentList,
  fluxKustomization,
} from '../deployment/__testUtils__/fluxObjects';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { startPromotionBackend } from '../__testUtils__/promotionTestBackend';

jest.setTimeout(60_000);

const IMAGE = 'ghcr.io/acme/payments';
const PAYMENTS: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': IMAGE },
  },
  spec: { owner: 'group:default/team-a' },
};
const ARGO = 'https://argocd.acme.test';
const KUBE = 'https://kube.staging.acme.test';
const asUser = mockCredentials.user.header('user:default/alice');
const SYNC =
  '/api/promotion/entities/component/default/payments/environments/prod/sync';

const server = setupServer();
registerMswTestHooks(server);

describe('deployment routes', () => {
  let repo: TestRepository;
  let workingDirectory: string;
  /** Application names Argo CD was asked to sync. */
  let syncs: string[];
  let argoAnswers: 'ok' | 'unauthorized';

  beforeEach(() => {
    syncs = [];
    argoAnswers = 'ok';
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-router-deployments-'),
    );
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/prod/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
    });
    server.use(
      // The backend's own HTTP server, on loopback, is not faked.
      http.all(/^http:\/\/(localhost|127\.0\.0\.1)/, () => passthrough()),
      http.get(`${ARGO}/api/v1/applications/payments-prod`, () =>
        argoAnswers === 'ok'
          ? HttpResponse.json(
              argoCdApplication('payments-prod', {
                automated: false,
                sync: 'OutOfSync',
                images: [`${IMAGE}@${digestOf('a')}`],
              }),
            )
          : HttpResponse.json(
              { error: 'invalid session: token is expired', code: 16 },
              { status: 401 },
            ),
      ),
      http.post(`${ARGO}/api/v1/applications/payments-prod/sync`, () => {
        if (argoAnswers !== 'ok')
          return HttpResponse.json(
            { error: 'permission denied', code: 7 },
            { status: 403 },
          );
        syncs.push('payments-prod');
        return HttpResponse.json(
          argoCdApplication('payments-prod', {
            automated: false,
            operation: { phase: 'Running' },
          }),
        );
      }),
      http.get(
        `${KUBE}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/payments-staging`,
        () => HttpResponse.json(fluxKustomization('payments-staging')),
      ),
      http.get(`${KUBE}/apis/apps/v1/deployments`, () =>
        HttpResponse.json(
          deploymentList(
            {
              'kustomize.toolkit.fluxcd.io/name': 'payments-staging',
              'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
            },
            [{ name: 'payments', images: [`${IMAGE}:1.1.0@${digestOf('b')}`] }],
          ),
        ),
      ),
    );
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(workingDirectory, { recursive: true, force: true });
  });

  function startBackend(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    return startPromotionBackend({
      repoUrl: repo.url,
      workingDirectory,
      services: [
        catalogServiceMock.factory({ entities: [PAYMENTS] }),
        mockServices.permissions.factory({ result }),
      ],
      environments: [
        { name: 'dev' },
        { name: 'staging', deployment: { source: 'flux' } },
        { name: 'prod', deployment: { source: 'argocd' } },
      ],
      promotion: { argocd: [{ id: 'main', url: ARGO, token: 'argo-token' }] },
      config: {
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'staging',
                  url: KUBE,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'sa-token',
                },
              ],
            },
          ],
        },
      },
    });
  }

  const pipeline = (backend: Awaited<ReturnType<typeof startBackend>>) =>
    request(backend)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', asUser);
  const syncAudit = async (backend: Awaited<ReturnType<typeof startBackend>>) =>
    (
      await request(backend)
        .get('/api/promotion/audit?action=promotion.sync-requested')
        .set('Authorization', asUser)
    ).body.items;

  it('shows what Flux and Argo CD report next to what git pins, and offers Sync for the manual Application', async () => {
    const backend = await startBackend();
    const res = await pipeline(backend);
    expect(res.status).toBe(200);
    const [dev, staging, prod] = res.body.environments;
    expect(dev.deployment).toBeUndefined();
    expect(staging.deployment).toMatchObject({
      source: 'flux',
      resource: 'Kustomization/flux-system/payments-staging',
      sync: 'synced',
      health: 'healthy',
      images: [`${IMAGE}:1.1.0@${digestOf('b')}`],
      manualSync: false,
    });
    expect(staging.allowedActions).not.toContain('sync');
    expect(prod.deployment).toMatchObject({
      source: 'argocd',
      resource: 'payments-prod',
      sync: 'out-of-sync',
      manualSync: true,
    });
    expect(prod.allowedActions).toContain('sync');
  });

  it('answers the pipeline with the reason when Argo CD refuses the token, never a 5xx', async () => {
    argoAnswers = 'unauthorized';
    const backend = await startBackend();
    const res = await pipeline(backend);
    expect(res.status).toBe(200);
    expect(res.body.environments[2].deployment).toMatchObject({
      sync: 'unknown',
      health: 'unknown',
      error:
        "Argo CD 'main' refused the token configured for it (401); renew it: invalid session: token is expired",
    });
    expect(res.body.environments[2].allowedActions).not.toContain('sync');
  });

  it('syncs the Application when asked, audited with who asked and why', async () => {
    const backend = await startBackend();
    const res = await request(backend)
      .post(SYNC)
      .set('Authorization', asUser)
      .send({ reason: 'release window opened' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/payments',
      environment: 'prod',
      application: 'payments-prod',
      deployment: { source: 'argocd', resource: 'payments-prod' },
    });
    expect(syncs).toEqual(['payments-prod']);
    expect(await syncAudit(backend)).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        environment: 'prod',
        details: {
          application: 'payments-prod',
          reason: 'release window opened',
        },
      }),
    ]);
    // An empty body is fine too.
    expect(
      (await request(backend).post(SYNC).set('Authorization', asUser)).status,
    ).toBe(202);
  });

  it('refuses bad input and environments without Argo CD with 400, asking nothing of Argo CD', async () => {
    const backend = await startBackend();
    const post = (url: string, body: object = {}) =>
      request(backend).post(url).set('Authorization', asUser).send(body);
    expect((await post(SYNC, { surprise: true })).status).toBe(400);
    expect((await post(SYNC, { reason: 'x'.repeat(2001) })).status).toBe(400);
    expect((await post(SYNC.replace('/prod/', '/Prod!/'))).status).toBe(400);
    const flux = await post(SYNC.replace('/prod/', '/staging/'));
    expect(flux.status).toBe(400);
    expect(flux.body.error.message).toBe(
      'staging has no Argo CD deployment source, so there is nothing to sync',
    );
    expect((await post(SYNC.replace('/prod/', '/qa/'))).status).toBe(400);
    expect((await post(SYNC.replace('/payments/', '/nobody/'))).status).toBe(
      404,
    );
    expect(syncs).toEqual([]);
    expect(await syncAudit(backend)).toEqual([]);
  });

  it('says why when Argo CD refuses the sync, and writes nothing', async () => {
    const backend = await startBackend();
    argoAnswers = 'unauthorized';
    const res = await request(backend).post(SYNC).set('Authorization', asUser);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      "Not synced: Argo CD 'main' does not let the configured token read Application payments-prod (403)",
    );
    expect(await syncAudit(backend)).toEqual([]);
  });

  it('refuses callers the policy does not allow, services and anonymous callers', async () => {
    const denying = await startBackend(AuthorizeResult.DENY);
    expect(
      (await request(denying).post(SYNC).set('Authorization', asUser)).status,
    ).toBe(403);
    const allowing = await startBackend();
    const asCi = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('external:ci'),
      targetPluginId: 'promotion',
    });
    expect(
      (await request(allowing).post(SYNC).set('Authorization', asCi)).status,
    ).toBe(403);
    expect(
      (
        await request(allowing)
          .post(SYNC)
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
    expect(syncs).toEqual([]);
  });
});
