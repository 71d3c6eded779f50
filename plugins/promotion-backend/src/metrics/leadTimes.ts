import { Knex } from 'knex';
import { MetricsInput } from './metricsInput';
import {
  PercentileRow,
  Percentiles,
  percentilesOf,
  readPercentiles,
} from './percentiles';
import { bucketOf, buildOf, prodChangesCte } from './prodChanges';
import { selectRows, sql, verbatim } from './sql';

/**
 * Lead time for changes, per bucket and for the whole window (part -1): for
 * each build of an entity that a promotion landed in production in the
 * window (without failing), the time from the build's first request into
 * the first environment (else its first request into any environment, for a
 * build that entered the pipeline without one, e.g. CI writing it to git)
 * to its first landing in production. Each start is one index lookup on
 * (entity, build, environment), so the cost follows the number of builds
 * that reached production, never the size of the tables.
 */
export async function leadTimes(
  db: Knex,
  input: MetricsInput,
): Promise<Map<number, Percentiles>> {
  const { dialect, window, firstEnvironment } = input;
  const earliest = (inFirst: boolean) => sql`(
      SELECT MIN(s.created_at) FROM promotion_request s
      WHERE s.entity_ref = x.entity_ref
        AND ${buildOf('s')} = x.build
        ${
          inFirst
            ? sql`AND s.target_environment = ${firstEnvironment}`
            : verbatim('')
        }
    )`;
  const arrivedAt = verbatim('arrived_at');
  const durations = sql`SELECT
      ${bucketOf(dialect, arrivedAt, window.from, window.bucketMs)} AS bucket,
      ${dialect.msBetween(arrivedAt, verbatim('started_at'))} AS ms
    FROM started`;
  const query = sql`WITH ${prodChangesCte({ ...input, since: window.from })},
  arrival AS (
    SELECT entity_ref, build, MIN(changed_at) AS arrived_at
    FROM prod_change
    WHERE kind = 'promotion' AND landed = 1 AND failed = 0
      AND build IS NOT NULL
      AND changed_at < ${dialect.time(window.to)}
    GROUP BY entity_ref, build
  ),
  started AS (
    SELECT x.arrived_at,
      COALESCE(${earliest(true)}, ${earliest(false)}) AS started_at
    FROM arrival x
  ),
  ${percentilesOf(durations)}
  SELECT part, n, median_ms, p90_ms FROM percentiles`;
  return readPercentiles(await selectRows<PercentileRow>(db, query));
}
