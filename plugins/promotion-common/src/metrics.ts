import { z } from 'zod';
import { parseEntityRef } from '@backstage/catalog-model';
import { entityRefSchema } from './schemas';

/** The longest window `GET /metrics/dora` answers for, in days. @public */
export const DORA_MAX_WINDOW_DAYS = 366;

/** The window when the query names none, in days. @public */
export const DORA_DEFAULT_WINDOW_DAYS = 30;

/** How the window of DORA metrics is cut into the points of its series. @public */
export const DORA_BUCKETS = ['day', 'week'] as const;

/** @public */
export type DoraBucket = (typeof DORA_BUCKETS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

const isoTimeSchema = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z',
});

const groupRefSchema = entityRefSchema.refine(ref => {
  try {
    return (
      parseEntityRef(ref, { defaultKind: 'group' }).kind.toLowerCase() ===
      'group'
    );
  } catch {
    return false;
  }
}, "must be a group's entity reference, such as 'group:default/team-a'");

/**
 * Query of `GET /metrics/dora`: whose metrics (one entity, the entities a
 * group owns, or, with neither, every entity the caller may see) over which
 * window (`window=30d`, or `from` and optionally `to`; the last 30 days when
 * neither is given), cut into `bucket`s (by default days for windows of up to
 * 31 days, weeks beyond).
 *
 * @public
 */
export const doraMetricsQuerySchema = z
  .object({
    entityRef: entityRefSchema.optional(),
    group: groupRefSchema.optional(),
    window: z
      .string()
      .regex(/^[1-9][0-9]{0,2}d$/, "must be a number of days, such as '30d'")
      .transform(days => Number(days.slice(0, -1)))
      .refine(
        days => days <= DORA_MAX_WINDOW_DAYS,
        `must be at most ${DORA_MAX_WINDOW_DAYS}d`,
      )
      .optional(),
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
    bucket: z
      .enum(DORA_BUCKETS, { error: "must be 'day' or 'week'" })
      .optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.entityRef && query.group) {
      ctx.addIssue({
        code: 'custom',
        path: ['group'],
        message: 'give entityRef or group, not both',
      });
    }
    if (query.window !== undefined && (query.from || query.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: 'give window or from/to, not both',
      });
      return;
    }
    if (query.to && !query.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'is required with to',
      });
    }
    if (query.from) {
      const from = Date.parse(query.from);
      const to = query.to ? Date.parse(query.to) : Date.now();
      if (to <= from) {
        ctx.addIssue({
          code: 'custom',
          path: [query.to ? 'to' : 'from'],
          message: query.to ? 'must be after from' : 'must be in the past',
        });
      } else if (to - from > DORA_MAX_WINDOW_DAYS * DAY_MS) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `the window may span at most ${DORA_MAX_WINDOW_DAYS} days`,
        });
      }
    }
  });

/** @public */
export type DoraMetricsQuery = z.input<typeof doraMetricsQuerySchema>;

/** Whose metrics an answer holds. @public */
export type DoraMetricsScope =
  | { kind: 'entity'; entityRef: string }
  | { kind: 'group'; group: string; entityRefs: string[] }
  /** Every entity the caller may see that changed production since the window began. */
  | { kind: 'all'; entityCount: number };

/** One point of a series: the bucket starting at `start` (inclusive) and ending at `end` (exclusive). @public */
export interface DoraBucketRange {
  start: string;
  end: string;
}

/** A median and 90th percentile of durations, in milliseconds; null without any. @public */
export interface DoraDurations {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/**
 * The four DORA metrics of a scope over a window, each with a series (one
 * value per bucket, in the order of `buckets`). The README of the backend
 * plugin defines each exactly as it is computed.
 *
 * @public
 */
export interface DoraMetrics {
  scope: DoraMetricsScope;
  window: { from: string; to: string; bucket: DoraBucket; days: number };
  /** The environment whose changes count as production changes. */
  productionEnvironment: string;
  /** The environment a build's lead time starts in. */
  firstEnvironment: string;
  buckets: DoraBucketRange[];
  deploymentFrequency: {
    /** Successful promotions into production in the window. */
    total: number;
    perDay: number;
    series: number[];
  };
  leadTime: DoraDurations & {
    /** The median lead time of the builds that reached production in each bucket. */
    series: Array<number | null>;
  };
  changeFailureRate: {
    /** Production changes (promotions and rollbacks) that ended, landed or failed, in the window. */
    attempts: number;
    /** Of those: rollbacks that landed and changes that failed. */
    failures: number;
    /** failures / attempts; null without attempts. */
    rate: number | null;
    series: Array<{ attempts: number; failures: number; rate: number | null }>;
  };
  timeToRestore: DoraDurations & {
    /** Failures in the window that no later production change has restored yet. */
    open: number;
    /** The median time to restore of the failures that began in each bucket. */
    series: Array<number | null>;
  };
}
