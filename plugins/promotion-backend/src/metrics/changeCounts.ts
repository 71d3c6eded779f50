import { Knex } from 'knex';
import { MetricsInput } from './metricsInput';
import { bucketOf, prodChangesCte } from './prodChanges';
import { selectRows, sql, verbatim } from './sql';

export interface BucketCounts {
  /** Promotions that landed in production and did not fail. */
  deployments: number;
  /** Production changes of either kind that landed or failed. */
  attempts: number;
  /** Of those: rollbacks that landed, and promotions that failed. */
  failures: number;
}

/**
 * Deployments, attempted changes and failed changes into production, per
 * bucket of the window (buckets without changes are absent), each change
 * counted once, in the bucket of its first outcome.
 */
export async function changeCounts(
  db: Knex,
  input: MetricsInput,
): Promise<Map<number, BucketCounts>> {
  const { dialect, window } = input;
  const changedAt = verbatim('changed_at');
  const query = sql`WITH ${prodChangesCte({ ...input, since: window.from })}
  SELECT ${bucketOf(
    dialect,
    changedAt,
    window.from,
    window.bucketMs,
  )} AS bucket,
    SUM(CASE WHEN kind = 'promotion' AND landed = 1 AND failed = 0 THEN 1 ELSE 0 END) AS deployments,
    COUNT(*) AS attempts,
    SUM(CASE WHEN (kind = 'rollback' AND landed = 1)
      OR (kind <> 'rollback' AND failed = 1) THEN 1 ELSE 0 END) AS failures
  FROM prod_change
  WHERE changed_at < ${dialect.time(window.to)}
  GROUP BY 1`;
  const rows = await selectRows<Record<keyof BucketCounts | 'bucket', unknown>>(
    db,
    query,
  );
  return new Map(
    rows.map(row => [
      Number(row.bucket),
      {
        deployments: Number(row.deployments),
        attempts: Number(row.attempts),
        failures: Number(row.failures),
      },
    ]),
  );
}
