import { Sql, sql, verbatim } from './sql';

/** The `part` of the row that holds the whole window rather than one bucket. */
export const WHOLE_WINDOW = -1;

/**
 * The median and 90th percentile of `durations` (a CTE of `bucket`, `ms`,
 * whole milliseconds, no nulls): one row per bucket and one for the whole
 * window (`part` = -1), with `n`, `median_ms`, `p90_ms`.
 *
 * Percentiles interpolate linearly between the two closest ranks, as
 * PostgreSQL's `percentile_cont` does, but are written with window
 * functions and integer arithmetic that SQLite runs too: the value at
 * 0-based position p·(n−1), truncated to a whole millisecond. The database
 * ranks the durations; only one row per bucket comes back.
 */
export function percentilesOf(durations: Sql): Sql {
  const position = (percent: number) =>
    verbatim(`(${percent} * (n - 1)) / 100`);
  const fraction = (percent: number) =>
    verbatim(`((${percent} * (n - 1)) % 100)`);
  const pick = (percent: number, offset: number) =>
    sql`MAX(CASE WHEN rn = ${position(percent)} + ${verbatim(
      String(offset),
    )} THEN ms END)`;
  const interpolate = (percent: number, lo: string, hi: string) =>
    verbatim(
      `${lo} + ((COALESCE(${hi}, ${lo}) - ${lo}) * ${
        fraction(percent).text
      }) / 100`,
    );
  return sql`durations AS (${durations}),
  parts AS (
    SELECT bucket AS part, ms FROM durations
    UNION ALL
    SELECT ${verbatim(String(WHOLE_WINDOW))} AS part, ms FROM durations
  ),
  ranked AS (
    SELECT part, ms,
      ROW_NUMBER() OVER (PARTITION BY part ORDER BY ms) AS rn,
      COUNT(*) OVER (PARTITION BY part) AS n
    FROM parts
  ),
  picked AS (
    SELECT part, n,
      ${pick(50, 1)} AS median_lo, ${pick(50, 2)} AS median_hi,
      ${pick(90, 1)} AS p90_lo, ${pick(90, 2)} AS p90_hi
    FROM ranked
    GROUP BY part, n
  ),
  percentiles AS (
    SELECT part, n,
      ${interpolate(50, 'median_lo', 'median_hi')} AS median_ms,
      ${interpolate(90, 'p90_lo', 'p90_hi')} AS p90_ms
    FROM picked
  )`;
}

export interface PercentileRow {
  part: number | string;
  n: number | string;
  median_ms: number | string | null;
  p90_ms: number | string | null;
}

export interface Percentiles {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/** The rows of {@link percentilesOf}, by part; PostgreSQL answers bigints as strings. */
export function readPercentiles(
  rows: PercentileRow[],
): Map<number, Percentiles> {
  const byPart = new Map<number, Percentiles>();
  for (const row of rows) {
    byPart.set(Number(row.part), {
      count: Number(row.n),
      medianMs: row.median_ms === null ? null : Number(row.median_ms),
      p90Ms: row.p90_ms === null ? null : Number(row.p90_ms),
    });
  }
  return byPart;
}
