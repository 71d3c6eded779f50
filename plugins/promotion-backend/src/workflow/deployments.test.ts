import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import {
  mockServices,
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AuditLog } from '../audit';
import { promotionConfigSchema } from '../config/schema';
import { KnexPromotionStore, PromotionStore } from '../database';
import { DeploymentService } from '../deployment';
import { argoCdApplication } from '../deployment/__testUtils__/argoCdApplication';
import { builtInGateFactories, GateRunner } from '../gates';
import { GitOpsService } from '../gitops';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow, Requester } from './PromotionWorkflow';

// A real git repository; Argo CD faked at the HTTP layer.
jest.setTimeout(60_000);

const ALICE: Requester = { ref: 'user:default/alice', kind: 'user' };
const IMAGE = 'ghcr.io/acme/payments';
const NEW = digestOf('a');
const OLD = digestOf('b');
const ARGO = 'https://argocd.acme.test';
const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': IMAGE },
  },
  spec: {},
};
const EVERYTHING_ALLOWED = { ref: ALICE.ref, decide: () => true };

const server = setupServer();
registerMswTestHooks(server);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** What the fake Argo CD says of each Application, by name; tests change it as the cluster would. */
let applications: Record<
  string,
  Parameters<typeof argoCdApplication>[1] | 'unauthorized'
>;
let syncs: string[];
/** Whether the catalog still has the entity. */
let inCatalog: boolean;

function fakeArgoCd() {
  server.use(
    http.get(`${ARGO}/api/v1/applications/:name`, ({ params }) => {
      const app = applications[params.name as string];
      if (app === 'unauthorized') {
        return HttpResponse.json(
          { error: 'invalid session: token is expired', code: 16 },
          { status: 401 },
        );
      }
      if (!app)
        return HttpResponse.json(
          { error: 'not found', code: 5 },
          { status: 404 },
        );
      return HttpResponse.json(argoCdApplication(params.name as string, app));
    }),
    http.post(`${ARGO}/api/v1/applications/:name/sync`, ({ params }) => {
      const app = applications[params.name as string];
      if (app === 'unauthorized') {
        return HttpResponse.json(
          { error: 'permission denied', code: 7 },
          { status: 403 },
        );
      }
      syncs.push(params.name as string);
      return HttpResponse.json(
        argoCdApplication(params.name as string, {
          ...app,
          operation: { phase: 'Running' },
        }),
      );
    }),
  );
}

describe('PromotionWorkflow following deployments', () => {
  let repo: TestRepository;
  let cacheDir: string;
  let store: PromotionStore;
  let auditLog: AuditLog;
  let now: Date;

  beforeEach(async () => {
    now = new Date('2026-12-01T10:00:00.000Z');
    syncs = [];
    inCatalog = true;
    applications = {
      'payments-staging': { images: [`${IMAGE}@${OLD}`] },
      'payments-prod': { images: [`${IMAGE}@${OLD}`], automated: false },
    };
    fakeArgoCd();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-deployments-'));
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        NEW,
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        OLD,
      ),
      'apps/payments/prod/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        OLD,
      ),
    });
    const knex = await databases.init('SQLITE_3');
    store = await KnexPromotionStore.create({
      database: { getClient: async () => knex },
    });
    auditLog = new AuditLog(knex);
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  function workflow(
    environments: unknown[] = [
      { name: 'dev' },
      { name: 'staging', deployment: { source: 'argocd' } },
      {
        name: 'prod',
        deployment: { source: 'argocd', timeout: { minutes: 10 } },
      },
    ],
  ) {
    const config = promotionConfigSchema.parse({
      environments,
      argocd: [{ id: 'main', url: ARGO, token: 'argo-token' }],
      gitops: {
        repositories: [{ id: 'platform', url: repo.url }],
        defaults: {
          path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
        },
      },
    });
    const logger = mockServices.logger.mock();
    return new PromotionWorkflow({
      config,
      store,
      gitops: new GitOpsService({ config, cacheDir, logger }),
      gates: new GateRunner(builtInGateFactories()),
      logger,
      loadEntity: async () => (inCatalog ? ENTITY : undefined),
      instanceId: 'test-replica',
      appBaseUrl: 'http://backstage.test',
      // No cache: every look in these tests sees what the fake says now.
      deployments: new DeploymentService({ config, cacheTtlMs: 0 }),
      now: () => now,
    });
  }

  // Pinned in staging at 09:50, before the test's clock starts.
  const stagingRuns = (digest: string) =>
    repo.commitFiles(
      {
        'apps/payments/staging/kustomization.yaml': kustomization(
          IMAGE,
          '1.1.0',
          digest,
        ),
      },
      'staging runs 1.1.0',
      {
        GIT_AUTHOR_DATE: '2026-12-01T09:50:00Z',
        GIT_COMMITTER_DATE: '2026-12-01T09:50:00Z',
      },
    );

  async function promote(flow: PromotionWorkflow, target: string) {
    const resolved = await flow.resolve(
      ENTITY,
      { entityRef: 'component:default/payments', targetEnvironment: target },
      'user',
    );
    const promotion = await flow.request(ENTITY, resolved, ALICE);
    await flow.settle();
    return (await flow.getPromotion(promotion.id))!;
  }

  /** Lets time pass, then lets the scheduler look at what is due. */
  async function later(flow: PromotionWorkflow, ms: number, id: string) {
    now = new Date(now.getTime() + ms);
    await flow.runDue();
    await flow.settle();
    return (await flow.getPromotion(id))!;
  }

  const actions = async (promotionId: string) =>
    (await auditLog.list({ promotionId })).items.map(record => record.action);

  it('ends deployed once Argo CD reports the build synced and healthy, not when it lands', async () => {
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    expect(landed.status).toBe('succeeded');
    // Auto sync: the timeout counts from the landing.
    expect(landed.deployment).toEqual({
      deadlineAt: '2026-12-01T10:15:00.000Z',
    });

    // Argo CD has not applied it yet.
    expect((await later(flow, 20_000, landed.id)).status).toBe('succeeded');

    applications['payments-staging'] = {
      images: [`${IMAGE}:1.1.0@${NEW}`],
      healthChangedAt: '2026-12-01T10:00:40Z',
    };
    const deployed = await later(flow, 20_000, landed.id);
    expect(deployed.status).toBe('deployed');
    expect(deployed.deployment).toBeUndefined();
    expect(await actions(landed.id)).toEqual([
      'promotion.requested',
      'promotion.approved',
      'promotion.executing',
      'promotion.executed',
      'promotion.deployed',
    ]);
    const [record] = (
      await auditLog.list({
        promotionId: landed.id,
        action: 'promotion.deployed',
      })
    ).items;
    expect(record.details).toMatchObject({
      source: 'argocd',
      resource: 'payments-staging',
      health: 'healthy',
      images: [`${IMAGE}:1.1.0@${NEW}`],
    });
    // Nothing is due any more.
    expect(await store.listDue(new Date('2027-01-01T00:00:00Z'), 10)).toEqual(
      [],
    );
  });

  it('fails with what Argo CD said when the build runs degraded', async () => {
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    applications['payments-staging'] = {
      images: [`${IMAGE}@${NEW}`],
      health: 'Degraded',
      healthMessage: 'Deployment "payments" exceeded its progress deadline',
    };
    const failed = await later(flow, 20_000, landed.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(
      `Landed, but staging (payments-staging) runs ${IMAGE}:1.1.0@sha256:aaaaaaaaaaaa but is degraded: Deployment "payments" exceeded its progress deadline`,
    );
    // The change stays in git: failing the request does not revert it.
    expect(repo.readFile('apps/payments/staging/kustomization.yaml')).toContain(
      NEW,
    );
  });

  it('fails once the timeout has passed without the build running healthy', async () => {
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    applications['payments-staging'] = {
      images: [`${IMAGE}@${NEW}`],
      health: 'Progressing',
    };
    expect((await later(flow, 14 * 60_000, landed.id)).status).toBe(
      'succeeded',
    );
    const failed = await later(flow, 60_000, landed.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /^staging did not run .* healthy within 15m: .* is synced and progressing/,
    );
  });

  it('keeps following while Argo CD cannot be asked, and fails at the timeout naming why', async () => {
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    applications['payments-staging'] = 'unauthorized';
    expect((await later(flow, 60_000, landed.id)).status).toBe('succeeded');
    const failed = await later(flow, 15 * 60_000, landed.id);
    expect(failed.error).toContain(
      "Argo CD 'main' refused the token configured for it (401)",
    );
  });

  it('stops following, and stays succeeded, once the entity left the catalog', async () => {
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    inCatalog = false;
    const after = await later(flow, 20_000, landed.id);
    expect(after.status).toBe('succeeded');
    expect(after.deployment).toBeUndefined();
    expect(await store.listDue(new Date('2027-01-01T00:00:00Z'), 10)).toEqual(
      [],
    );
  });

  it('starts no clock while Argo CD cannot say whether the Application syncs by itself', async () => {
    applications['payments-staging'] = 'unauthorized';
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    expect(landed.deployment).toEqual({});
    expect((await later(flow, 60 * 60_000, landed.id)).status).toBe(
      'succeeded',
    );
    applications['payments-staging'] = { images: [`${IMAGE}@${OLD}`] };
    const counting = await later(flow, 60_000, landed.id);
    expect(counting.deployment).toEqual({
      deadlineAt: new Date(now.getTime() + 15 * 60_000).toISOString(),
    });
  });

  it('waits for the Sync action on a manual-sync Application, then counts the timeout from it', async () => {
    const flow = workflow();
    stagingRuns(NEW);
    const landed = await promote(flow, 'prod');
    expect(landed.status).toBe('succeeded');
    // Nobody synced: no timeout runs.
    expect(landed.deployment).toEqual({});
    expect((await later(flow, 60 * 60_000, landed.id)).status).toBe(
      'succeeded',
    );

    const pipeline = await flow.getPipeline(ENTITY, EVERYTHING_ALLOWED);
    const prod = pipeline.environments.find(env => env.name === 'prod')!;
    expect(prod.allowedActions).toContain('sync');
    expect(prod.deployment).toMatchObject({
      source: 'argocd',
      resource: 'payments-prod',
      manualSync: true,
    });
    expect(
      pipeline.environments.find(env => env.name === 'staging')!.allowedActions,
    ).not.toContain('sync');

    const outcome = await flow.sync(
      ENTITY,
      'prod',
      'user:default/riley',
      'release window',
    );
    expect(syncs).toEqual(['payments-prod']);
    expect(outcome).toMatchObject({
      application: 'payments-prod',
      promotionId: landed.id,
    });
    const [requested] = (
      await auditLog.list({
        promotionId: landed.id,
        action: 'promotion.sync-requested',
      })
    ).items;
    expect(requested).toMatchObject({
      actor: 'user:default/riley',
      details: {
        application: 'payments-prod',
        reason: 'release window',
        promotionId: landed.id,
      },
    });
    await flow.settle();
    expect((await flow.getPromotion(landed.id))!.deployment).toEqual({
      deadlineAt: new Date(now.getTime() + 10 * 60_000).toISOString(),
    });

    applications['payments-prod'] = {
      images: [`${IMAGE}@${NEW}`],
      automated: false,
    };
    expect((await later(flow, 30_000, landed.id)).status).toBe('deployed');
  });

  it('writes nothing when Argo CD refuses the sync', async () => {
    const flow = workflow();
    stagingRuns(NEW);
    const landed = await promote(flow, 'prod');
    applications['payments-prod'] = 'unauthorized';
    const before = await actions(landed.id);
    await expect(
      flow.sync(ENTITY, 'prod', 'user:default/riley'),
    ).rejects.toThrow(
      "Not synced: Argo CD 'main' does not let the configured token read Application payments-prod (403)",
    );
    expect(await actions(landed.id)).toEqual(before);
    expect(
      (await auditLog.list({ action: 'promotion.sync-requested' })).items,
    ).toEqual([]);
    expect((await flow.getPromotion(landed.id))!.deployment).toEqual({});
  });

  it('stops following once a newer change is pinned over the build', async () => {
    const flow = workflow();
    const landed = await promote(flow, 'staging');
    repo.commitFiles(
      {
        'apps/payments/staging/kustomization.yaml': kustomization(
          IMAGE,
          '1.2.0',
          digestOf('c'),
        ),
      },
      'hotfix',
    );
    const unfollowed = await later(flow, 20_000, landed.id);
    expect(unfollowed.status).toBe('succeeded');
    expect(unfollowed.deployment).toBeUndefined();
    expect(await actions(landed.id)).toContain(
      'promotion.deployment-unfollowed',
    );
  });

  it('gates prod on staging running the build healthy, and soaks from then', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', deployment: { source: 'argocd' } },
      {
        name: 'prod',
        gates: [
          { type: 'deployed' },
          { type: 'soak', duration: { minutes: 30 } },
        ],
      },
    ]);
    stagingRuns(NEW);
    applications['payments-staging'] = 'unauthorized';
    const waiting = await promote(flow, 'prod');
    expect(waiting.status).toBe('gating');
    expect(waiting.gateRuns).toEqual([
      expect.objectContaining({
        gate: 'deployed',
        status: 'pending',
        message:
          "What runs in staging (payments-staging) is not known: Argo CD 'main' refused the token configured for it (401); renew it: invalid session: token is expired",
      }),
      expect.objectContaining({ gate: 'soak 30m', status: 'pending' }),
    ]);
    // Nothing reached prod's manifest.
    expect(repo.readFile('apps/payments/prod/kustomization.yaml')).toContain(
      OLD,
    );

    applications['payments-staging'] = {
      images: [`${IMAGE}@${NEW}`],
      healthChangedAt: '2026-12-01T10:05:00Z',
      operation: { phase: 'Succeeded', finishedAt: '2026-12-01T10:04:00Z' },
    };
    const soaking = await later(flow, 60_000, waiting.id);
    expect(soaking.gateRuns).toEqual([
      expect.objectContaining({ gate: 'deployed', status: 'passed' }),
      expect.objectContaining({
        gate: 'soak 30m',
        status: 'pending',
        retryAt: '2026-12-01T10:35:00.000Z',
      }),
    ]);
    now = new Date('2026-12-01T10:35:00.000Z');
    await flow.runDue();
    await flow.settle();
    expect((await flow.getPromotion(waiting.id))!.status).toBe('succeeded');
  });
});
