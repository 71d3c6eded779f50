import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { promotionConfigSchema } from '../config/schema';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import { builtInGateFactories, GateRunner } from '../gates';
import { GitOpsService } from '../gitops';
import { PromotionNotifier } from '../notifications';
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
const databases = createStoreTestDatabases();

describe.each(storeTestDatabaseIds())(
  'approvals on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let cacheDir: string;
    let store: KnexPromotionStore;
    let auditLog: AuditLog;
    let sent: Array<{ recipients: any; payload: any }>;

    beforeEach(async () => {
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-approvals-'));
      repo = createTestRepository({
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
      const knex = await databases.init(databaseId);
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
      auditLog = new AuditLog(knex);
      sent = [];
    });

    afterEach(() => {
      repo.cleanup();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    });

    function workflow(
      approval: Record<string, unknown>,
      options: {
        gates?: Record<string, unknown>[];
        windows?: Record<string, unknown>[];
        permissionsEnabled?: boolean;
        allowWithoutPermissions?: boolean;
        instanceId?: string;
        now?: () => Date;
      } = {},
    ) {
      const config = promotionConfigSchema.parse({
        environments: [
          { name: 'staging' },
          {
            name: 'prod',
            approval,
            gates: options.gates ?? [],
            windows: options.windows ?? [],
          },
        ],
        gitops: {
          repositories: [{ id: 'platform', url: repo.url }],
          defaults: {
            path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
          },
        },
        allowWithoutPermissions: options.allowWithoutPermissions ?? false,
      });
      const logger = mockServices.logger.mock();
      return new PromotionWorkflow({
        config,
        store,
        gitops: new GitOpsService({ config, cacheDir, logger }),
        gates: new GateRunner(builtInGateFactories()),
        logger,
        loadEntity: async () => ENTITY,
        instanceId: options.instanceId ?? 'test',
        now: options.now,
        appBaseUrl: 'http://backstage.test',
        notifier: new PromotionNotifier({
          notifications: { send: async n => void sent.push(n) },
          logger,
          appBaseUrl: 'http://backstage.test',
        }),
        permissionsEnabled: options.permissionsEnabled ?? true,
      });
    }

    async function requestProd(
      flow: PromotionWorkflow,
      requester = 'user:default/riley',
    ) {
      const resolved = await flow.resolve(
        ENTITY,
        { entityRef: 'component:default/payments', targetEnvironment: 'prod' },
        'user',
      );
      const promotion = await flow.request(ENTITY, resolved, {
        ref: requester,
        kind: 'user',
      });
      await flow.settle();
      return promotion;
    }
    const commits = () =>
      Number(repo.git(['rev-list', '--count', 'main']).trim());

    it('executes exactly once when 50 final approvals arrive at the same time on two replicas', async () => {
      // Two backend replicas: each has its own workflow (and in-process state)
      // over the one database and repository.
      const replicas = [
        workflow({ required: 2 }, { instanceId: 'replica-a' }),
        workflow({ required: 2 }, { instanceId: 'replica-b' }),
      ];
      const promotion = await requestProd(replicas[0]);
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'awaiting-approval',
      );
      await replicas[1].decide(promotion.id, 'user:default/first', {
        decision: 'approve',
      });
      const approvers = Array.from(
        { length: 50 },
        (_, i) => `user:default/approver-${i}`,
      );
      const results = await Promise.allSettled(
        approvers.map((approver, i) =>
          replicas[i % 2].decide(promotion.id, approver, {
            decision: 'approve',
          }),
        ),
      );
      await Promise.all(replicas.map(r => r.settle()));
      // The one decision that approved is taken; every later one finds the
      // request no longer awaiting approval and is refused.
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      for (const rejected of results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      )) {
        expect(rejected.reason).toBeInstanceOf(ConflictError);
      }
      const done = await store.getPromotion(promotion.id);
      expect(done?.status).toBe('succeeded');
      expect(commits()).toBe(2);
      const actions = (await auditLog.list({ limit: 500 })).items
        .filter(record => record.promotionId === promotion.id)
        .map(record => record.action);
      expect(
        actions.filter(a => a === 'promotion.approval-given'),
      ).toHaveLength(2);
      expect(actions.filter(a => a === 'promotion.approved')).toHaveLength(1);
      expect(actions.filter(a => a === 'promotion.executing')).toHaveLength(1);
      expect(actions.filter(a => a === 'promotion.executed')).toHaveLength(1);
      expect(repo.git(['log', '-1', '--format=%B', 'main'])).toMatch(
        /^Audit-Head: \d+:[0-9a-f]{64}$/m,
      );
    });

    it('never counts the requester alone, and counts them with allowSelfApproval once another approved', async () => {
      const strict = workflow({ required: 1 });
      const first = await requestProd(strict);
      await strict.decide(first.id, 'user:default/riley', {
        decision: 'approve',
      });
      expect((await store.getPromotion(first.id))?.status).toBe(
        'awaiting-approval',
      );
      const shown = await strict.getPromotion(first.id);
      expect(shown?.approvals).toEqual([
        expect.objectContaining({
          approver: 'user:default/riley',
          counts: false,
        }),
      ]);
      await strict.cancel(first.id, 'user:default/riley');

      const lenient = workflow({ required: 2, allowSelfApproval: true });
      const second = await requestProd(lenient);
      await lenient.decide(second.id, 'user:default/riley', {
        decision: 'approve',
      });
      expect((await store.getPromotion(second.id))?.status).toBe(
        'awaiting-approval',
      );
      await lenient.decide(second.id, 'user:default/morgan', {
        decision: 'approve',
      });
      await lenient.settle();
      expect((await store.getPromotion(second.id))?.status).toBe('succeeded');
    });

    it('rejects on one rejection, refuses a second decision by the same person, and tells the requester', async () => {
      const flow = workflow({ required: 2 });
      const promotion = await requestProd(flow);
      await flow.decide(promotion.id, 'user:default/morgan', {
        decision: 'approve',
      });
      await expect(
        flow.decide(promotion.id, 'user:default/morgan', {
          decision: 'reject',
        }),
      ).rejects.toThrow(/already decided/);
      await flow.decide(promotion.id, 'user:default/sam', {
        decision: 'reject',
        comment: 'not during the sale',
      });
      expect((await store.getPromotion(promotion.id))?.status).toBe('rejected');
      expect(commits()).toBe(1);
      // Approvers (the owner, by default) were asked; the requester heard the outcome.
      expect(sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: ['group:default/team-payments'],
        excludeEntityRef: 'user:default/riley',
      });
      expect(sent[sent.length - 1]).toEqual(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: ['user:default/riley'] },
        }),
      );
      expect(sent[sent.length - 1].payload.title).toMatch(/rejected/);
    });

    it('tells the requester when someone else cancels or supersedes their request', async () => {
      const flow = workflow({ required: 1 });
      const first = await requestProd(flow);
      await flow.cancel(first.id, 'user:default/morgan');
      expect(sent[sent.length - 1]).toEqual(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: ['user:default/riley'] },
        }),
      );
      expect(sent[sent.length - 1].payload.title).toBe(
        'Promotion into prod was cancelled',
      );
      const second = await requestProd(flow);
      await requestProd(flow, 'user:default/sam');
      expect((await store.getPromotion(second.id))?.status).toBe('superseded');
      expect(
        sent.some(
          n =>
            n.recipients.entityRef?.[0] === 'user:default/riley' &&
            /superseded/.test(n.payload.title),
        ),
      ).toBe(true);
    });

    it('lets an emergency bypass skip the approval wait, marked in the commit and the audit log', async () => {
      const flow = workflow({ required: 2 });
      const promotion = await requestProd(flow);
      await flow.bypass(
        promotion.id,
        ENTITY,
        'user:default/morgan',
        'checkout is down; hotfix 1.1.0 must ship now',
      );
      await flow.settle();
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'succeeded',
      );
      const message = repo.git(['log', '-1', '--format=%B', 'main']);
      expect(message).toContain('Bypassed-By: user:default/morgan');
      expect(message).toContain(
        'Bypass-Reason: checkout is down; hotfix 1.1.0 must ship now',
      );
      expect(
        sent.some(n => n.payload.title.startsWith('Emergency bypass')),
      ).toBe(true);
    });

    it('skips only the gates when bypassing a gating request: it still waits for its approvals', async () => {
      const flow = workflow(
        { required: 1 },
        { gates: [{ type: 'version-constraint', range: '>=9' }] },
      );
      const promotion = await requestProd(flow);
      expect((await store.getPromotion(promotion.id))?.status).toBe('gating');
      const bypassed = await flow.bypass(
        promotion.id,
        ENTITY,
        'user:default/morgan',
        'scanner outage, change CHG-7 approved',
      );
      expect(bypassed.status).toBe('awaiting-approval');
      expect(bypassed.bypass?.skipped).toEqual(['gates']);
      expect(commits()).toBe(1);
      await flow.decide(promotion.id, 'user:default/sam', {
        decision: 'approve',
      });
      await flow.settle();
      // The gates are not run again before execution: the bypass skipped them.
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'succeeded',
      );
      expect(commits()).toBe(2);
    });

    it('keeps a bypassed approval wait bypassed when the gates send the request back before execution', async () => {
      // Prod takes changes on Mondays only; 2030-01-07 is a Monday.
      let now = new Date('2030-01-07T10:00:00Z');
      const flow = workflow(
        { required: 2, expiresAfter: { days: 30 } },
        {
          now: () => now,
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
      );
      const promotion = await requestProd(flow);
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'awaiting-approval',
      );
      // Bypassed on Tuesday: approved, but the window gate stops it just before execution.
      now = new Date('2030-01-08T10:00:00Z');
      await flow.bypass(
        promotion.id,
        ENTITY,
        'user:default/morgan',
        'checkout is down; hotfix 1.1.0 must ship now',
      );
      await flow.settle();
      expect((await store.getPromotion(promotion.id))?.status).toBe('gating');
      expect(commits()).toBe(1);
      // Next Monday the window opens: it executes without waiting for approvals again.
      now = new Date('2030-01-14T09:30:00Z');
      await flow.runDue();
      await flow.settle();
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'succeeded',
      );
      expect(commits()).toBe(2);
    });

    it('binds a decision to the digest the approver was shown', async () => {
      const flow = workflow({ required: 1 });
      const promotion = await requestProd(flow);
      await expect(
        flow.decide(promotion.id, 'user:default/morgan', {
          decision: 'approve',
          digest: digestOf('c'),
        }),
      ).rejects.toThrow(/digest/);
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'awaiting-approval',
      );
      expect((await flow.getPromotion(promotion.id))?.approvals).toEqual([]);
      await flow.decide(promotion.id, 'user:default/morgan', {
        decision: 'approve',
        digest: digestOf('b'),
      });
      await flow.settle();
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'succeeded',
      );
    });

    it('refuses decisions on a request whose approval time ran out, and expires it', async () => {
      let now = new Date('2030-01-07T10:00:00Z');
      const flow = workflow(
        { required: 1, expiresAfter: { hours: 1 } },
        { now: () => now },
      );
      const promotion = await requestProd(flow);
      expect(
        new Date((await store.getPromotion(promotion.id))!.expiresAt).getTime(),
      ).toBe(now.getTime() + 3_600_000);
      now = new Date('2030-01-07T11:00:01Z');
      await expect(
        flow.decide(promotion.id, 'user:default/morgan', {
          decision: 'approve',
        }),
      ).rejects.toThrow(/expired/);
      expect((await flow.getPromotion(promotion.id))?.approvals).toEqual([]);
      await flow.runDue();
      expect((await store.getPromotion(promotion.id))?.status).toBe('expired');
      expect(commits()).toBe(1);
    });

    it('refuses environments that need approval while permissions are disabled, unless allowed for demos', async () => {
      const flow = workflow({ required: 1 }, { permissionsEnabled: false });
      await expect(requestProd(flow)).rejects.toThrow(/permission framework/);
      const resolved = await flow.resolve(
        ENTITY,
        { entityRef: 'component:default/payments', targetEnvironment: 'prod' },
        'user',
      );
      // The dry run says so too, rather than planning a request that would be refused.
      await expect(flow.plan(ENTITY, resolved)).rejects.toThrow(
        /permission framework/,
      );
      expect(await store.listPromotions({})).toEqual([]);
      const demo = workflow(
        { required: 1 },
        { permissionsEnabled: false, allowWithoutPermissions: true },
      );
      const promotion = await requestProd(demo);
      expect((await store.getPromotion(promotion.id))?.status).toBe(
        'awaiting-approval',
      );
    });
  },
);
