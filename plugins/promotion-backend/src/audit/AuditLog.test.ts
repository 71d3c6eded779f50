import crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  AuditAction,
  AuditChainConflictError,
  AuditEntry,
  appendAuditRecord,
  GENESIS_HASH,
} from './auditChain';
import { AuditLog, AuditRecordView } from './AuditLog';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();
const MIGRATIONS_DIR = resolvePackagePath(
  '@promotion-for-backstage/plugin-promotion-backend',
  'migrations',
);

const sha256 = (text: string) =>
  crypto.createHash('sha256').update(text).digest('hex');

const ACTIONS: AuditAction[] = [
  'promotion.requested',
  'promotion.approved',
  'promotion.executed',
];
const ENVIRONMENTS = ['staging', 'prod', 'qa'];
const ENTITIES = ['component:default/payments', 'component:default/checkout'];
const ACTORS = [
  'user:default/alice',
  'user:default/bob',
  'plugin:promotion',
  'user:default/carol',
];

/** A varied record, so that every filter selects a different subset. */
const entry = (i: number): AuditEntry => ({
  action: ACTIONS[i % 3],
  actor: ACTORS[i % 4],
  promotionId: `p-${i % 5}`,
  entityRef: ENTITIES[i % 2],
  environment: ENVIRONMENTS[i % 3],
  details: { i },
});

/**
 * A chain write the way the store makes one: serialised on the head row on
 * PostgreSQL, retried when the compare-and-set in appendAuditRecord loses.
 */
async function inChain<T>(
  knex: Knex,
  fn: (trx: Knex.Transaction) => Promise<T>,
  options: { lockHead?: boolean; onConflict?: () => void } = {},
): Promise<T> {
  const lockHead = options.lockHead ?? true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await knex.transaction(async trx => {
        if (
          lockHead &&
          !String(knex.client.config.client).includes('sqlite3')
        ) {
          await trx('promotion_audit_head')
            .where({ id: 1 })
            .forUpdate()
            .first();
        }
        return fn(trx);
      });
    } catch (error) {
      if (!(error instanceof AuditChainConflictError) || attempt >= 200) {
        throw error;
      }
      options.onConflict?.();
      await new Promise(resolve => setTimeout(resolve, Math.random() * 5));
    }
  }
}

/** Appends `count` varied records, a few hundred per transaction to keep seeding quick. */
async function seed(knex: Knex, count: number) {
  for (let start = 0; start < count; start += 500) {
    await inChain(knex, async trx => {
      for (let i = start; i < Math.min(start + 500, count); i++) {
        await appendAuditRecord(
          trx,
          entry(i),
          new Date(Date.UTC(2030, 0, 1, 0, 0, i)),
        );
      }
    });
  }
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const result: string[] = [];
  for await (const line of lines) result.push(line);
  return result;
}

async function recordRow(knex: Knex, seq: number) {
  return knex('promotion_audit_record').where({ seq }).first();
}

describe.each(storeTestDatabaseIds())(
  'AuditLog on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let log: AuditLog;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIR });
      log = new AuditLog(knex);
    });

    describe('list', () => {
      it('pages through the records in order with a cursor', async () => {
        await seed(knex, 250);
        const first = await log.list();
        expect(first.items.map(r => r.seq)).toEqual(range(1, 100));
        expect(first.nextCursor).toBe(100);
        const second = await log.list({ after: first.nextCursor });
        expect(second.items.map(r => r.seq)).toEqual(range(101, 200));
        expect(second.nextCursor).toBe(200);
        const last = await log.list({ after: second.nextCursor });
        expect(last.items.map(r => r.seq)).toEqual(range(201, 250));
        expect(last.nextCursor).toBeUndefined();

        // A page that ends exactly at the last record has no cursor either.
        await expect(log.list({ after: 200, limit: 50 })).resolves.toEqual(
          expect.not.objectContaining({ nextCursor: expect.anything() }),
        );
        await expect(log.list({ after: 250 })).resolves.toEqual({ items: [] });
      });

      it('returns each record as its canonical text says, with its hashes', async () => {
        await seed(knex, 3);
        const { items } = await log.list({ limit: 1 });
        const row = await recordRow(knex, 1);
        expect(items).toEqual([
          {
            seq: 1,
            createdAt: '2030-01-01T00:00:00.000Z',
            action: 'promotion.requested',
            actor: 'user:default/alice',
            promotionId: 'p-0',
            entityRef: 'component:default/payments',
            environment: 'staging',
            details: { i: 0 },
            prevHash: GENESIS_HASH,
            hash: sha256(GENESIS_HASH + row.canonical),
          },
        ]);
      });

      it('filters by entity, environment, promotion, action and actor, and pages within a filter', async () => {
        await seed(knex, 60);
        const seqsWhere = (predicate: (e: AuditEntry) => boolean) =>
          range(1, 60).filter(seq => predicate(entry(seq - 1)));

        const payments = await log.list({
          entityRef: ENTITIES[0],
          environment: 'prod',
        });
        expect(payments.items.map(r => r.seq)).toEqual(
          seqsWhere(
            e => e.entityRef === ENTITIES[0] && e.environment === 'prod',
          ),
        );
        expect(
          payments.items.every(
            r => r.entityRef === ENTITIES[0] && r.environment === 'prod',
          ),
        ).toBe(true);

        expect(
          (await log.list({ promotionId: 'p-3' })).items.map(r => r.seq),
        ).toEqual(seqsWhere(e => e.promotionId === 'p-3'));
        expect(
          (
            await log.list({
              action: 'promotion.approved',
              actor: 'user:default/bob',
            })
          ).items.map(r => r.seq),
        ).toEqual(
          seqsWhere(
            e =>
              e.action === 'promotion.approved' &&
              e.actor === 'user:default/bob',
          ),
        );
        await expect(
          log.list({ entityRef: 'component:default/unknown' }),
        ).resolves.toEqual({ items: [] });

        const approved = seqsWhere(e => e.action === 'promotion.approved');
        const page1 = await log.list({
          action: 'promotion.approved',
          limit: 7,
        });
        expect(page1.items.map(r => r.seq)).toEqual(approved.slice(0, 7));
        expect(page1.nextCursor).toBe(approved[6]);
        const page2 = await log.list({
          action: 'promotion.approved',
          limit: 7,
          after: page1.nextCursor,
        });
        expect(page2.items.map(r => r.seq)).toEqual(approved.slice(7, 14));
        const page3 = await log.list({
          action: 'promotion.approved',
          limit: 7,
          after: page2.nextCursor,
        });
        expect(page3.items.map(r => r.seq)).toEqual(approved.slice(14));
        expect(page3.nextCursor).toBeUndefined();
      });

      it('pages newest first with a cursor to read on before', async () => {
        await seed(knex, 250);
        const first = await log.list({ order: 'desc' });
        expect(first.items.map(r => r.seq)).toEqual(range(151, 250).reverse());
        expect(first.nextCursor).toBe(151);
        const second = await log.list({
          order: 'desc',
          before: first.nextCursor,
        });
        expect(second.items.map(r => r.seq)).toEqual(range(51, 150).reverse());
        const last = await log.list({ order: 'desc', before: 51 });
        expect(last.items.map(r => r.seq)).toEqual(range(1, 50).reverse());
        expect(last.nextCursor).toBeUndefined();

        // Within a filter, and between two cursors.
        const payments = await log.list({
          order: 'desc',
          entityRef: ENTITIES[0],
          limit: 3,
        });
        const seqs = range(1, 250)
          .filter(seq => entry(seq - 1).entityRef === ENTITIES[0])
          .reverse();
        expect(payments.items.map(r => r.seq)).toEqual(seqs.slice(0, 3));
        expect(
          (await log.list({ order: 'desc', after: 10, before: 14 })).items.map(
            r => r.seq,
          ),
        ).toEqual([13, 12, 11]);
      });

      it('refuses a limit or cursor out of range', async () => {
        await expect(log.list({ limit: 0 })).rejects.toThrow(InputError);
        await expect(log.list({ limit: 1001 })).rejects.toThrow(InputError);
        await expect(log.list({ limit: 2.5 })).rejects.toThrow(InputError);
        await expect(log.list({ after: -1 })).rejects.toThrow(InputError);
        await expect(log.list({ order: 'desc', before: 0 })).rejects.toThrow(
          InputError,
        );
        await expect(log.list({ limit: 1000 })).resolves.toEqual({ items: [] });
      });
    });

    describe('verify', () => {
      it('accepts an empty chain', async () => {
        await expect(log.verify()).resolves.toEqual({
          ok: true,
          checked: 0,
          headSeq: 0,
          headHash: GENESIS_HASH,
        });
        await expect(log.head()).resolves.toEqual({
          seq: 0,
          hash: GENESIS_HASH,
        });
      });

      describe('on a chain of 2,500 records', () => {
        beforeEach(async () => {
          await seed(knex, 2500);
        });

        it('accepts it intact, walking every batch, and exports all of it in order', async () => {
          const last = await recordRow(knex, 2500);
          await expect(log.head()).resolves.toEqual({
            seq: 2500,
            hash: last.hash,
          });
          await expect(log.verify()).resolves.toEqual({
            ok: true,
            checked: 2500,
            headSeq: 2500,
            headHash: last.hash,
          });

          const csv = await collect(log.export('csv'));
          expect(csv).toHaveLength(2501);
          expect(csv.slice(1).map(line => Number(line.split(',')[0]))).toEqual(
            range(1, 2500),
          );
          const jsonl = await collect(
            log.export('jsonl', { environment: 'qa' }),
          );
          expect(jsonl.map(line => JSON.parse(line).seq)).toEqual(
            range(1, 2500).filter(seq => (seq - 1) % 3 === 2),
          );
        });

        it('names a record whose canonical text was changed', async () => {
          const row = await recordRow(knex, 1500);
          await knex('promotion_audit_record')
            .where({ seq: 1500 })
            .update({ canonical: row.canonical.replace('"i":1499', '"i":1') });
          await expect(log.verify()).resolves.toEqual({
            ok: false,
            checked: 1499,
            headSeq: 2500,
            headHash: expect.any(String),
            firstBroken: { seq: 1500, reason: 'hash mismatch' },
          });
        });

        it('names the record after one whose text and hash were both rewritten', async () => {
          const row = await recordRow(knex, 1500);
          const canonical = row.canonical.replace('"i":1499', '"i":1');
          await knex('promotion_audit_record')
            .where({ seq: 1500 })
            .update({ canonical, hash: sha256(row.prev_hash + canonical) });
          expect((await log.verify()).firstBroken).toEqual({
            seq: 1501,
            reason: 'previous hash mismatch',
          });
        });

        it('names a deleted record, also at the end of a batch', async () => {
          await knex('promotion_audit_record').where({ seq: 1000 }).delete();
          await expect(log.verify()).resolves.toEqual(
            expect.objectContaining({
              ok: false,
              checked: 999,
              firstBroken: { seq: 1000, reason: 'record missing' },
            }),
          );
          await knex('promotion_audit_record').where({ seq: 1 }).delete();
          expect((await log.verify()).firstBroken).toEqual({
            seq: 1,
            reason: 'record missing',
          });
        });

        it('notices a truncated tail that the head still covers', async () => {
          await knex('promotion_audit_record').where('seq', '>', 2497).delete();
          await expect(log.verify()).resolves.toEqual(
            expect.objectContaining({
              ok: false,
              checked: 2497,
              headSeq: 2500,
              firstBroken: {
                seq: 2498,
                reason: 'chain truncated after seq 2497',
              },
            }),
          );
        });

        it('notices a head that points at another hash', async () => {
          await knex('promotion_audit_head')
            .where({ id: 1 })
            .update({ hash: 'f'.repeat(64) });
          await expect(log.verify()).resolves.toEqual({
            ok: false,
            checked: 2500,
            headSeq: 2500,
            headHash: 'f'.repeat(64),
            firstBroken: { seq: 2500, reason: 'head does not match' },
          });
        });

        it('notices a head set back to an earlier record', async () => {
          const earlier = await recordRow(knex, 2400);
          await knex('promotion_audit_head')
            .where({ id: 1 })
            .update({ seq: 2400, hash: earlier.hash });
          await expect(log.verify()).resolves.toEqual(
            expect.objectContaining({
              ok: false,
              checked: 2400,
              firstBroken: { seq: 2401, reason: 'head does not match' },
            }),
          );
        });

        describe('with anchors kept outside the database', () => {
          /** What an `Audit-Head` trailer or an auditor event holds for a record. */
          async function anchorAt(seq: number) {
            return { seq, hash: (await recordRow(knex, seq)).hash as string };
          }

          /** Deletes every record after `seq` and sets the head back onto it, so the rest is consistent. */
          async function cutAfter(seq: number) {
            const last = await recordRow(knex, seq);
            await knex('promotion_audit_record')
              .where('seq', '>', seq)
              .delete();
            await knex('promotion_audit_head')
              .where({ id: 1 })
              .update({ seq, hash: last.hash });
          }

          it('accepts an intact chain that every anchor agrees with', async () => {
            const anchors = [
              { seq: 0, hash: GENESIS_HASH },
              await anchorAt(1),
              await anchorAt(1000),
              await anchorAt(1001),
              await anchorAt(2500),
              await anchorAt(2500),
            ];
            await expect(log.verify({ anchors })).resolves.toEqual({
              ok: true,
              checked: 2500,
              headSeq: 2500,
              headHash: anchors[4].hash,
              anchorsMatched: 6,
            });
          });

          it('names a tail cut off with the head set back, which the chain alone cannot show', async () => {
            const trailer = await anchorAt(2450);
            const earlier = await anchorAt(2000);
            await cutAfter(2400);

            // What is left is consistent: without an anchor nothing looks wrong.
            await expect(log.verify()).resolves.toEqual(
              expect.objectContaining({
                ok: true,
                checked: 2400,
                headSeq: 2400,
              }),
            );
            await expect(
              log.verify({ anchors: [earlier, trailer] }),
            ).resolves.toEqual({
              ok: false,
              checked: 2400,
              headSeq: 2400,
              headHash: (await recordRow(knex, 2400)).hash,
              firstBroken: {
                seq: 2401,
                reason: `anchor 2450:${trailer.hash} is beyond the head at seq 2400: the chain was cut short or its head set back`,
              },
              anchorsMatched: 1,
            });
          });

          it('names the first record of a tail rewritten with fresh hashes', async () => {
            const original = await anchorAt(2495);
            // Rewrite records 2491 on as if they had been appended differently.
            let prevHash = (await recordRow(knex, 2490)).hash;
            for (let seq = 2491; seq <= 2500; seq++) {
              const row = await recordRow(knex, seq);
              const canonical = row.canonical.replace(/"i":\d+/, '"i":0');
              const hash = sha256(prevHash + canonical);
              await knex('promotion_audit_record')
                .where({ seq })
                .update({ canonical, prev_hash: prevHash, hash });
              prevHash = hash;
            }
            await knex('promotion_audit_head')
              .where({ id: 1 })
              .update({ hash: prevHash });

            await expect(log.verify()).resolves.toEqual(
              expect.objectContaining({ ok: true, checked: 2500 }),
            );
            await expect(
              log.verify({ anchors: [await anchorAt(2490), original] }),
            ).resolves.toEqual(
              expect.objectContaining({
                ok: false,
                checked: 2494,
                firstBroken: {
                  seq: 2495,
                  reason: `hash does not match anchor 2495:${original.hash}`,
                },
                anchorsMatched: 1,
              }),
            );
          });

          it('reports the earliest break when an anchor is also beyond the end', async () => {
            const trailer = await anchorAt(2500);
            await cutAfter(2400);
            await knex('promotion_audit_record').where({ seq: 300 }).delete();
            expect(
              (await log.verify({ anchors: [trailer] })).firstBroken,
            ).toEqual({ seq: 300, reason: 'record missing' });
          });

          it('refuses a genesis anchor with another hash', async () => {
            await expect(
              log.verify({ anchors: [{ seq: 0, hash: 'a'.repeat(64) }] }),
            ).resolves.toEqual(
              expect.objectContaining({
                ok: false,
                checked: 0,
                firstBroken: {
                  seq: 0,
                  reason: `hash does not match anchor 0:${'a'.repeat(64)}`,
                },
              }),
            );
          });
        });

        it('notices columns that no longer agree with the hashed text, while readers keep to the text', async () => {
          await knex('promotion_audit_record')
            .where({ seq: 2 })
            .update({ entity_ref: 'component:default/other' });
          expect((await log.verify()).firstBroken).toEqual({
            seq: 2,
            reason: 'columns do not match record',
          });
          const { items } = await log.list({
            entityRef: 'component:default/other',
          });
          expect(items.map(r => [r.seq, r.entityRef])).toEqual([
            [2, ENTITIES[1]],
          ]);
        });
      });
    });

    describe('export', () => {
      const details = {
        reason: 'hotfix, "urgent"\nsee INC-42',
        artifact: { image: 'ghcr.io/acme/payments', tag: '1.2.0' },
      };
      const canonical = [
        String.raw`{"action":"promotion.requested","actor":"user:default/alice","createdAt":"2030-01-01T00:00:00.000Z","details":{"artifact":{"image":"ghcr.io/acme/payments","tag":"1.2.0"},"reason":"hotfix, \"urgent\"\nsee INC-42"},"entityRef":"component:default/payments","environment":"prod","promotionId":"p-1","seq":1}`,
        String.raw`{"action":"promotion.approved","actor":"user:default/bob","createdAt":"2030-01-01T00:05:00.000Z","details":{},"entityRef":"component:default/payments","environment":"prod","promotionId":"p-1","seq":2}`,
        String.raw`{"action":"promotion.executed","actor":"plugin:promotion","createdAt":"2030-01-01T00:10:00.000Z","details":{"commitSha":"f00d"},"entityRef":"component:default/payments","environment":"prod","promotionId":null,"seq":3}`,
      ];
      const h1 = sha256(GENESIS_HASH + canonical[0]);
      const h2 = sha256(h1 + canonical[1]);
      const h3 = sha256(h2 + canonical[2]);

      beforeEach(async () => {
        const common = {
          entityRef: 'component:default/payments',
          environment: 'prod',
        };
        await inChain(knex, async trx => {
          await appendAuditRecord(
            trx,
            {
              ...common,
              action: 'promotion.requested',
              actor: 'user:default/alice',
              promotionId: 'p-1',
              details,
            },
            new Date('2030-01-01T00:00:00Z'),
          );
          await appendAuditRecord(
            trx,
            {
              ...common,
              action: 'promotion.approved',
              actor: 'user:default/bob',
              promotionId: 'p-1',
            },
            new Date('2030-01-01T00:05:00Z'),
          );
        });
        await inChain(knex, trx =>
          appendAuditRecord(
            trx,
            {
              ...common,
              action: 'promotion.executed',
              actor: 'plugin:promotion',
              details: { commitSha: 'f00d' },
            },
            new Date('2030-01-01T00:10:00Z'),
          ),
        );
      });

      it('stores the canonical text this test expects', async () => {
        const rows = await knex('promotion_audit_record').orderBy('seq', 'asc');
        expect(rows.map(r => r.canonical)).toEqual(canonical);
        expect(rows.map(r => r.hash)).toEqual([h1, h2, h3]);
      });

      it('writes JSON lines that re-hash to the chain', async () => {
        const lines = await collect(log.export('jsonl'));
        expect(lines).toEqual(
          [
            String.raw`{"action":"promotion.requested","actor":"user:default/alice","createdAt":"2030-01-01T00:00:00.000Z","details":{"artifact":{"image":"ghcr.io/acme/payments","tag":"1.2.0"},"reason":"hotfix, \"urgent\"\nsee INC-42"},"entityRef":"component:default/payments","environment":"prod","hash":"${h1}","prevHash":"${GENESIS_HASH}","promotionId":"p-1","seq":1}`,
            String.raw`{"action":"promotion.approved","actor":"user:default/bob","createdAt":"2030-01-01T00:05:00.000Z","details":{},"entityRef":"component:default/payments","environment":"prod","hash":"${h2}","prevHash":"${h1}","promotionId":"p-1","seq":2}`,
            String.raw`{"action":"promotion.executed","actor":"plugin:promotion","createdAt":"2030-01-01T00:10:00.000Z","details":{"commitSha":"f00d"},"entityRef":"component:default/payments","environment":"prod","hash":"${h3}","prevHash":"${h2}","promotionId":null,"seq":3}`,
          ].map(line => `${line}\n`),
        );
        // What an auditor does with the file alone.
        let previous = GENESIS_HASH;
        for (const line of lines) {
          const { hash, prevHash, ...record } = JSON.parse(
            line,
          ) as AuditRecordView;
          expect(prevHash).toBe(previous);
          expect(sha256(prevHash + canonicalize(record))).toBe(hash);
          previous = hash;
        }
      });

      it('writes RFC 4180 CSV with the details as JSON text', async () => {
        const lines = await collect(log.export('csv'));
        expect(lines).toEqual(
          [
            'seq,created_at,action,actor,promotion_id,entity_ref,environment,details,prev_hash,hash',
            String.raw`1,2030-01-01T00:00:00.000Z,promotion.requested,user:default/alice,p-1,component:default/payments,prod,"{""artifact"":{""image"":""ghcr.io/acme/payments"",""tag"":""1.2.0""},""reason"":""hotfix, \""urgent\""\nsee INC-42""}",${GENESIS_HASH},${h1}`,
            `2,2030-01-01T00:05:00.000Z,promotion.approved,user:default/bob,p-1,component:default/payments,prod,{},${h1},${h2}`,
            `3,2030-01-01T00:10:00.000Z,promotion.executed,plugin:promotion,,component:default/payments,prod,"{""commitSha"":""f00d""}",${h2},${h3}`,
          ].map(line => `${line}\r\n`),
        );
      });

      it('applies the filter and cursor', async () => {
        expect(
          (await collect(log.export('jsonl', { after: 1 }))).map(
            l => JSON.parse(l).seq,
          ),
        ).toEqual([2, 3]);
        expect(
          (await collect(log.export('jsonl', { promotionId: 'p-1' }))).map(
            l => JSON.parse(l).seq,
          ),
        ).toEqual([1, 2]);
        expect(
          await collect(log.export('csv', { actor: 'user:default/nobody' })),
        ).toEqual([
          'seq,created_at,action,actor,promotion_id,entity_ref,environment,details,prev_hash,hash\r\n',
        ]);
        await expect(collect(log.export('xml' as any))).rejects.toThrow(
          InputError,
        );
      });

      it('ends at the head as it was when the export started', async () => {
        // Two rows per query, so the last record is read after the append below.
        const lines = new AuditLog(knex, { batchSize: 2 })
          .export('jsonl')
          [Symbol.asyncIterator]();
        const first = await lines.next();
        await inChain(knex, trx =>
          appendAuditRecord(
            trx,
            { action: 'promotion.failed', actor: 'plugin:promotion' },
            new Date(),
          ),
        );
        const rest: string[] = [];
        for (
          let next = await lines.next();
          !next.done;
          next = await lines.next()
        )
          rest.push(next.value);
        expect([first.value, ...rest].map(l => JSON.parse(l).seq)).toEqual([
          1, 2, 3,
        ]);
        expect(
          (await collect(log.export('jsonl'))).map(l => JSON.parse(l).seq),
        ).toEqual([1, 2, 3, 4]);
      });
    });

    // SQLite has a single writer, so there is no race to lose there.
    const describeOnPostgres =
      databaseId === 'SQLITE_3' ? describe.skip : describe;

    describeOnPostgres('concurrent appends', () => {
      /** The chain as it stands, in the shape a single unforked chain of `count` has. */
      async function readChain() {
        const rows = await knex('promotion_audit_record').orderBy('seq', 'asc');
        return {
          verification: await log.verify(),
          seqs: rows.map(r => Number(r.seq)),
          // A fork would show as two records built on the same previous hash.
          distinctPrevHashes: new Set(rows.map(r => r.prev_hash)).size,
          appended: rows
            .map(r => JSON.parse(r.canonical).details.i)
            .sort((a, b) => a - b),
        };
      }
      const oneChainOf = (count: number) => ({
        verification: expect.objectContaining({
          ok: true,
          checked: count,
          headSeq: count,
        }),
        seqs: range(1, count),
        distinctPrevHashes: count,
        appended: range(0, count - 1),
      });

      it('serialises 40 writers on the head row lock', async () => {
        await Promise.all(
          range(0, 39).map(i =>
            inChain(knex, trx => appendAuditRecord(trx, entry(i), new Date())),
          ),
        );
        await expect(readChain()).resolves.toEqual(oneChainOf(40));
      });

      it('keeps one chain with only the compare-and-set and retries', async () => {
        let conflicts = 0;
        await Promise.all(
          range(0, 39).map(i =>
            inChain(knex, trx => appendAuditRecord(trx, entry(i), new Date()), {
              lockHead: false,
              onConflict: () => conflicts++,
            }),
          ),
        );
        await expect(readChain()).resolves.toEqual(oneChainOf(40));
        // Writers did read the same head and lose the compare-and-set (dozens
        // per run here), so the test exercised the race rather than a queue.
        expect(conflicts).toBeGreaterThan(0);
      });
    });
  },
);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
