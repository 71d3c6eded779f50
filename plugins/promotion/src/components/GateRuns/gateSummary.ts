import {
  GateRun,
  GateStatus,
} from '@promotion-for-backstage/plugin-promotion-common';

// Worst first: the first status present is the one a row is read by.
const ORDER: GateStatus[] = ['failed', 'pending', 'warning', 'passed'];

/**
 * Gate results in a few words for a table cell, worst first, e.g.
 * "1 failed, 2 passed" or "All 3 passed"; with the worst status, for an icon.
 */
export function gateSummary(runs: GateRun[] | undefined): {
  text: string;
  worst?: GateStatus;
} {
  const all = runs ?? [];
  if (all.length === 0) {
    return { text: 'No gates' };
  }
  const counts = ORDER.map(
    status =>
      [status, all.filter(run => run.status === status).length] as const,
  ).filter(([, count]) => count > 0);
  const [worst] = counts[0];
  if (counts.length === 1 && worst === 'passed') {
    return {
      text: all.length === 1 ? 'Passed' : `All ${all.length} passed`,
      worst,
    };
  }
  return {
    text: counts.map(([status, count]) => `${count} ${status}`).join(', '),
    worst,
  };
}
