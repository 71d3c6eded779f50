/**
 * Audit log at scale: a chain of a million records on PostgreSQL, written as
 * the plugin writes them, then the figures an auditor feels: how long one
 * entity's page of `GET /audit` takes, and how fast the whole chain verifies.
 * See README.md for what it measures and how to read it.
 */
import crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import knexFactory, { Knex } from 'knex';
import {
  AuditLog,
  GENESIS_HASH,
  hashRecord,
} from '../../plugins/promotion-backend/src/audit';
import { KnexPromotionStore } from '../../plugins/promotion-backend/src/database';
import { seededRandom } from '../promotion-latency/gitopsRepository';
import { percentile } from '../promotion-latency/percentile';

const DATABASE = 'promotion_audit_scale_bench';
const ENTITIES = 2000;
const ENVIRONMENTS = ['dev', 'staging', 'prod'];
/** A promotion's life as the chain tells it: the records one request leaves. */
const LIFE = [
  'promotion.requested',
  'promotion.gates-evaluated',
  'promotion.approved',
  'promotion.executing',
  'promotion.executed',
];
const INSERT_BATCH = 1000;

function options() {
  const args = process.argv.slice(2);
  const value = (name: string) =>
    args.find(a => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = args.includes('--quick');
  return {
    records: Number(value('records') ?? (quick ? 100_000 : 1_000_000)),
    pages: Number(value('pages') ?? (quick ? 300 : 1000)),
    keep: args.includes('--keep'),
  };
}

async function freshDatabase(base: string): Promise<Knex> {
  const admin = knexFactory({ client: 'pg', connection: `${base}/postgres` });
  await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.raw(`CREATE DATABASE ${DATABASE}`);
  await admin.destroy();
  return knexFactory({
    client: 'pg',
    connection: `${base}/${DATABASE}`,
    pool: { min: 1, max: 4 },
  });
}

/**
 * Writes `count` records in chain order, each hashed over its canonical text
 * and the previous hash exactly as `appendAuditRecord` does, in batches of
 * multi-row inserts (one transaction per record would measure the writer, not
 * the reader), then sets the head.
 */
async function writeChain(db: Knex, count: number, random: () => number) {
  let prevHash = GENESIS_HASH;
  const start = Date.parse('2026-01-01T00:00:00Z');
  let rows: object[] = [];
  let promotionId = '';
  let entityRef = '';
  let environment = '';
  for (let seq = 1; seq <= count; seq++) {
    const step = (seq - 1) % LIFE.length;
    if (step === 0) {
      promotionId = crypto.randomUUID();
      entityRef = `component:default/app-${String(
        Math.floor(random() * ENTITIES),
      ).padStart(4, '0')}`;
      environment = ENVIRONMENTS[Math.floor(random() * ENVIRONMENTS.length)];
    }
    const action = LIFE[step];
    const createdAt = new Date(start + seq * 1000).toISOString();
    const actor = step === 0 ? 'user:default/riley' : 'plugin:promotion';
    const details =
      step === 4
        ? {
            commitSha: crypto
              .createHash('sha1')
              .update(String(seq))
              .digest('hex'),
            alreadyApplied: false,
          }
        : {};
    const canonical = canonicalize({
      seq,
      createdAt,
      action,
      actor,
      promotionId,
      entityRef,
      environment,
      details,
    })!;
    const hash = hashRecord(prevHash, canonical);
    rows.push({
      seq,
      action,
      actor,
      promotion_id: promotionId,
      entity_ref: entityRef,
      environment,
      canonical,
      prev_hash: prevHash,
      hash,
      created_at: createdAt,
    });
    prevHash = hash;
    if (rows.length === INSERT_BATCH || seq === count) {
      await db('promotion_audit_record').insert(rows);
      rows = [];
      if (seq % 100_000 === 0)
        process.stderr.write(`  ${seq} records written\n`);
    }
  }
  await db('promotion_audit_head')
    .where({ id: 1 })
    .update({ seq: count, hash: prevHash });
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

async function main() {
  const { records, pages, keep } = options();
  const base =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!;
  const db = await freshDatabase(base);
  try {
    // The plugin's own migrations make the tables and indexes.
    await KnexPromotionStore.create({
      database: { getClient: async () => db },
    });
    const random = seededRandom(42);
    process.stderr.write(
      `Writing ${records} audit records for ${ENTITIES} entities…\n`,
    );
    const [, writeMs] = await time(() => writeChain(db, records, random));
    await db.raw('ANALYZE promotion_audit_record');
    const size = (
      await db.raw(
        `SELECT pg_size_pretty(pg_total_relation_size('promotion_audit_record')) AS size`,
      )
    ).rows[0].size;

    const auditLog = new AuditLog(db);
    const entity = () =>
      `component:default/app-${String(Math.floor(random() * ENTITIES)).padStart(
        4,
        '0',
      )}`;
    // Warm the caches as a running backend's would be, then measure.
    for (let i = 0; i < 50; i++)
      await auditLog.list({ entityRef: entity(), limit: 100 });
    const measure = async (name: string, page: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < pages; i++) times.push((await time(page))[1]);
      const line = `  ${name.padEnd(44)} n=${pages}  p50=${percentile(
        times,
        50,
      ).toFixed(2)} ms  p95=${percentile(times, 95).toFixed(
        2,
      )} ms  p99=${percentile(times, 99).toFixed(2)} ms`;
      console.log(line);
      return percentile(times, 95);
    };
    console.log(
      `audit-scale: ${records} records on PostgreSQL (${size}), written in ${(
        writeMs / 1000
      ).toFixed(1)} s`,
    );
    const firstPage = await measure("an entity's first page (100)", () =>
      auditLog.list({ entityRef: entity(), limit: 100 }),
    );
    await measure("an entity's page after a cursor", () =>
      auditLog.list({
        entityRef: entity(),
        after: Math.floor(random() * records * 0.9),
        limit: 100,
      }),
    );
    await measure('an entity in one environment (100)', () =>
      auditLog.list({
        entityRef: entity(),
        environment: ENVIRONMENTS[Math.floor(random() * 3)],
        limit: 100,
      }),
    );
    await measure('a promotion (its records)', async () => {
      const seq = 1 + Math.floor(random() * records);
      const row = await db('promotion_audit_record')
        .where({ seq })
        .first('promotion_id');
      return auditLog.list({ promotionId: row.promotion_id, limit: 100 });
    });
    const [verification, verifyMs] = await time(() => auditLog.verify());
    if (!verification.ok || verification.checked !== records) {
      throw new Error(
        `The chain did not verify: ${JSON.stringify(verification)}`,
      );
    }
    const perSecond = Math.round(records / (verifyMs / 1000));
    console.log(
      `  verify: ${records} records in ${(verifyMs / 1000).toFixed(
        1,
      )} s (${perSecond} records/s)`,
    );
    const met = [
      firstPage <= 20 ? 'page p95 <= 20 ms: met' : 'page p95 <= 20 ms: NOT met',
    ];
    console.log(`targets: ${met.join(', ')}`);
    console.log(
      `audit-scale records=${records} page_p95_ms=${firstPage.toFixed(
        2,
      )} verify_records_per_s=${perSecond}`,
    );
  } finally {
    await db.destroy();
    if (!keep) {
      const admin = knexFactory({
        client: 'pg',
        connection: `${base}/postgres`,
      });
      await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
      await admin.destroy();
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
