import { Knex } from 'knex';
import { MetricsInput } from './metricsInput';
import {
  PercentileRow,
  Percentiles,
  percentilesOf,
  readPercentiles,
} from './percentiles';
import { bucketOf, prodChangesCte } from './prodChanges';
import { selectRows, sql, verbatim } from './sql';

/** The `part` of the row that counts the failures not restored yet. */
const OPEN = -2;

export interface RestoreTimes {
  /** By bucket, and for the whole window at part -1. */
  restored: Map<number, Percentiles>;
  open: number;
}

/**
 * Time to restore, per bucket of the failure's start and for the whole
 * window. A failure begins at a promotion into production that failed
 * (dated by its first outcome: its landing if it landed) or at a promotion
 * that landed and whose entity's next production change was a rollback;
 * it ends at the entity's next production change, of either kind, that
 * landed without failing. Failures begun in the window that nothing has
 * restored yet are counted as open. The next changes come from window
 * functions over the entity's production changes since the window began.
 */
export async function restoreTimes(
  db: Knex,
  input: MetricsInput,
): Promise<RestoreTimes> {
  const { dialect, window } = input;
  const changedAt = verbatim('changed_at');
  const durations = sql`SELECT bucket, ms FROM incident WHERE ms IS NOT NULL`;
  const query = sql`WITH ${prodChangesCte({ ...input, since: window.from })},
  sequenced AS (
    SELECT entity_ref, kind, landed, failed, changed_at,
      LEAD(kind) OVER (
        PARTITION BY entity_ref ORDER BY changed_at, promotion_id
      ) AS next_kind,
      MIN(CASE WHEN landed = 1 AND failed = 0 THEN changed_at END) OVER (
        PARTITION BY entity_ref ORDER BY changed_at, promotion_id
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
      ) AS restored_at
    FROM prod_change
  ),
  incident AS (
    SELECT ${bucketOf(
      dialect,
      changedAt,
      window.from,
      window.bucketMs,
    )} AS bucket,
      CASE WHEN restored_at IS NULL THEN NULL
        ELSE ${dialect.msBetween(verbatim('restored_at'), changedAt)} END AS ms
    FROM sequenced
    WHERE kind = 'promotion'
      AND changed_at < ${dialect.time(window.to)}
      AND (failed = 1 OR (landed = 1 AND next_kind = 'rollback'))
  ),
  ${percentilesOf(durations)}
  SELECT part, n, median_ms, p90_ms FROM percentiles
  UNION ALL
  SELECT ${verbatim(String(OPEN))} AS part, COUNT(*) AS n,
    NULL AS median_ms, NULL AS p90_ms
  FROM incident WHERE ms IS NULL`;
  const byPart = readPercentiles(await selectRows<PercentileRow>(db, query));
  const open = byPart.get(OPEN)?.count ?? 0;
  byPart.delete(OPEN);
  return { restored: byPart, open };
}
