import { Knex } from 'knex';
import { DoraDurations } from '@promotion-for-backstage/plugin-promotion-common';
import { BucketCounts, changeCounts } from './changeCounts';
import {
  DoraMetricsStore,
  MetricsEnvironments,
  ScopedDoraMetrics,
} from './DoraMetricsStore';
import { leadTimes } from './leadTimes';
import { metricsDialect } from './metricsDialect';
import { MetricsInput } from './metricsInput';
import { bucketRanges, MetricsWindow, windowDays } from './metricsWindow';
import { Percentiles, WHOLE_WINDOW } from './percentiles';
import { OUTCOME_ACTIONS } from './prodChanges';
import { restoreTimes } from './restoreTimes';

const NO_COUNTS: BucketCounts = { deployments: 0, attempts: 0, failures: 0 };
const NONE: Percentiles = { count: 0, medianMs: null, p90Ms: null };

const rate = (counts: BucketCounts) =>
  counts.attempts === 0 ? null : counts.failures / counts.attempts;

/**
 * The knex implementation of {@link DoraMetricsStore}, for SQLite and
 * PostgreSQL: three queries (changes, lead times, restore times), each
 * answering a handful of rows per bucket; no audit record is read into the
 * process.
 */
export class KnexDoraMetricsStore implements DoraMetricsStore {
  constructor(private readonly db: Knex) {}

  async changedEntities(production: string, since: Date): Promise<string[]> {
    const dialect = metricsDialect(this.db);
    const time = dialect.time(since);
    const rows: Array<{ entity_ref: string }> = await this.db(
      'promotion_audit_record',
    )
      .distinct('entity_ref')
      .where('environment', production)
      .whereRaw(`action IN ${OUTCOME_ACTIONS.text}`)
      .whereRaw(`created_at >= ${time.text}`, time.bindings)
      .whereNotNull('entity_ref')
      .orderBy('entity_ref');
    return rows.map(row => row.entity_ref);
  }

  async metrics(
    entityRefs: string[],
    window: MetricsWindow,
    environments: MetricsEnvironments,
  ): Promise<ScopedDoraMetrics> {
    const buckets = bucketRanges(window);
    const input: MetricsInput = {
      dialect: metricsDialect(this.db),
      entityRefs,
      window,
      firstEnvironment: environments.first,
      productionEnvironment: environments.production,
    };
    // Nothing in scope: every figure is empty, with no query to ask.
    const [counts, leads, restores] =
      entityRefs.length === 0
        ? [new Map(), new Map(), { restored: new Map(), open: 0 }]
        : await Promise.all([
            changeCounts(this.db, input),
            leadTimes(this.db, input),
            restoreTimes(this.db, input),
          ]);
    const countsAt = (i: number): BucketCounts => counts.get(i) ?? NO_COUNTS;
    const total = buckets.reduce(
      (sum, _, i) => ({
        deployments: sum.deployments + countsAt(i).deployments,
        attempts: sum.attempts + countsAt(i).attempts,
        failures: sum.failures + countsAt(i).failures,
      }),
      NO_COUNTS,
    );
    const durations = (byPart: Map<number, Percentiles>): DoraDurations => {
      const { count, medianMs, p90Ms } = byPart.get(WHOLE_WINDOW) ?? NONE;
      return { count, medianMs, p90Ms };
    };
    const medians = (byPart: Map<number, Percentiles>) =>
      buckets.map((_, i) => byPart.get(i)?.medianMs ?? null);
    const days = windowDays(window);
    return {
      window: {
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        bucket: window.bucket,
        days,
      },
      productionEnvironment: environments.production,
      firstEnvironment: environments.first,
      buckets,
      deploymentFrequency: {
        total: total.deployments,
        perDay: total.deployments / days,
        series: buckets.map((_, i) => countsAt(i).deployments),
      },
      leadTime: { ...durations(leads), series: medians(leads) },
      changeFailureRate: {
        attempts: total.attempts,
        failures: total.failures,
        rate: rate(total),
        series: buckets.map((_, i) => {
          const { attempts, failures } = countsAt(i);
          return { attempts, failures, rate: rate(countsAt(i)) };
        }),
      },
      timeToRestore: {
        ...durations(restores.restored),
        open: restores.open,
        series: medians(restores.restored),
      },
    };
  }
}
