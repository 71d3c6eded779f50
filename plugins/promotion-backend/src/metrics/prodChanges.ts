import { MetricsDialect } from './metricsDialect';
import { Sql, sql, verbatim } from './sql';

/**
 * The audit actions that end a production change: it landed (the commit was
 * pushed or the pull request merged: `executed` for a promotion,
 * `rolled-back` for a rollback) or it failed (before landing, or after, when
 * its deployment did not run healthy).
 */
export const OUTCOME_ACTIONS = verbatim(
  "('promotion.executed', 'promotion.rolled-back', 'promotion.failed')",
);

/**
 * How a request names its build: the digest, else the digest its tag
 * resolved to, else the tag. The `promotion_request_build_idx` index is on
 * this very expression, so it must stay spelled as here.
 */
export const buildOf = (alias: string) =>
  verbatim(
    `COALESCE(${alias}.artifact_digest, ${alias}.resolved_digest, ${alias}.artifact_tag)`,
  );

export interface ProdChangesInput {
  dialect: MetricsDialect;
  productionEnvironment: string;
  /** Changes whose first outcome is at or after this time. */
  since: Date;
  /** The entities in scope; one is matched by equality, more as one bound list. */
  entityRefs: string[];
}

/**
 * The CTEs `prod_outcome` and `prod_change`: one row per request into
 * production whose first outcome record is at or after `since`, dated by that
 * record (`changed_at`), with its kind, its build, and whether it landed and
 * whether it failed (a change that landed and then failed its deployment has
 * both). Only outcome records are read, through the audit log's indexes, and
 * each request is joined once by its primary key.
 */
export function prodChangesCte(input: ProdChangesInput): Sql {
  const { dialect, productionEnvironment, since, entityRefs } = input;
  const entity = verbatim('a.entity_ref');
  const inScope =
    entityRefs.length === 1
      ? sql`${entity} = ${entityRefs[0]}`
      : dialect.inList(entity, entityRefs);
  return sql`prod_outcome AS (
    SELECT a.promotion_id, a.entity_ref, a.action, a.created_at
    FROM promotion_audit_record a
    WHERE a.environment = ${productionEnvironment}
      AND a.action IN ${OUTCOME_ACTIONS}
      AND a.created_at >= ${dialect.time(since)}
      AND ${inScope}
      AND NOT EXISTS (
        SELECT 1 FROM promotion_audit_record earlier
        WHERE earlier.promotion_id = a.promotion_id
          AND earlier.action IN ${OUTCOME_ACTIONS}
          AND earlier.created_at < ${dialect.time(since)}
      )
  ),
  prod_change AS (
    SELECT o.promotion_id, o.entity_ref, r.kind,
      ${buildOf('r')} AS build,
      MIN(o.created_at) AS changed_at,
      MAX(CASE WHEN o.action <> 'promotion.failed' THEN 1 ELSE 0 END) AS landed,
      MAX(CASE WHEN o.action = 'promotion.failed' THEN 1 ELSE 0 END) AS failed
    FROM prod_outcome o
    JOIN promotion_request r ON r.id = o.promotion_id
    GROUP BY o.promotion_id, o.entity_ref, r.kind,
      r.artifact_digest, r.resolved_digest, r.artifact_tag
  )`;
}

/** The bucket (0, 1, …) of the window that `at` falls in, as an integer. */
export function bucketOf(
  dialect: MetricsDialect,
  at: Sql,
  from: Date,
  bucketMs: number,
): Sql {
  // Whole milliseconds divided by a whole number: integer division on both
  // databases, so a change at a bucket's first millisecond is in that bucket.
  return sql`(${dialect.msBetween(at, dialect.time(from))} / ${verbatim(
    String(Math.trunc(bucketMs)),
  )})`;
}
