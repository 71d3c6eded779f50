import { ConflictError } from '@backstage/errors';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { GENESIS_HASH, hashRecord } from '../audit';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import { KnexPromotionStore } from './KnexPromotionStore';
import { NewPromotion } from './PromotionStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

const request = (overrides: Partial<NewPromotion> = {}): NewPromotion => ({
  entityRef: 'component:default/payments',
  sourceEnvironment: 'dev',
  targetEnvironment: 'staging',
  artifact: {
    image: 'ghcr.io/acme/payments',
    tag: '1.2.0',
    digest: 'sha256:abc',
  },
  requestedBy: 'user:default/alice',
  requesterKind: 'user',
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  ...overrides,
});
const requested = {
  action: 'promotion.requested' as const,
  actor: 'user:default/alice',
};

describe.each(storeTestDatabaseIds())(
  'KnexPromotionStore on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: KnexPromotionStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
    });

    it('stores a request and reads it back with every field', async () => {
      const created = await store.createPromotion(
        request({ reason: 'release 1.2', changeTicket: 'CHG0012345' }),
        requested,
      );
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        kind: 'promotion',
        entityRef: 'component:default/payments',
        sourceEnvironment: 'dev',
        targetEnvironment: 'staging',
        artifact: {
          image: 'ghcr.io/acme/payments',
          tag: '1.2.0',
          digest: 'sha256:abc',
        },
        status: 'gating',
        reason: 'release 1.2',
        changeTicket: 'CHG0012345',
        requestedBy: 'user:default/alice',
        requesterKind: 'user',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      await expect(store.getPromotion(created.id)).resolves.toEqual(created);
      await expect(
        store.listPromotions({ entityRef: 'component:default/payments' }),
      ).resolves.toEqual([created]);
      await expect(
        store.listPromotions({ environment: 'prod' }),
      ).resolves.toEqual([]);
    });

    it('supersedes older requests that have not started, leaving exactly one active, even when they arrive at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.createPromotion(request(), requested),
        ),
      );
      const rows = await knex('promotion_request').select('id', 'status');
      expect(rows).toHaveLength(8);
      expect(rows.filter(r => r.status === 'gating')).toHaveLength(1);
      expect(rows.filter(r => r.status === 'superseded')).toHaveLength(7);
      expect(results.map(r => r.id)).toContain(
        rows.find(r => r.status === 'gating')!.id,
      );
      // 8 requested + 7 superseded records, in one unbroken chain
      expect(
        Number((await knex('promotion_audit_record').count({ n: '*' }))[0].n),
      ).toBe(15);
    });

    it('refuses a new request while one is executing for the same target', async () => {
      const first = await store.createPromotion(request(), requested);
      await store.transition(
        first.id,
        ['gating'],
        'approved',
        {},
        { action: 'promotion.approved', actor: 'plugin:promotion' },
      );
      const now = new Date();
      await store.claimExecution(
        first.id,
        'replica-a',
        new Date(now.getTime() + 60_000),
        now,
        {
          action: 'promotion.executing',
          actor: 'plugin:promotion',
        },
      );
      await expect(store.createPromotion(request(), requested)).rejects.toThrow(
        ConflictError,
      );
      expect((await store.getPromotion(first.id))!.status).toBe('executing');
    });

    it('lets only one worker claim execution, and another take over once the lease expired', async () => {
      const created = await store.createPromotion(request(), requested);
      await store.transition(
        created.id,
        ['gating'],
        'approved',
        {},
        { action: 'promotion.approved', actor: 'plugin:promotion' },
      );
      const t0 = new Date('2030-01-01T00:00:00Z');
      const lease = new Date(t0.getTime() + 60_000);
      const audit = {
        action: 'promotion.executing' as const,
        actor: 'plugin:promotion',
      };
      const claims = await Promise.all(
        ['a', 'b', 'c'].map(owner =>
          store.claimExecution(created.id, owner, lease, t0, audit),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Before the lease expires nobody else gets it; after, one does.
      await expect(
        store.claimExecution(
          created.id,
          'd',
          lease,
          new Date(t0.getTime() + 30_000),
          audit,
        ),
      ).resolves.toBeUndefined();
      await expect(
        store.listDue(new Date(t0.getTime() + 30_000), 10),
      ).resolves.toEqual([]);
      const later = new Date(t0.getTime() + 61_000);
      expect((await store.listDue(later, 10)).map(p => p.id)).toEqual([
        created.id,
      ]);
      const takeover = await store.claimExecution(
        created.id,
        'd',
        new Date(later.getTime() + 60_000),
        later,
        audit,
      );
      expect(takeover?.status).toBe('executing');
    });

    it('renews the lease for its holder only, and keeps the request from being taken over', async () => {
      const created = await store.createPromotion(request(), requested);
      await store.transition(
        created.id,
        ['gating'],
        'approved',
        {},
        { action: 'promotion.approved', actor: 'plugin:promotion' },
      );
      const t0 = new Date('2030-01-01T00:00:00Z');
      const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
      const audit = {
        action: 'promotion.executing' as const,
        actor: 'plugin:promotion',
      };
      await store.claimExecution(created.id, 'a', at(60), t0, audit);
      const chain = await store.auditHead();

      await expect(store.renewLease(created.id, 'b', at(300))).resolves.toBe(
        false,
      );
      await expect(store.renewLease(created.id, 'a', at(120))).resolves.toBe(
        true,
      );
      // Past the first lease, within the renewed one: nobody takes it over.
      await expect(
        store.claimExecution(created.id, 'b', at(200), at(90), audit),
      ).resolves.toBeUndefined();
      await expect(store.listDue(at(90), 10)).resolves.toEqual([]);
      expect(await store.auditHead()).toBe(chain);
      // Once the holder stops renewing, the lease runs out as before.
      expect(
        (await store.claimExecution(created.id, 'b', at(200), at(121), audit))
          ?.status,
      ).toBe('executing');
      await expect(store.renewLease(created.id, 'a', at(400))).resolves.toBe(
        false,
      );
    });

    it('lists a landed request as due while its deployment is followed, with its deadline', async () => {
      const created = await store.createPromotion(request(), requested);
      const landed = await store.transition(
        created.id,
        ['gating'],
        'succeeded',
        { nextEvaluationAt: new Date('2030-01-01T00:00:15Z') },
        { action: 'promotion.executed', actor: 'plugin:promotion' },
      );
      // Followed, no deadline yet (a manual sync nobody asked for).
      expect(landed!.deployment).toEqual({});
      expect(await store.listDue(new Date('2030-01-01T00:00:10Z'), 10)).toEqual(
        [],
      );
      expect(
        (await store.listDue(new Date('2030-01-01T00:00:15Z'), 10)).map(
          p => p.id,
        ),
      ).toEqual([created.id]);

      const deadline = new Date('2030-01-01T00:15:00Z');
      expect(
        await store.reschedule(
          created.id,
          'succeeded',
          new Date('2030-01-01T00:00:30Z'),
          deadline,
        ),
      ).toBe(true);
      expect((await store.getPromotion(created.id))!.deployment).toEqual({
        deadlineAt: deadline.toISOString(),
      });
      // Rescheduling without a deadline keeps the one it has.
      await store.reschedule(
        created.id,
        'succeeded',
        new Date('2030-01-01T00:00:45Z'),
      );
      expect((await store.getPromotion(created.id))!.deployment).toEqual({
        deadlineAt: deadline.toISOString(),
      });

      // No longer followed: not due, and no deployment on the request.
      await store.reschedule(created.id, 'succeeded', null, null);
      expect(
        (await store.getPromotion(created.id))!.deployment,
      ).toBeUndefined();
      expect(await store.listDue(new Date('2031-01-01T00:00:00Z'), 10)).toEqual(
        [],
      );
    });

    it('appends an audit record that goes with no change of a request to the one chain', async () => {
      const created = await store.createPromotion(request(), requested);
      await store.appendAudit({
        action: 'promotion.sync-requested',
        actor: 'user:default/riley',
        entityRef: 'component:default/payments',
        environment: 'prod',
        details: { application: 'payments-prod' },
      });
      const records = await knex('promotion_audit_record').orderBy(
        'seq',
        'asc',
      );
      expect(records.map(r => [r.action, r.promotion_id ?? null])).toEqual([
        ['promotion.requested', created.id],
        ['promotion.sync-requested', null],
      ]);
      expect(records[1].prev_hash).toBe(records[0].hash);
    });

    it('keeps each evaluation round of the gates and answers the latest', async () => {
      const created = await store.createPromotion(request(), requested);
      const run = (gate: string, status: 'passed' | 'pending') => ({
        gate,
        status,
        message: `${gate} ${status}`,
        startedAt: '2030-01-01T00:00:00.000Z',
        finishedAt: '2030-01-01T00:00:01.000Z',
        ...(status === 'pending'
          ? {
              retryAt: '2030-01-01T01:00:00.000Z',
              details: { waitMinutes: 60 },
            }
          : {}),
      });
      const audit = {
        action: 'promotion.gates-evaluated' as const,
        actor: 'plugin:promotion',
      };
      await store.recordGateRuns(
        created.id,
        [run('soak', 'pending'), run('source-match', 'passed')],
        audit,
      );
      await store.recordGateRuns(
        created.id,
        [run('soak', 'passed'), run('source-match', 'passed')],
        audit,
      );
      const latest = await store.latestGateRuns([created.id, 'unknown']);
      expect(latest.get(created.id)).toEqual([
        run('soak', 'passed'),
        run('source-match', 'passed'),
      ]);
      expect(
        Number((await knex('promotion_gate_run').count({ n: '*' }))[0].n),
      ).toBe(4);
    });

    it('moves a request on only from the expected state, once', async () => {
      const created = await store.createPromotion(request(), requested);
      const claims = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.transition(
            created.id,
            ['gating'],
            'approved',
            {},
            { action: 'promotion.approved', actor: 'plugin:promotion' },
          ),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const done = await store.transition(
        created.id,
        ['approved'],
        'succeeded',
        { commitSha: 'f00d' },
        {
          action: 'promotion.executed',
          actor: 'plugin:promotion',
        },
      );
      expect(done).toEqual(
        expect.objectContaining({ status: 'succeeded', commitSha: 'f00d' }),
      );
      // A finished request frees the target for the next one.
      await expect(
        store.createPromotion(request(), requested),
      ).resolves.toBeDefined();
    });

    it('chains every state change into the audit log without forks', async () => {
      const targets = [
        'staging',
        'prod',
        'qa',
        'perf',
        'canary',
        'eu',
        'us',
        'ap',
      ];
      await Promise.all(
        targets.map(env =>
          store.createPromotion(request({ targetEnvironment: env }), requested),
        ),
      );
      const records = await knex('promotion_audit_record').orderBy(
        'seq',
        'asc',
      );
      expect(records.map(r => Number(r.seq))).toEqual(
        targets.map((_, i) => i + 1),
      );
      let previous = GENESIS_HASH;
      for (const record of records) {
        expect(record.prev_hash).toBe(previous);
        expect(record.hash).toBe(hashRecord(previous, record.canonical));
        expect(JSON.parse(record.canonical)).toEqual(
          expect.objectContaining({
            seq: Number(record.seq),
            action: 'promotion.requested',
          }),
        );
        previous = record.hash;
      }
      const head = await knex('promotion_audit_head').where({ id: 1 }).first();
      expect({ seq: Number(head.seq), hash: head.hash }).toEqual({
        seq: targets.length,
        hash: previous,
      });
    });
  },
);
