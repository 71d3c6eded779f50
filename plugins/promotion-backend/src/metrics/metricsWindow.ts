import {
  DORA_DEFAULT_WINDOW_DAYS,
  DoraBucket,
  DoraBucketRange,
} from '@promotion-for-backstage/plugin-promotion-common';

const DAY_MS = 24 * 60 * 60 * 1000;
const BUCKET_MS: Record<DoraBucket, number> = {
  day: DAY_MS,
  week: 7 * DAY_MS,
};
/** Windows up to this long are cut into days by default, longer ones into weeks. */
const DAILY_UP_TO_DAYS = 31;

/** The span the metrics are computed over, and how its series is cut. */
export interface MetricsWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  bucket: DoraBucket;
  bucketMs: number;
  /** For a window of calendar days up to now: how many, today counted whole. */
  calendarDays?: number;
}

/** What a validated `GET /metrics/dora` query says of the window. */
export interface MetricsWindowQuery {
  /** Days up to `now`. */
  window?: number;
  from?: string;
  to?: string;
  bucket?: DoraBucket;
}

/** The window of a validated `GET /metrics/dora` query, as of `now`. */
export function resolveMetricsWindow(
  query: MetricsWindowQuery,
  now: Date,
): MetricsWindow {
  const to = query.to ? new Date(query.to) : now;
  const days = query.window ?? DORA_DEFAULT_WINDOW_DAYS;
  let from: Date;
  if (query.from) {
    from = new Date(query.from);
  } else if (query.to) {
    from = new Date(to.getTime() - days * DAY_MS);
  } else {
    // The last `days` calendar days (UTC), today included: each bucket is
    // a day as people name it, and the last one is today's so far.
    const today = Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
    );
    from = new Date(today - (days - 1) * DAY_MS);
  }
  const bucket =
    query.bucket ??
    (to.getTime() - from.getTime() <= DAILY_UP_TO_DAYS * DAY_MS
      ? 'day'
      : 'week');
  return {
    from,
    to,
    bucket,
    bucketMs: BUCKET_MS[bucket],
    ...(query.from || query.to ? {} : { calendarDays: days }),
  };
}

/** The window's length in days, fractions included. */
export function windowDays(window: MetricsWindow): number {
  // Today counts as a whole day: a rate per day early in the day would
  // otherwise divide by a fraction of one.
  if (window.calendarDays !== undefined) return window.calendarDays;
  return (window.to.getTime() - window.from.getTime()) / DAY_MS;
}

/**
 * The buckets of the series: from the window's start, one bucket length
 * each; the last ends with the window, so it may be shorter.
 */
export function bucketRanges(window: MetricsWindow): DoraBucketRange[] {
  const ranges: DoraBucketRange[] = [];
  const end = window.to.getTime();
  for (
    let start = window.from.getTime();
    start < end;
    start += window.bucketMs
  ) {
    ranges.push({
      start: new Date(start).toISOString(),
      end: new Date(Math.min(start + window.bucketMs, end)).toISOString(),
    });
  }
  return ranges;
}
