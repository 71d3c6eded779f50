/**
 * DORA metrics at scale: a million audit records and the promotion requests
 * they belong to, for 2,000 entities, on PostgreSQL and on SQLite; then how
 * long `GET /metrics/dora` takes to compute for one entity, for a group and
 * for everything. See README.md for what it measures and how to read it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import canonicalize from 'canonicalize';
import knexFactory, { Knex } from 'knex';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GENESIS_HASH,
  hashRecord,
} from '../../plugins/promotion-backend/src/audit';
import { KnexPromotionStore } from '../../plugins/promotion-backend/src/database';
import {
  DoraMetricsService,
  KnexDoraMetricsStore,
} from '../../plugins/promotion-backend/src/metrics';
import { seededRandom } from '../promotion-latency/gitopsRepository';
import { percentile } from '../promotion-latency/percentile';

const DATABASE = 'promotion_dora_metrics_bench';
const ENTITIES = 2000;
const GROUPS = 100;
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The seeded history ends here; the measured window is its last 30 days. */
const END = Date.parse('2026-12-01T00:00:00Z');
/** Days between an entity's builds: about 34 in a year, 15 records each. */
const BUILD_EVERY_DAYS = 10.7;
/** Rows per multi-row insert; SQLite takes at most 500 terms in one. */
const INSERT_BATCH = 400;
const ENVIRONMENTS = { first: 'dev', production: 'prod' };

function options() {
  const args = process.argv.slice(2);
  const value = (name: string) =>
    args.find(a => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = args.includes('--quick');
  return {
    records: Number(value('records') ?? (quick ? 100_000 : 1_000_000)),
    reads: Number(value('reads') ?? (quick ? 100 : 300)),
    only: value('database') as 'postgres' | 'sqlite' | undefined,
    keep: args.includes('--keep'),
  };
}

const entityRef = (i: number) =>
  `component:default/app-${String(i).padStart(4, '0')}`;
const groupOf = (i: number) => `group:default/team-${i % GROUPS}`;

type AuditRow = Record<string, string | number | null>;

/**
 * Writes the history: for each entity, one build after another, each
 * requested into dev (now and then CI writes it to git instead, so there is
 * no dev request), staging and prod, with the records the workflow leaves;
 * one prod change in ten fails, one in twenty lands and is rolled back. The
 * audit chain is hashed as `appendAuditRecord` hashes it. Builds of all
 * entities are interleaved, so the chain is roughly in time order.
 */
async function writeHistory(db: Knex, target: number, random: () => number) {
  let seq = 0;
  let prevHash = GENESIS_HASH;
  let audits: AuditRow[] = [];
  let requests: object[] = [];
  const flush = async (force = false) => {
    if (requests.length >= INSERT_BATCH || (force && requests.length)) {
      await db.batchInsert('promotion_request', requests as any, INSERT_BATCH);
      requests = [];
    }
    if (audits.length >= INSERT_BATCH * 5 || (force && audits.length)) {
      await db.batchInsert(
        'promotion_audit_record',
        audits as any,
        INSERT_BATCH,
      );
      audits = [];
    }
  };
  const audit = (
    action: string,
    at: number,
    promotionId: string,
    entity: string,
    environment: string,
    details: Record<string, unknown> = {},
  ) => {
    seq++;
    const createdAt = new Date(at).toISOString();
    const actor =
      action === 'promotion.requested'
        ? 'user:default/riley'
        : 'plugin:promotion';
    const canonical = canonicalize({
      seq,
      createdAt,
      action,
      actor,
      promotionId,
      entityRef: entity,
      environment,
      details,
    })!;
    const hash = hashRecord(prevHash, canonical);
    audits.push({
      seq,
      action,
      actor,
      promotion_id: promotionId,
      entity_ref: entity,
      environment,
      canonical,
      prev_hash: prevHash,
      hash,
      created_at: createdAt,
    });
    prevHash = hash;
  };
  const request = (
    entity: string,
    app: string,
    environment: string,
    source: string,
    digest: string,
    at: number,
    outcome: 'landed' | 'failed',
    kind: 'promotion' | 'rollback' = 'promotion',
  ) => {
    const id = crypto.randomUUID();
    const steps =
      environment === 'prod'
        ? [
            'promotion.requested',
            'promotion.gates-evaluated',
            'promotion.approval-given',
            'promotion.approved',
            'promotion.executing',
          ]
        : [
            'promotion.requested',
            'promotion.gates-evaluated',
            'promotion.executing',
          ];
    steps.forEach((action, i) =>
      audit(action, at + i * 60_000, id, entity, environment),
    );
    const endedAt = at + steps.length * 60_000;
    audit(
      outcome === 'failed'
        ? 'promotion.failed'
        : kind === 'rollback'
        ? 'promotion.rolled-back'
        : 'promotion.executed',
      endedAt,
      id,
      entity,
      environment,
      outcome === 'failed'
        ? { error: 'The push was refused' }
        : { commitSha: crypto.createHash('sha1').update(id).digest('hex') },
    );
    const created = new Date(at).toISOString();
    requests.push({
      id,
      entity_ref: entity,
      source_environment: source,
      target_environment: environment,
      artifact_image: `ghcr.io/acme/${app}`,
      artifact_tag: null,
      artifact_digest: digest,
      status: outcome === 'failed' ? 'failed' : 'succeeded',
      requested_by: 'user:default/riley',
      requester_kind: 'user',
      kind,
      created_at: created,
      updated_at: new Date(endedAt).toISOString(),
      expires_at: new Date(at + 7 * DAY).toISOString(),
    });
    return endedAt;
  };

  // Records per build are about 15; the history ends at END whatever its length.
  const rounds = Math.ceil(target / 15 / ENTITIES);
  const spacing = BUILD_EVERY_DAYS * DAY;
  const start = END - rounds * spacing;
  const previous = new Map<number, string>();
  for (let round = 0; seq < target; round++) {
    for (let i = 0; i < ENTITIES && seq < target; i++) {
      const entity = entityRef(i);
      const app = `app-${String(i).padStart(4, '0')}`;
      const digest = `sha256:${crypto
        .createHash('sha256')
        .update(`${entity}#${round}`)
        .digest('hex')}`;
      let at = start + round * spacing + random() * spacing * 0.5;
      if (random() >= 0.1)
        at = request(entity, app, 'dev', 'ci', digest, at, 'landed');
      at += HOUR + random() * 24 * HOUR;
      at = request(entity, app, 'staging', 'dev', digest, at, 'landed');
      at += HOUR + random() * 72 * HOUR;
      const fate = random();
      at = request(
        entity,
        app,
        'prod',
        'staging',
        digest,
        at,
        fate < 0.1 ? 'failed' : 'landed',
      );
      if (fate >= 0.1 && fate < 0.15 && previous.has(i)) {
        at += HOUR + random() * 12 * HOUR;
        request(
          entity,
          app,
          'prod',
          'prod',
          previous.get(i)!,
          at,
          'landed',
          'rollback',
        );
      } else if (fate >= 0.1) {
        previous.set(i, digest);
      }
      await flush();
    }
  }
  await flush(true);
  await db('promotion_audit_head')
    .where({ id: 1 })
    .update({ seq, hash: prevHash });
  return seq;
}

/**
 * A catalog that shows every entity to everyone, answering at once: the
 * figures are the database's, not a catalog's round trips.
 */
function openCatalog(): CatalogService {
  const toEntity = (ref: string): Entity => {
    const { kind, namespace, name } = parseEntityRef(ref);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { namespace, name },
    };
  };
  return {
    getEntityByRef: async (ref: string) => toEntity(String(ref)),
    getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
      items: entityRefs.map(toEntity),
    }),
    getEntities: async ({ filter }: any) => {
      const group = Number(filter['relations.ownedBy'].split('-').pop());
      const items: Entity[] = [];
      for (let i = group; i < ENTITIES; i += GROUPS)
        items.push(toEntity(entityRef(i)));
      return { items };
    },
  } as unknown as CatalogService;
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

async function measure(
  db: Knex,
  label: string,
  records: number,
  reads: number,
  random: () => number,
) {
  const metrics = new DoraMetricsService({
    store: new KnexDoraMetricsStore(db),
    catalog: openCatalog(),
    environments: ENVIRONMENTS,
  });
  const window = {
    from: new Date(END - 30 * DAY).toISOString(),
    to: new Date(END).toISOString(),
  };
  const credentials = {} as any;
  const entity = () => {
    const ref = entityRef(Math.floor(random() * ENTITIES));
    return {
      apiVersion: 'v1',
      kind: 'Component',
      metadata: { name: ref.split('/')[1], namespace: 'default' },
    };
  };
  const group = () => groupOf(Math.floor(random() * GROUPS));
  const line = (name: string, times: number[]) =>
    console.log(
      `  ${name.padEnd(36)} n=${times.length}  p50=${percentile(
        times,
        50,
      ).toFixed(2)} ms  p95=${percentile(times, 95).toFixed(
        2,
      )} ms  p99=${percentile(times, 99).toFixed(2)} ms`,
    );
  const run = async (
    name: string,
    count: number,
    read: () => Promise<unknown>,
  ) => {
    for (let i = 0; i < Math.min(20, count); i++) await read();
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push((await time(read))[1]);
    line(name, times);
    return times;
  };
  const [sample] = await time(() => metrics.forEntity(entity(), window));
  const [overall] = await time(() => metrics.overall(credentials, window));
  console.log(
    `  ${label}: one entity's 30 days: ${
      sample.deploymentFrequency.total
    } deployments; everything: ${
      overall.deploymentFrequency.total
    } deployments, ${
      overall.changeFailureRate.attempts
    } prod changes, lead time p50 ${(
      (overall.leadTime.medianMs ?? 0) / HOUR
    ).toFixed(1)} h`,
  );
  const entityTimes = await run("an entity's 30 days", reads, () =>
    metrics.forEntity(entity(), window),
  );
  const groupTimes = await run(
    `a group's 30 days (${ENTITIES / GROUPS} entities)`,
    Math.ceil(reads / 3),
    () => metrics.forGroup(group(), credentials, window),
  );
  const overallTimes = await run(
    `everything, 30 days (${ENTITIES} entities)`,
    10,
    () => metrics.overall(credentials, window),
  );
  return {
    entity: percentile(entityTimes, 95),
    group: percentile(groupTimes, 95),
    overall: percentile(overallTimes, 50),
    records,
  };
}

async function postgres(records: number, reads: number, keep: boolean) {
  const base =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING!;
  const admin = knexFactory({ client: 'pg', connection: `${base}/postgres` });
  await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.raw(`CREATE DATABASE ${DATABASE}`);
  await admin.destroy();
  const db = knexFactory({
    client: 'pg',
    connection: `${base}/${DATABASE}`,
    pool: { min: 1, max: 4 },
  });
  try {
    return await seedAndMeasure(db, 'PostgreSQL', records, reads, async () => {
      await db.raw('ANALYZE promotion_audit_record');
      await db.raw('ANALYZE promotion_request');
      return (
        await db.raw(
          `SELECT pg_size_pretty(pg_database_size(current_database())) AS size`,
        )
      ).rows[0].size;
    });
  } finally {
    await db.destroy();
    if (!keep) {
      const cleanup = knexFactory({
        client: 'pg',
        connection: `${base}/postgres`,
      });
      await cleanup.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
      await cleanup.destroy();
    }
  }
}

async function sqlite(records: number, reads: number, keep: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dora-metrics-bench-'));
  const filename = path.join(dir, 'promotion.sqlite');
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
  });
  try {
    return await seedAndMeasure(db, 'SQLite', records, reads, async () => {
      await db.raw('ANALYZE');
      return `${(fs.statSync(filename).size / 1e6).toFixed(0)} MB`;
    });
  } finally {
    await db.destroy();
    if (keep) console.log(`  kept ${filename}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function seedAndMeasure(
  db: Knex,
  label: string,
  records: number,
  reads: number,
  analyse: () => Promise<string>,
) {
  // The plugin's own migrations make the tables and indexes.
  await KnexPromotionStore.create({ database: { getClient: async () => db } });
  process.stderr.write(
    `${label}: writing ${records} audit records for ${ENTITIES} entities…\n`,
  );
  const random = seededRandom(42);
  const [written, writeMs] = await time(() =>
    writeHistory(db, records, random),
  );
  const size = await analyse();
  const requests = Number(
    (await db('promotion_request').count({ n: '*' }))[0].n,
  );
  console.log(
    `dora-metrics: ${written} audit records and ${requests} requests on ${label} (${size}), written in ${(
      writeMs / 1000
    ).toFixed(1)} s`,
  );
  return measure(db, label, written, reads, random);
}

async function main() {
  const { records, reads, only, keep } = options();
  const lines: string[] = [];
  const targets: string[] = [];
  for (const [name, runOn] of [
    ['postgres', postgres],
    ['sqlite', sqlite],
  ] as const) {
    if (only && only !== name) continue;
    const result = await runOn(records, reads, keep);
    lines.push(
      `dora-metrics database=${name} records=${
        result.records
      } entity_p95_ms=${result.entity.toFixed(
        2,
      )} group_p95_ms=${result.group.toFixed(
        2,
      )} overall_ms=${result.overall.toFixed(0)}`,
    );
    targets.push(
      `${name} entity p95 <= 50 ms: ${result.entity <= 50 ? 'met' : 'NOT met'}`,
    );
  }
  console.log(`targets: ${targets.join(', ')}`);
  for (const line of lines) console.log(line);
}

main().catch(error => {
  // A failed insert's message holds its whole statement.
  console.error(String(error?.stack ?? error).slice(0, 2000));
  process.exit(1);
});
