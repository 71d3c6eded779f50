import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import {
  auditActions,
  commitsCarrying,
  createFaultWorkflow,
  faultEntity,
  faultManifests,
  requestProd,
} from '../__testUtils__/faultWorkflow';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import {
  createTestRepository,
  digestOf,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow } from './PromotionWorkflow';

jest.setTimeout(60_000);

const LEASE_MS = 120_000;
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type GitServer = Awaited<ReturnType<typeof startGitHttpServer>>;

/** Ways for the remote to be away, and to come back. */
const outages: Array<{
  name: string;
  down: (server: GitServer) => Promise<void>;
  up: (server: GitServer) => Promise<void>;
}> = [
  {
    name: 'answers every request with 503',
    down: async server => server.setOutage({ status: 503 }),
    up: async server => server.setOutage(),
  },
  {
    name: 'refuses connections',
    down: server => server.stop(),
    up: server => server.restart(),
  },
  {
    // The remote went away between the fetch that read the branch and the push.
    name: 'answers pushes with 502 while fetches still work',
    down: async server =>
      server.setOutage({ status: 502, service: 'git-receive-pack' }),
    up: async server => server.setOutage(),
  },
];

describe('faults: the git remote unreachable, then back', () => {
  let repo: TestRepository;
  let server: GitServer;
  let scratch: string;
  let knex: Knex;
  let store: KnexPromotionStore;
  let now: Date;
  let startedAt: Date;
  let workflow: PromotionWorkflow;
  let close: () => Promise<void>;

  beforeEach(async () => {
    repo = createTestRepository(faultManifests(['payments']));
    server = await startGitHttpServer({ projectRoot: path.dirname(repo.url) });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-remote-'));
    knex = await databases.init('SQLITE_3');
    store = await KnexPromotionStore.create({
      database: { getClient: async () => knex },
    });
    startedAt = new Date();
    now = startedAt;
  });

  afterEach(async () => {
    await close();
    await server.close();
    repo.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  function start(prod: Record<string, unknown> = {}) {
    const built = createFaultWorkflow({
      store,
      repoUrl: `${server.baseUrl}/${path.basename(repo.url)}`,
      cacheDir: scratch,
      instanceId: 'replica-a',
      now: () => now,
      leaseMs: LEASE_MS,
      prod,
      logger: mockServices.logger.mock(),
    });
    workflow = built.workflow;
    close = () => built.gitops.close();
  }

  const commits = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());

  /** Requested while the remote is there (the request reads the branch), then the remote goes. */
  async function requestThenLose(down: () => Promise<void>) {
    const entity = faultEntity('payments');
    const resolved = await workflow.resolve(
      entity,
      { entityRef: 'component:default/payments', targetEnvironment: 'prod' },
      'user',
    );
    await down();
    const promotion = await workflow.request(entity, resolved, {
      ref: 'user:default/riley',
      kind: 'user',
    });
    await workflow.settle();
    return promotion;
  }

  it.each(outages)(
    'keeps an execution that the remote cut off when it $name, and finishes it once it is back',
    async ({ down, up }) => {
      start();
      const promotion = await requestThenLose(() => down(server));

      // Nothing half-written: no commit, the request still executing under its lease, the chain intact.
      expect(commits()).toBe(1);
      expect(commitsCarrying(repo.git, promotion.id, '--all')).toEqual([]);
      const cutOff = await store.getPromotion(promotion.id);
      expect(cutOff).toEqual(expect.objectContaining({ status: 'executing' }));
      expect(cutOff?.commitSha).toBeUndefined();
      expect(cutOff?.error).toBeUndefined();
      expect(await auditActions(knex, promotion.id)).toEqual([
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
      ]);
      expect((await new AuditLog(knex).verify()).ok).toBe(true);

      // Tried again only once the lease has run out, so no replica runs it twice meanwhile.
      now = new Date(startedAt.getTime() + LEASE_MS - 1000);
      expect(await workflow.runDue()).toBe(0);

      await up(server);
      now = new Date(startedAt.getTime() + LEASE_MS + 1000);
      expect(await workflow.runDue()).toBe(1);
      await workflow.settle();

      const done = await store.getPromotion(promotion.id);
      expect(done).toEqual(
        expect.objectContaining({
          status: 'succeeded',
          commitSha: repo.git(['rev-parse', 'main']).trim(),
        }),
      );
      expect(commitsCarrying(repo.git, promotion.id)).toEqual([
        done!.commitSha,
      ]);
      expect(commits()).toBe(2);
      expect(repo.readFile('apps/payments/prod/kustomization.yaml')).toContain(
        digestOf('b'),
      );
      expect(await auditActions(knex, promotion.id)).toEqual([
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
        'promotion.executing',
        'promotion.executed',
      ]);
      expect((await new AuditLog(knex).verify()).ok).toBe(true);
    },
  );

  it('stops trying and fails the request once it has expired while pushes kept failing', async () => {
    start();
    const promotion = await requestThenLose(async () =>
      server.setOutage({ status: 503, service: 'git-receive-pack' }),
    );
    expect((await store.getPromotion(promotion.id))?.status).toBe('executing');

    const expiresAt = new Date(
      (await store.getPromotion(promotion.id))!.expiresAt,
    );
    now = new Date(expiresAt.getTime() + 1000);
    expect(await workflow.runDue()).toBe(1);
    await workflow.settle();

    const failed = await store.getPromotion(promotion.id);
    expect(failed).toEqual(
      expect.objectContaining({
        status: 'failed',
        error: expect.stringMatching(/git push failed.*503/s),
      }),
    );
    expect(commitsCarrying(repo.git, promotion.id, '--all')).toEqual([]);
    expect(commits()).toBe(1);
    expect((await auditActions(knex, promotion.id)).slice(-1)).toEqual([
      'promotion.failed',
    ]);
    expect((await new AuditLog(knex).verify()).ok).toBe(true);
  });

  it('keeps gating while the remote is away, audits nothing it did not do, and promotes once it is back', async () => {
    start({ gates: [{ type: 'source-match' }] });
    const promotion = await requestThenLose(async () =>
      server.setOutage({ status: 503 }),
    );

    expect(await store.getPromotion(promotion.id)).toEqual(
      expect.objectContaining({ status: 'gating' }),
    );
    expect(await auditActions(knex, promotion.id)).toEqual([
      'promotion.requested',
    ]);
    expect(commits()).toBe(1);

    // Looked at again in a minute, not at once and not never.
    now = new Date(startedAt.getTime() + 30_000);
    expect(await workflow.runDue()).toBe(0);
    server.setOutage();
    now = new Date(startedAt.getTime() + 61_000);
    expect(await workflow.runDue()).toBe(1);
    await workflow.settle();

    expect(await store.getPromotion(promotion.id)).toEqual(
      expect.objectContaining({ status: 'succeeded' }),
    );
    expect(commitsCarrying(repo.git, promotion.id)).toHaveLength(1);
    expect(commits()).toBe(2);
    expect(await auditActions(knex, promotion.id)).toEqual([
      'promotion.requested',
      'promotion.gates-evaluated',
      'promotion.approved',
      'promotion.executing',
      'promotion.executed',
    ]);
    expect((await new AuditLog(knex).verify()).ok).toBe(true);
  });

  it('writes nothing when the remote is away as the request is made', async () => {
    start();
    server.setOutage({ status: 503 });
    await expect(requestProd(workflow)).rejects.toThrow(/503|unavailable/i);
    expect(await store.listPromotions({})).toEqual([]);
    expect((await new AuditLog(knex).head()).seq).toBe(0);
  });
});
