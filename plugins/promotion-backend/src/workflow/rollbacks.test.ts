import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { promotionConfigSchema } from '../config/schema';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import { builtInGateFactories, GateRunner } from '../gates';
import { GitOpsService } from '../gitops';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow } from './PromotionWorkflow';

jest.setTimeout(120_000);

const IMAGE = 'ghcr.io/acme/payments';
const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': IMAGE },
  },
  spec: {},
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-payments' }],
};
const RILEY = { ref: 'user:default/riley', kind: 'user' as const };
const REASON = 'checkout errors since 1.2.0 went out';
const file = (env: string) => `apps/payments/${env}/kustomization.yaml`;
const databases = createStoreTestDatabases();

describe.each(storeTestDatabaseIds())(
  'rollbacks on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let cacheDir: string;
    let store: KnexPromotionStore;
    let auditLog: AuditLog;

    beforeEach(async () => {
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-rollbacks-'));
      // staging ran 1.0.0 (a), then 1.1.0 (b), and runs 1.2.0 (c) now; dev runs 1.3.0 (d).
      repo = createTestRepository({
        [file('dev')]: kustomization(IMAGE, '1.3.0', digestOf('d')),
        [file('staging')]: kustomization(IMAGE, '1.0.0', digestOf('a')),
        [file('prod')]: kustomization(IMAGE, '1.0.0', digestOf('a')),
      });
      repo.commitFiles(
        { [file('staging')]: kustomization(IMAGE, '1.1.0', digestOf('b')) },
        'staging 1.1.0',
      );
      repo.commitFiles(
        { [file('staging')]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'staging 1.2.0',
      );
      const knex = await databases.init(databaseId);
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
      staging: Record<string, unknown> = {},
      prod: Record<string, unknown> = {},
      denyTags = ['latest'],
      now?: () => Date,
    ) {
      const config = promotionConfigSchema.parse({
        environments: [
          { name: 'dev' },
          { name: 'staging', ...staging },
          { name: 'prod', ...prod },
        ],
        gitops: {
          repositories: [{ id: 'platform', url: repo.url }],
          defaults: {
            path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
          },
        },
        denyTags,
      });
      const logger = mockServices.logger.mock();
      return new PromotionWorkflow({
        config,
        store,
        gitops: new GitOpsService({ config, cacheDir, logger }),
        gates: new GateRunner(builtInGateFactories()),
        logger,
        loadEntity: async () => ENTITY,
        instanceId: 'test',
        appBaseUrl: 'http://backstage.test',
        permissionsEnabled: true,
        now,
      });
    }

    const commits = () =>
      Number(repo.git(['rev-list', '--count', 'main']).trim());
    const rollback = (
      environment = 'staging',
      extra: Record<string, string> = {},
    ) => ({
      entityRef: 'component:default/payments',
      environment,
      reason: REASON,
      ...extra,
    });
    async function requestRollback(
      flow: PromotionWorkflow,
      environment = 'staging',
      extra: Record<string, string> = {},
    ) {
      const resolved = await flow.resolveRollback(
        ENTITY,
        rollback(environment, extra),
      );
      const promotion = await flow.requestRollback(
        ENTITY,
        resolved,
        RILEY,
        REASON,
      );
      await flow.settle();
      return (await store.getPromotion(promotion.id))!;
    }

    it('rolls back to a build that ran 300 versions ago', async () => {
      repo.commitSeries(
        file('staging'),
        Array.from({ length: 300 }, (_, i) =>
          kustomization(
            IMAGE,
            `2.0.${i}`,
            `sha256:${String(i).padStart(64, 'e')}`,
          ),
        ),
        i => `staging 2.0.${i}`,
      );
      const flow = workflow();
      const resolved = await flow.resolveRollback(
        ENTITY,
        rollback('staging', { digest: digestOf('b') }),
      );
      expect(resolved.impact.commitsBetween).toBe(301);
      const rolledBack = await requestRollback(flow, 'staging', {
        digest: digestOf('b'),
      });
      expect(rolledBack.status).toBe('succeeded');
      expect(repo.readFile(file('staging'))).toBe(
        kustomization(IMAGE, '1.1.0', digestOf('b')),
      );
    });

    it('plans going back one build as safe, with what it backs out and the diff, writing nothing', async () => {
      const flow = workflow();
      const plan = await flow.planRollback(
        ENTITY,
        await flow.resolveRollback(ENTITY, rollback()),
      );
      expect(plan.artifact).toEqual({
        image: IMAGE,
        tag: '1.1.0',
        digest: digestOf('b'),
      });
      expect(plan.impact).toEqual(
        expect.objectContaining({
          current: { image: IMAGE, tag: '1.2.0', digest: digestOf('c') },
          backedOut: [
            expect.objectContaining({
              artifact: { image: IMAGE, tag: '1.2.0', digest: digestOf('c') },
            }),
          ],
          commitsBetween: 1,
          downstream: [],
          recommendation: 'safe',
        }),
      );
      expect(plan.impact.target.commit.sha).toBe(
        repo.git(['rev-parse', 'main~1']).trim(),
      );
      expect(plan.changes).toEqual([
        expect.objectContaining({
          path: file('staging'),
          diff: expect.stringContaining(`+    digest: ${digestOf('b')}`),
        }),
      ]);
      expect(commits()).toBe(3);
      expect(await store.listPromotions({})).toEqual([]);
      expect((await auditLog.list({})).items).toEqual([]);
    });

    it('calls backing out several builds, or one that a later environment runs, risky, and says why', async () => {
      const flow = workflow();
      const twoBack = await flow.resolveRollback(
        ENTITY,
        rollback('staging', { digest: digestOf('a') }),
      );
      expect(twoBack.impact.recommendation).toBe('risky');
      expect(twoBack.impact.backedOut.map(v => v.artifact.tag)).toEqual([
        '1.2.0',
        '1.1.0',
      ]);
      expect(twoBack.impact.reasons).toEqual([
        expect.stringMatching(/Backs out 2 builds \(1\.2\.0, 1\.1\.0\)/),
      ]);

      repo.commitFiles(
        { [file('prod')]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'prod 1.2.0',
      );
      const downstream = await flow.resolveRollback(ENTITY, rollback());
      expect(downstream.impact.recommendation).toBe('risky');
      expect(downstream.impact.downstream).toEqual([
        {
          environment: 'prod',
          artifact: { image: IMAGE, tag: '1.2.0', digest: digestOf('c') },
        },
      ]);
      expect(downstream.impact.reasons).toEqual([
        expect.stringMatching(/^prod runs 1\.2\.0, which this backs out/),
      ]);
    });

    it('refuses a build the environment never ran, the one it runs, and a blocked rollback, writing nothing', async () => {
      const flow = workflow();
      await expect(
        flow.resolveRollback(
          ENTITY,
          rollback('staging', { digest: digestOf('f') }),
        ),
      ).rejects.toThrow(InputError);
      await expect(
        flow.resolveRollback(
          ENTITY,
          rollback('staging', { digest: digestOf('c') }),
        ),
      ).rejects.toThrow(/already runs/);
      await expect(
        flow.resolveRollback(ENTITY, rollback('dev')),
      ).rejects.toThrow(/no earlier build/);
      await expect(
        flow.resolveRollback(ENTITY, rollback('nowhere')),
      ).rejects.toThrow(/Unknown environment/);

      const strict = workflow({}, {}, ['1.1.*']);
      const blocked = await strict.resolveRollback(ENTITY, rollback());
      expect(blocked.impact).toEqual(
        expect.objectContaining({
          recommendation: 'blocked',
          reasons: [expect.stringMatching(/denyTags: '1\.1\.\*'/)],
        }),
      );
      await expect(
        strict.requestRollback(ENTITY, blocked, RILEY, REASON),
      ).rejects.toThrow(ConflictError);
      expect(await store.listPromotions({})).toEqual([]);
      expect(await store.listHolds('component:default/payments')).toEqual(
        new Map(),
      );
      expect(commits()).toBe(3);
    });

    it('rolls back with one commit titled as a rollback, recorded as rolled back, and holds automatic promotion until released', async () => {
      const flow = workflow({ autoPromote: true });
      const done = await requestRollback(flow);
      expect(done).toEqual(
        expect.objectContaining({
          kind: 'rollback',
          status: 'succeeded',
          sourceEnvironment: 'staging',
        }),
      );
      expect(commits()).toBe(4);
      expect(repo.readFile(file('staging'))).toBe(
        kustomization(IMAGE, '1.1.0', digestOf('b')),
      );
      const message = repo.git(['log', '-1', '--format=%B', 'main']);
      expect(message).toMatch(
        new RegExp(
          `^Roll back payments in staging to 1\\.1\\.0@${digestOf(
            'b',
          )}\\n\\n${REASON}\\n`,
        ),
      );
      expect(message).toContain(`Promotion-Id: ${done.id}`);

      const actions = (await auditLog.list({})).items.map(
        record => record.action,
      );
      expect(actions).toEqual(
        expect.arrayContaining([
          'promotion.requested',
          'hold.set',
          'promotion.rolled-back',
        ]),
      );
      expect(actions).not.toContain('promotion.executed');
      const hold = (await store.listHolds('component:default/payments')).get(
        'staging',
      );
      expect(hold).toEqual(
        expect.objectContaining({
          setBy: RILEY.ref,
          reason: REASON,
          promotionId: done.id,
        }),
      );
      const pipeline = await flow.getPipeline(ENTITY, {
        ref: RILEY.ref,
        decide: () => true,
      });
      expect(pipeline.environments[1]).toEqual(
        expect.objectContaining({
          hold: expect.objectContaining({ reason: REASON }),
          allowedActions: ['promote', 'rollback', 'release-hold'],
        }),
      );

      // dev runs 1.3.0, which staging never ran: held, so the scheduler leaves it.
      expect(await flow.autoPromote([ENTITY])).toEqual([]);
      await flow.releaseHold(ENTITY, 'staging', 'user:default/morgan');
      await expect(
        flow.releaseHold(ENTITY, 'staging', 'user:default/morgan'),
      ).rejects.toThrow(/not held/);
      expect((await auditLog.list({ action: 'hold.released' })).items).toEqual([
        expect.objectContaining({
          actor: 'user:default/morgan',
          environment: 'staging',
        }),
      ]);
      const [automatic] = await flow.autoPromote([ENTITY]);
      await flow.settle();
      expect(automatic.artifact.digest).toBe(digestOf('d'));
      expect((await store.getPromotion(automatic.id))?.status).toBe(
        'succeeded',
      );
    });

    it('names each backed-out build once when an earlier rollback left it twice in the history', async () => {
      const flow = workflow();
      await requestRollback(flow); // staging: 1.2.0 → 1.1.0
      repo.commitFiles(
        { [file('staging')]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'staging 1.2.0 again',
      );
      // History now: 1.2.0, 1.1.0, 1.2.0, 1.1.0, 1.0.0.
      const { impact } = await flow.resolveRollback(
        ENTITY,
        rollback('staging', { digest: digestOf('a') }),
      );
      expect(impact.backedOut.map(v => v.artifact.tag)).toEqual([
        '1.2.0',
        '1.1.0',
      ]);
      expect(impact.commitsBetween).toBe(4);
      expect(impact.reasons[0]).toMatch(
        /Backs out 2 builds \(1\.2\.0, 1\.1\.0\)/,
      );
    });

    it('fails a rollback whose environment changed while it waited, rather than back out more than was shown', async () => {
      repo.commitFiles(
        { [file('prod')]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'prod 1.2.0',
      );
      const flow = workflow({}, { approval: { required: 1 } });
      const waiting = await requestRollback(flow, 'prod');
      expect(waiting).toEqual(
        expect.objectContaining({
          status: 'awaiting-approval',
          replaces: expect.objectContaining({ digest: digestOf('c') }),
        }),
      );
      // Someone lands 1.3.0 in prod meanwhile.
      repo.commitFiles(
        { [file('prod')]: kustomization(IMAGE, '1.3.0', digestOf('d')) },
        'prod 1.3.0',
      );
      await flow.decide(waiting.id, 'user:default/morgan', {
        decision: 'approve',
      });
      await flow.settle();
      const failed = await store.getPromotion(waiting.id);
      expect(failed?.status).toBe('failed');
      expect(failed?.error).toMatch(/prod runs 1\.3\.0 now, not 1\.2\.0/);
      expect(repo.readFile(file('prod'))).toBe(
        kustomization(IMAGE, '1.3.0', digestOf('d')),
      );
    });

    it("never lets an automatic request replace a person's request or land in a held environment, even when it looked first", async () => {
      const flow = workflow({ autoPromote: true });
      await requestRollback(flow); // holds staging
      const automatic = (environment: string) =>
        store.createPromotion(
          {
            entityRef: 'component:default/payments',
            sourceEnvironment: 'dev',
            targetEnvironment: environment,
            artifact: { image: IMAGE, tag: '1.3.0', digest: digestOf('d') },
            requestedBy: 'plugin:promotion',
            requesterKind: 'scheduler',
            expiresAt: new Date(Date.now() + 3_600_000),
          },
          { action: 'promotion.requested', actor: 'plugin:promotion' },
        );
      await expect(automatic('staging')).rejects.toThrow(/held/);
      const prodFlow = workflow(
        {},
        { gates: [{ type: 'version-constraint', range: '>=9' }] },
      );
      const resolved = await prodFlow.resolve(
        ENTITY,
        { entityRef: 'component:default/payments', targetEnvironment: 'prod' },
        'user',
      );
      const personal = await prodFlow.request(ENTITY, resolved, RILEY);
      await prodFlow.settle();
      await expect(automatic('prod')).rejects.toThrow(/person's request/);
      expect((await store.getPromotion(personal.id))?.status).toBe('gating');
    });

    it("skips the gates that judge a new build, but keeps the environment's windows", async () => {
      // A gate no build passes: a rollback is not stopped by it.
      const flow = workflow({
        gates: [{ type: 'version-constraint', range: '>=9' }],
      });
      expect((await requestRollback(flow)).status).toBe('succeeded');

      // Staging takes changes on Mondays; 2030-01-08 is a Tuesday.
      const closed = workflow(
        {
          windows: [
            {
              allow: {
                days: ['mon'],
                from: '09:00',
                to: '17:00',
                timezone: 'UTC',
              },
            },
          ],
        },
        {},
        ['latest'],
        () => new Date('2030-01-08T10:00:00Z'),
      );
      const waiting = await requestRollback(closed, 'staging', {
        digest: digestOf('a'),
      });
      expect(waiting.status).toBe('gating');
      expect((await closed.getPromotion(waiting.id))?.gateRuns).toEqual([
        expect.objectContaining({ status: 'pending' }),
      ]);
    });

    it("waits for the environment's approvals unless rollback.requireApproval is false", async () => {
      repo.commitFiles(
        { [file('prod')]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'prod 1.2.0',
      );
      const strict = workflow({}, { approval: { required: 1 } });
      const waiting = await requestRollback(strict, 'prod');
      expect(waiting.status).toBe('awaiting-approval');
      await expect(
        strict.decide(waiting.id, RILEY.ref, { decision: 'approve' }),
      ).resolves.toEqual(
        expect.objectContaining({ status: 'awaiting-approval' }),
      );
      await strict.decide(waiting.id, 'user:default/morgan', {
        decision: 'approve',
      });
      await strict.settle();
      expect((await store.getPromotion(waiting.id))?.status).toBe('succeeded');

      repo.commitFiles(
        { [file('prod')]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'prod 1.2.0 again',
      );
      const quick = workflow(
        {},
        { approval: { required: 1 }, rollback: { requireApproval: false } },
      );
      expect((await requestRollback(quick, 'prod')).status).toBe('succeeded');
    });
  },
);
