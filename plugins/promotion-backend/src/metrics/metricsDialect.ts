import { Knex } from 'knex';
import { Sql, sql, verbatim } from './sql';

/**
 * The few expressions that PostgreSQL and SQLite spell differently. Both
 * answer them with the same whole numbers, so the metrics agree to the
 * millisecond on either database: SQLite stores timestamps as ISO text with
 * milliseconds, PostgreSQL as microseconds, and both differences are rounded
 * to whole milliseconds before anything is divided or ranked.
 */
export interface MetricsDialect {
  /** A point in time as a bound parameter. */
  time(at: Date): Sql;
  /** Whole milliseconds from `earlier` to `later`, as an integer. */
  msBetween(later: Sql, earlier: Sql): Sql;
  /** `column` is one of `refs`, bound as one parameter however many there are. */
  inList(column: Sql, refs: string[]): Sql;
}

const postgres: MetricsDialect = {
  time: at => sql`${at.toISOString()}::timestamptz`,
  msBetween: (later, earlier) =>
    sql`CAST(ROUND(EXTRACT(EPOCH FROM (${later} - ${earlier})) * 1000) AS BIGINT)`,
  // An array rather than a subquery: the planner then probes the index on
  // the column once per ref instead of joining every row in the window.
  inList: (column, refs) =>
    sql`${column} = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(
      refs,
    )}::jsonb)))`,
};

const sqlite: MetricsDialect = {
  time: at => sql`${at.toISOString()}`,
  msBetween: (later, earlier) =>
    sql`CAST(ROUND((julianday(${later}) - julianday(${earlier})) * 86400000) AS INTEGER)`,
  inList: (column, refs) =>
    sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(refs)}))`,
};

export function metricsDialect(db: Knex): MetricsDialect {
  const client = String(db.client.config.client);
  if (client.includes('sqlite')) return sqlite;
  if (client === 'pg' || client.includes('postgres')) return postgres;
  throw new Error(`DORA metrics support PostgreSQL and SQLite, not ${client}`);
}

/** A column name of this folder's queries, as SQL. */
export const column = (name: string) => verbatim(name);
