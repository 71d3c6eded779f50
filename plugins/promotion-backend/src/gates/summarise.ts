import { GateRun } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * When a pending gate gave no `retryAt`, it is looked at again this long
 * after the evaluation: a wait without a time must not become a request
 * that nothing ever wakes up.
 */
export const PENDING_RETRY_WITHOUT_TIME_MS = 60_000;

/** What a set of gate runs means for the promotion. */
export interface GateSummary {
  /** Failed runs: the promotion cannot go on until something changes. */
  blocking: GateRun[];
  /** Runs that may pass later (soak, window, a service that did not answer). */
  pending: GateRun[];
  /**
   * When to evaluate again, whenever a run is pending: the latest `retryAt`
   * of the pending runs, because every pending gate must pass and none can
   * before its own `retryAt`. A pending run without one counts as
   * {@link PENDING_RETRY_WITHOUT_TIME_MS} after `now`.
   */
  nextRetryAt?: string;
  /** No run failed and none waits; warnings do not count. */
  passed: boolean;
}

export function summarise(runs: GateRun[], now: Date): GateSummary {
  const blocking = runs.filter(run => run.status === 'failed');
  const pending = runs.filter(run => run.status === 'pending');
  const fallback = new Date(
    now.getTime() + PENDING_RETRY_WITHOUT_TIME_MS,
  ).toISOString();
  const retryTimes = pending
    .map(run => run.retryAt ?? fallback)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    blocking,
    pending,
    ...(retryTimes.length
      ? { nextRetryAt: retryTimes[retryTimes.length - 1] }
      : {}),
    passed: blocking.length === 0 && pending.length === 0,
  };
}
