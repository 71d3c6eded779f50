import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { GateFactory } from '@promotion-for-backstage/plugin-promotion-node';
import { promotionConfigSchema } from '../config/schema';
import { KnexPromotionStore, PromotionStore } from '../database';
import { AuditLog } from '../audit';
import { builtInGateFactories, GateRunner } from '../gates';
import { GitOpsService } from '../gitops';
import {
  PullRequestNotReadyError,
  PullRequestState,
} from '../gitops/providers';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow, Requester } from './PromotionWorkflow';

jest.setTimeout(60_000);

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
};
const ALICE: Requester = { ref: 'user:default/alice', kind: 'user' };
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A gate whose verdict the test sets, to drive the state machine. */
const scripted: {
  status: 'passed' | 'failed' | 'pending';
  retryAt?: Date;
  evaluations: number;
  /** The request each evaluation was for (undefined for a dry run). */
  promotionIds: (string | undefined)[];
} = {
  status: 'passed',
  evaluations: 0,
  promotionIds: [],
};
const scriptedGate: GateFactory = {
  type: 'scripted',
  create: () => ({
    name: 'scripted',
    evaluate: async context => {
      scripted.evaluations += 1;
      scripted.promotionIds.push(context.promotionId);
      return {
        status: scripted.status,
        message: `scripted ${scripted.status}`,
        retryAt: scripted.retryAt,
      };
    },
  }),
};

describe('PromotionWorkflow', () => {
  let repo: TestRepository;
  let cacheDir: string;
  let now: Date;
  let store: PromotionStore;
  let auditLog: AuditLog;
  let prState: PullRequestState;
  let merged: number;
  let closedPullRequests: number;
  /** What the host answers a merge with, when not a merge. */
  let mergeRefusal: Error | undefined;

  beforeEach(async () => {
    now = new Date('2030-01-07T10:00:00Z');
    scripted.status = 'passed';
    scripted.retryAt = undefined;
    scripted.evaluations = 0;
    scripted.promotionIds = [];
    prState = 'open';
    merged = 0;
    closedPullRequests = 0;
    mergeRefusal = undefined;
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-workflow-'));
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
      'apps/payments/prod/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
    });
    const knex = await databases.init('SQLITE_3');
    store = await KnexPromotionStore.create({
      database: { getClient: async () => knex },
    });
    auditLog = new AuditLog(knex);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    repo.cleanup();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  function workflow(
    environments: unknown[],
    overrides: {
      store?: PromotionStore;
      leaseMs?: number;
      clock?: () => Date;
    } = {},
  ) {
    const config = promotionConfigSchema.parse({
      environments,
      gitops: {
        repositories: [{ id: 'platform', url: repo.url }],
        defaults: {
          path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
        },
      },
      ci: { subjects: ['external:ci'] },
    });
    const logger = mockServices.logger.mock();
    const gitops = new GitOpsService({
      config,
      cacheDir,
      logger,
      pullRequests: {
        forRepository: () => ({
          open: async () => ({
            provider: 'github',
            number: 3,
            url: 'https://github.com/acme/gitops/pull/3',
          }),
          getState: async () => prState,
          merge: async () => {
            if (mergeRefusal) throw mergeRefusal;
            merged += 1;
          },
          close: async () => {
            if (prState === 'merged')
              throw new ConflictError('pull request #3 was merged already');
            prState = 'closed';
            closedPullRequests += 1;
          },
        }),
      },
    });
    return new PromotionWorkflow({
      config,
      store: overrides.store ?? store,
      gitops,
      gates: new GateRunner([...builtInGateFactories(), scriptedGate]),
      logger,
      loadEntity: async ref =>
        ref === 'component:default/payments' ? ENTITY : undefined,
      instanceId: 'test-replica',
      leaseMs: overrides.leaseMs,
      appBaseUrl: 'http://backstage.test',
      now: overrides.clock ?? (() => now),
    });
  }

  const commits = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());
  const status = async (id: string) => (await store.getPromotion(id))!.status;

  async function promote(
    flow: PromotionWorkflow,
    target = 'staging',
    requester = ALICE,
    extra = {},
  ) {
    const resolved = await flow.resolve(
      ENTITY,
      {
        entityRef: 'component:default/payments',
        targetEnvironment: target,
        ...extra,
      },
      requester.kind,
    );
    const promotion = await flow.request(ENTITY, resolved, requester);
    await flow.settle();
    return promotion;
  }

  it('runs a request through gating and execution to succeeded, with one commit and an audit trail', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'source-match' }] },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('succeeded');
    expect(commits()).toBe(2);
    const stored = await flow.getPromotion(promotion.id);
    expect(stored?.gateRuns).toEqual([
      expect.objectContaining({ gate: 'source-match', status: 'passed' }),
    ]);
  });

  it('tells gates which request they gate, and nothing for a dry run', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    const resolved = await flow.resolve(
      ENTITY,
      { entityRef: 'component:default/payments', targetEnvironment: 'staging' },
      'user',
    );
    await flow.plan(ENTITY, resolved);
    const promotion = await promote(flow);
    expect(scripted.promotionIds).toEqual([undefined, promotion.id]);
  });

  it('plans what the request would meet: the open request it supersedes', async () => {
    scripted.status = 'failed';
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    const waiting = await promote(flow);
    expect(await status(waiting.id)).toBe('gating');
    const resolved = await flow.resolve(
      ENTITY,
      { entityRef: 'component:default/payments', targetEnvironment: 'staging' },
      'user',
    );
    const plan = await flow.plan(ENTITY, resolved);
    expect(plan).toEqual(
      expect.objectContaining({
        supersedes: [waiting.id],
        approvalsRequired: 0,
        allowSelfApproval: false,
      }),
    );
    expect(await status(waiting.id)).toBe('gating');
  });

  it('evaluates the gates once for a request that goes straight through', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('succeeded');
    expect(scripted.evaluations).toBe(1);
  });

  it('checks the gates again before executing an approved request, and sends it back to gating when they fail', async () => {
    const flow = workflow([
      { name: 'dev' },
      {
        name: 'staging',
        gates: [{ type: 'scripted' }],
        approval: { required: 1 },
      },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('awaiting-approval');
    scripted.status = 'failed'; // e.g. a freeze began while people approved
    await flow.decide(promotion.id, 'user:default/bob', {
      decision: 'approve',
    });
    await flow.settle();
    expect(await status(promotion.id)).toBe('gating');
    expect(commits()).toBe(1);
    scripted.status = 'passed';
    // The approval still counts: once the gates pass, the request executes.
    expect(
      (await flow.rerunGates(promotion.id, ENTITY, ALICE.ref)).status,
    ).toBe('succeeded');
    expect(commits()).toBe(2);
  });

  it('ends succeeded, credited to their commit, when another writer pinned the same build while people approved', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', approval: { required: 1 } },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('awaiting-approval');
    const theirs = repo.commitFiles(
      {
        'apps/payments/staging/kustomization.yaml': kustomization(
          IMAGE,
          '1.1.0',
          digestOf('b'),
        ),
      },
      'CI promotes 1.1.0',
    );
    await flow.decide(promotion.id, 'user:default/bob', {
      decision: 'approve',
    });
    await flow.settle();

    expect(await store.getPromotion(promotion.id)).toEqual(
      expect.objectContaining({ status: 'succeeded', commitSha: theirs }),
    );
    expect(commits()).toBe(2);
    const { items } = await auditLog.list({
      promotionId: promotion.id,
      action: 'promotion.executed',
    });
    expect(items.map(record => record.details)).toEqual([
      { commitSha: theirs, alreadyApplied: true, pinnedByAnotherWriter: true },
    ]);
  });

  it('renews its execution lease while a slow push runs, so another replica cannot take the request over', async () => {
    // Real time, a 300 ms lease and a push that takes 1.2 s: without renewals
    // the lease would be long gone when the other replica tries.
    const flow = workflow([{ name: 'dev' }, { name: 'staging' }], {
      leaseMs: 300,
      clock: () => new Date(),
    });
    const apply = GitOpsService.prototype.applyPromotion;
    const takeovers: unknown[] = [];
    jest
      .spyOn(GitOpsService.prototype, 'applyPromotion')
      .mockImplementation(async function slow(this: GitOpsService, options) {
        for (let i = 0; i < 3; i++) {
          await new Promise(resolve => setTimeout(resolve, 400));
          takeovers.push(
            await store.claimExecution(
              options.promotionId,
              'other-replica',
              new Date(Date.now() + 300),
              new Date(),
              {
                action: 'promotion.executing',
                actor: 'plugin:promotion',
              },
            ),
          );
        }
        return apply.call(this, options);
      });

    const promotion = await promote(flow);

    expect(takeovers).toEqual([undefined, undefined, undefined]);
    expect(await status(promotion.id)).toBe('succeeded');
    expect(commits()).toBe(2);
    const { items } = await auditLog.list({
      promotionId: promotion.id,
      action: 'promotion.executing',
    });
    expect(items.map(record => record.details.leaseOwner)).toEqual([
      'test-replica',
    ]);
  });

  it('waits on a pending gate and moves on when the scheduler finds it due', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    scripted.status = 'pending';
    scripted.retryAt = new Date('2030-01-07T10:30:00Z');
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('gating');
    expect(commits()).toBe(1);
    // Not due yet: nothing happens.
    now = new Date('2030-01-07T10:20:00Z');
    expect(await flow.runDue()).toBe(0);
    // Due, and still pending: the round is stored, but says nothing new to the audit log.
    now = new Date('2030-01-07T10:31:00Z');
    scripted.retryAt = new Date('2030-01-07T10:40:00Z');
    expect(await flow.runDue()).toBe(1);
    expect(await status(promotion.id)).toBe('gating');
    now = new Date('2030-01-07T10:41:00Z');
    scripted.status = 'passed';
    expect(await flow.runDue()).toBe(1);
    expect(await status(promotion.id)).toBe('succeeded');
    expect(commits()).toBe(2);
    expect(scripted.evaluations).toBe(3);
    const rounds = (
      await auditLog.list({
        promotionId: promotion.id,
        action: 'promotion.gates-evaluated',
      })
    ).items;
    expect(rounds.map(r => (r.details as any).gates[0].status)).toEqual([
      'pending',
      'passed',
    ]);
  });

  it('keeps a request with a failed gate until the gates are re-run, then promotes', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    scripted.status = 'failed';
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('gating');
    now = new Date('2030-01-08T10:00:00Z');
    expect(await flow.runDue()).toBe(0);
    scripted.status = 'passed';
    const rerun = await flow.rerunGates(promotion.id, ENTITY, ALICE.ref);
    expect(rerun.status).toBe('succeeded');
    expect(commits()).toBe(2);
  });

  it('records a gate in warn mode as a warning and does not block', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted', mode: 'warn' }] },
    ]);
    scripted.status = 'failed';
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('succeeded');
    expect((await flow.getPromotion(promotion.id))?.gateRuns?.[0].status).toBe(
      'warning',
    );
  });

  it('expires a request that waited too long', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    scripted.status = 'failed';
    const promotion = await promote(flow);
    now = new Date('2030-01-15T10:00:01Z'); // default requestExpiresAfter: 7 days
    await flow.runDue();
    expect(await status(promotion.id)).toBe('expired');
    expect(commits()).toBe(1);
  });

  it('supersedes an older request that has not started, and a cancelled request never runs', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', gates: [{ type: 'scripted' }] },
    ]);
    scripted.status = 'failed';
    const first = await promote(flow);
    const second = await promote(flow);
    expect(await status(first.id)).toBe('superseded');
    await flow.cancel(second.id, ALICE.ref);
    expect(await status(second.id)).toBe('cancelled');
    scripted.status = 'passed';
    await expect(flow.rerunGates(second.id, ENTITY, ALICE.ref)).rejects.toThrow(
      ConflictError,
    );
    expect(commits()).toBe(1);
  });

  it('finishes work cut off between push and database update: one commit, succeeded', async () => {
    // A store that "crashes" the first time the request would be marked succeeded.
    let crashed = false;
    const crashing: PromotionStore = Object.create(store);
    crashing.transition = async (id, from, to, patch, audit) => {
      if (to === 'succeeded' && !crashed) {
        crashed = true;
        throw new Error('process killed');
      }
      return store.transition(id, from, to, patch, audit);
    };
    const flow = workflow([{ name: 'dev' }, { name: 'staging' }], {
      store: crashing,
    });
    const promotion = await promote(flow);
    expect(crashed).toBe(true);
    expect(commits()).toBe(2); // pushed before the "crash"
    expect(await status(promotion.id)).toBe('executing');
    // The lease is still held: nothing to take over yet.
    expect(
      await workflow([{ name: 'dev' }, { name: 'staging' }]).runDue(),
    ).toBe(0);
    now = new Date(now.getTime() + 6 * 60_000);
    const scheduler = workflow([{ name: 'dev' }, { name: 'staging' }]);
    expect(await scheduler.runDue()).toBe(1);
    const done = await store.getPromotion(promotion.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.commitSha).toBe(repo.git(['rev-parse', 'main']).trim());
    expect(commits()).toBe(2);
  });

  it('plans a dry run with gates, approvals and the diff, and writes nothing', async () => {
    const flow = workflow([
      { name: 'dev' },
      {
        name: 'staging',
        gates: [{ type: 'source-match' }],
        approval: { required: 2 },
      },
    ]);
    const resolved = await flow.resolve(
      ENTITY,
      { entityRef: 'component:default/payments', targetEnvironment: 'staging' },
      'user',
    );
    const plan = await flow.plan(ENTITY, resolved);
    expect(plan).toEqual(
      expect.objectContaining({
        sourceEnvironment: 'dev',
        targetEnvironment: 'staging',
        approvalsRequired: 2,
        delivery: 'commit',
        gateRuns: [
          expect.objectContaining({ gate: 'source-match', status: 'passed' }),
        ],
      }),
    );
    expect(plan.changes[0].diff).toContain(`+    digest: ${digestOf('b')}`);
    expect(await store.listPromotions({})).toEqual([]);
    expect(commits()).toBe(1);
  });

  it('waits for approval when the target requires it', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', approval: { required: 1 } },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('awaiting-approval');
    expect(commits()).toBe(1);
  });

  it('delivers by pull request and ends succeeded once people merged it (merge: manual)', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', delivery: 'pull-request' },
    ]);
    const promotion = await promote(flow);
    const waiting = await store.getPromotion(promotion.id);
    expect(waiting?.status).toBe('awaiting-merge');
    expect(waiting?.pullRequest).toEqual({
      url: 'https://github.com/acme/gitops/pull/3',
      number: 3,
      provider: 'github',
    });
    prState = 'merged';
    now = new Date(now.getTime() + 2 * 60_000);
    await flow.runDue();
    expect(await status(promotion.id)).toBe('succeeded');
    expect(merged).toBe(0);
  });

  it('cancels a request waiting for its merge by closing the pull request, and refuses once it was merged', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', delivery: 'pull-request' },
    ]);
    const first = await promote(flow);
    expect(await status(first.id)).toBe('awaiting-merge');
    const cancelled = await flow.cancel(first.id, ALICE.ref);
    expect(cancelled.status).toBe('cancelled');
    expect(closedPullRequests).toBe(1);

    prState = 'open';
    const second = await promote(flow);
    expect(await status(second.id)).toBe('awaiting-merge');
    prState = 'merged';
    await expect(flow.cancel(second.id, ALICE.ref)).rejects.toThrow(
      /merged already/,
    );
    await flow.settle();
    expect(await status(second.id)).toBe('succeeded');
    expect(closedPullRequests).toBe(1);
  });

  it('keeps waiting while the host says the pull request is not ready to merge (merge: auto)', async () => {
    mergeRefusal = new PullRequestNotReadyError(
      'required checks are pending',
      'blocked',
    );
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', delivery: 'pull-request', merge: 'auto' },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('awaiting-merge');
    mergeRefusal = undefined;
    now = new Date(now.getTime() + 2 * 60_000);
    await flow.runDue();
    expect(await status(promotion.id)).toBe('succeeded');
    expect(merged).toBe(1);
  });

  it('ends failed when the pull request is closed without merging', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', delivery: 'pull-request' },
    ]);
    const closed = await promote(flow);
    prState = 'closed';
    now = new Date(now.getTime() + 2 * 60_000);
    await flow.runDue();
    const failed = await store.getPromotion(closed.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/closed without merging/);
  });

  it('merges the pull request itself with merge: auto', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', delivery: 'pull-request', merge: 'auto' },
    ]);
    const promotion = await promote(flow);
    expect(await status(promotion.id)).toBe('succeeded');
    expect(merged).toBe(1);
  });

  it('lets CI bring a build into an environment that accepts CI, and nowhere else', async () => {
    const flow = workflow([
      { name: 'dev', acceptsCi: true },
      { name: 'staging' },
    ]);
    const ci: Requester = { ref: 'external:ci', kind: 'service' };
    const promotion = await promote(flow, 'dev', ci, {
      digest: digestOf('c'),
      tag: '1.2.0',
    });
    expect(await status(promotion.id)).toBe('succeeded');
    expect(repo.readFile('apps/payments/dev/kustomization.yaml')).toContain(
      digestOf('c'),
    );
    await expect(
      promote(flow, 'staging', ci, { digest: digestOf('d') }),
    ).rejects.toThrow(/does not accept builds from CI/);
  });

  it('refuses a build the target ran before (a rollback) and denied tags', async () => {
    const flow = workflow([{ name: 'dev' }, { name: 'staging' }]);
    repo.commitFiles(
      {
        'apps/payments/staging/kustomization.yaml': kustomization(
          IMAGE,
          '0.9.0',
          digestOf('9'),
        ),
      },
      'older',
    );
    repo.commitFiles(
      {
        'apps/payments/staging/kustomization.yaml': kustomization(
          IMAGE,
          '1.0.0',
          digestOf('a'),
        ),
      },
      'newer',
    );
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '0.9.0',
          digestOf('9'),
        ),
      },
      'dev back',
    );
    await expect(promote(flow)).rejects.toThrow(/ran .* before .*rollback/);
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          'latest',
          digestOf('e'),
        ),
      },
      'latest',
    );
    await expect(promote(flow)).rejects.toThrow(InputError);
    expect(await store.listPromotions({})).toEqual([]);
  });

  it('promotes a build the source ran before when asked by digest or tag, and refuses one it never ran', async () => {
    const flow = workflow([{ name: 'dev' }, { name: 'staging' }]);
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.2.0',
          digestOf('c'),
        ),
      },
      'dev 1.2.0',
    );
    await expect(
      promote(flow, 'staging', ALICE, { digest: digestOf('f') }),
    ).rejects.toThrow(/never ran in dev/);
    await expect(
      promote(flow, 'staging', ALICE, { tag: '0.9.0' }),
    ).rejects.toThrow(/0\.9\.0 never ran in dev/);
    const promotion = await promote(flow, 'staging', ALICE, { tag: '1.1.0' });
    expect(promotion.artifact).toEqual({
      image: IMAGE,
      tag: '1.1.0',
      digest: digestOf('b'),
    });
    expect(await status(promotion.id)).toBe('succeeded');
  });

  it('takes a build from an environment listed in acceptsFrom as well as from the previous one, and from no other', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging' },
      { name: 'prod', acceptsFrom: ['dev'] },
    ]);
    const hotfix = await promote(flow, 'prod', ALICE, {
      sourceEnvironment: 'dev',
    });
    expect(hotfix.sourceEnvironment).toBe('dev');
    expect(hotfix.artifact.digest).toBe(digestOf('b'));
    expect(await status(hotfix.id)).toBe('succeeded');

    const strict = workflow([
      { name: 'dev' },
      { name: 'staging' },
      { name: 'prod' },
    ]);
    await expect(
      promote(strict, 'prod', ALICE, { sourceEnvironment: 'dev' }),
    ).rejects.toThrow(
      /'prod' accepts promotions from 'staging' only, not from 'dev'/,
    );
    expect(() =>
      workflow([
        { name: 'dev' },
        { name: 'staging', acceptsFrom: ['prod'] },
        { name: 'prod' },
      ]),
    ).toThrow(/acceptsFrom/);
  });

  it('promotes automatically into an autoPromote environment when the previous one runs something new', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', autoPromote: true },
    ]);
    const created = await flow.autoPromote([ENTITY]);
    await flow.settle();
    expect(created).toHaveLength(1);
    expect(await status(created[0].id)).toBe('succeeded');
    expect(created[0].requesterKind).toBe('scheduler');
    // Nothing new now: no further request.
    expect(await flow.autoPromote([ENTITY])).toEqual([]);
  });

  it('goes on with the other entities when one has a broken environments annotation', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', autoPromote: true },
    ]);
    const broken: Entity = {
      ...ENTITY,
      metadata: {
        name: 'broken',
        namespace: 'default',
        annotations: {
          ...ENTITY.metadata.annotations,
          'promotion.backstage.io/environments': 'dev,nowhere',
        },
      },
    };
    const created = await flow.autoPromote([broken, ENTITY]);
    await flow.settle();
    expect(created.map(p => p.entityRef)).toEqual([
      'component:default/payments',
    ]);
  });

  it("replaces a waiting automatic promotion when the source runs a newer build, never a person's request", async () => {
    scripted.status = 'failed';
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', autoPromote: true, gates: [{ type: 'scripted' }] },
    ]);
    const [stuck] = await flow.autoPromote([ENTITY]);
    await flow.settle();
    expect(await status(stuck.id)).toBe('gating');
    // The same build again: the waiting request stays.
    expect(await flow.autoPromote([ENTITY])).toEqual([]);
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.2.0',
          digestOf('c'),
        ),
      },
      'dev 1.2.0',
    );
    scripted.status = 'passed';
    const [newer] = await flow.autoPromote([ENTITY]);
    await flow.settle();
    expect(newer.artifact.digest).toBe(digestOf('c'));
    expect(await status(stuck.id)).toBe('superseded');
    expect(await status(newer.id)).toBe('succeeded');

    // A person's waiting request is never replaced by the scheduler.
    scripted.status = 'failed';
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.3.0',
          digestOf('d'),
        ),
      },
      'dev 1.3.0',
    );
    const personal = await promote(flow);
    expect(await status(personal.id)).toBe('gating');
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.4.0',
          digestOf('e'),
        ),
      },
      'dev 1.4.0',
    );
    expect(await flow.autoPromote([ENTITY])).toEqual([]);
    expect(await status(personal.id)).toBe('gating');
  });
});
