import {
  GateRun,
  GateStatus,
} from '@promotion-for-backstage/plugin-promotion-common';
import { formatAge, formatTime } from '../../lib';

/** A gate verdict in words, also the accessible name of its icon. */
export const GATE_STATUS_TEXT: Record<GateStatus, string> = {
  passed: 'Passed',
  failed: 'Failed',
  pending: 'Pending',
  warning: 'Warning',
};

/**
 * "may pass at 10 May 2024, 14:00 (in 2 hours)" for a pending gate that says
 * when, e.g. a soak time or a deployment window; undefined otherwise.
 */
export function retryText(run: GateRun, now?: number): string | undefined {
  if (run.status !== 'pending' || !run.retryAt) {
    return undefined;
  }
  return `may pass at ${formatTime(run.retryAt)} (${formatAge(
    run.retryAt,
    now,
  )})`;
}

/** The gate's own message, with when it may pass if it is waiting. */
export function gateRunText(run: GateRun, now?: number): string {
  const retry = retryText(run, now);
  return retry ? `${run.message} — ${retry}` : run.message;
}

/** Runs that keep a request from moving on: failed ones and waiting ones. */
export function blockingRuns(runs: GateRun[] | undefined): GateRun[] {
  return (runs ?? []).filter(
    run => run.status === 'failed' || run.status === 'pending',
  );
}
