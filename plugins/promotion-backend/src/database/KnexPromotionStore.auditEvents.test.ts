import { ConflictError } from '@backstage/errors';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { AuditLog, AuditRecordView } from '../audit';
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
const SCHEDULER = 'plugin:promotion';

describe.each(storeTestDatabaseIds())(
  'KnexPromotionStore audit listener on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    /** Each call of the listener: the records it was given, and the seqs committed when it ran. */
    let calls: Array<{ records: AuditRecordView[]; committedSeqs: number[] }>;
    let listener: (records: AuditRecordView[]) => Promise<void>;
    let store: KnexPromotionStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      calls = [];
      listener = async records => {
        // Read outside the writer's transaction: only what has committed shows.
        const rows = await knex('promotion_audit_record')
          .select('seq')
          .orderBy('seq', 'asc');
        calls.push({ records, committedSeqs: rows.map(r => Number(r.seq)) });
      };
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
        onAuditAppended: records => listener(records),
      });
    });

    const chain = async () =>
      (await new AuditLog(knex).list({ limit: 1000 })).items;

    it('hands over each write’s records as the chain holds them, once the write has committed', async () => {
      const first = await store.createPromotion(request(), requested);
      const second = await store.createPromotion(
        request({ artifact: { image: 'ghcr.io/acme/payments', tag: '1.3.0' } }),
        requested,
      );
      await store.transition(
        second.id,
        ['gating'],
        'approved',
        {},
        { action: 'promotion.approved', actor: SCHEDULER },
      );
      const now = new Date();
      await store.claimExecution(
        second.id,
        'replica-a',
        new Date(now.getTime() + 60_000),
        now,
        {
          action: 'promotion.executing',
          actor: SCHEDULER,
        },
      );
      await store.transition(
        second.id,
        ['executing'],
        'succeeded',
        { commitSha: 'f00d', lease: null },
        {
          action: 'promotion.executed',
          actor: SCHEDULER,
          details: { commitSha: 'f00d' },
        },
        'replica-a',
      );

      const records = await chain();
      expect(records.map(r => r.action)).toEqual([
        'promotion.requested',
        'promotion.superseded',
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
        'promotion.executed',
      ]);
      // One call per write, with exactly that write's records, each already committed.
      expect(calls.map(c => c.records)).toEqual([
        [records[0]],
        [records[1], records[2]],
        [records[3]],
        [records[4]],
        [records[5]],
      ]);
      for (const { records: given, committedSeqs } of calls) {
        expect(committedSeqs).toEqual(
          expect.arrayContaining(given.map(r => r.seq)),
        );
      }
      expect(calls[1].records.map(r => [r.action, r.promotionId])).toEqual([
        ['promotion.superseded', first.id],
        ['promotion.requested', second.id],
      ]);
      expect(calls[4].records[0].details).toEqual({ commitSha: 'f00d' });
    });

    it('hands over nothing for a write that was refused or changed nothing', async () => {
      const first = await store.createPromotion(request(), requested);
      await store.transition(
        first.id,
        ['gating'],
        'approved',
        {},
        { action: 'promotion.approved', actor: SCHEDULER },
      );
      const now = new Date();
      await store.claimExecution(
        first.id,
        'replica-a',
        new Date(now.getTime() + 60_000),
        now,
        {
          action: 'promotion.executing',
          actor: SCHEDULER,
        },
      );
      calls = [];
      // Rolled back: the executing request blocks a new one.
      await expect(store.createPromotion(request(), requested)).rejects.toThrow(
        ConflictError,
      );
      // Not in `gating` any more: no transition, no record.
      await expect(
        store.transition(
          first.id,
          ['gating'],
          'cancelled',
          {},
          { action: 'promotion.cancelled', actor: SCHEDULER },
        ),
      ).resolves.toBeUndefined();
      expect(calls).toEqual([]);
      expect((await chain()).map(r => r.action)).toEqual([
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
      ]);
    });

    it('keeps the change when the listener fails', async () => {
      listener = async () => {
        throw new Error('auditor unavailable');
      };
      const created = await store.createPromotion(request(), requested);
      await expect(store.getPromotion(created.id)).resolves.toEqual(created);
      expect((await chain()).map(r => r.promotionId)).toEqual([created.id]);
    });

    it('hands over every record exactly once when writers race', async () => {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.createPromotion(
            request({ entityRef: `component:default/service-${i % 4}` }),
            requested,
          ),
        ),
      );
      const records = await chain();
      // 12 requested, and 8 superseded by the later requests for the same entity.
      expect(records).toHaveLength(20);
      expect(
        calls.flatMap(c => c.records).sort((a, b) => a.seq - b.seq),
      ).toEqual(records);
      expect(calls).toHaveLength(12);
    });
  },
);
