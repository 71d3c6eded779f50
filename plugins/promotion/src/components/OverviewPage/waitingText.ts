import { OverviewRequest } from '@promotion-for-backstage/plugin-promotion-common';
import { formatAge, formatTime } from '../../lib';

/**
 * Why a request waits, in a few words for a table cell: "Blocked by gate
 * scanner", "Waiting on gate soak", "Awaiting approval 1 of 2", "Awaiting
 * merge". `detail` is the gate's own message, with when it may pass.
 */
export function waitingText(
  request: Pick<OverviewRequest, 'waiting'>,
  now?: number,
): { text: string; detail?: string } {
  const { waiting } = request;
  switch (waiting.reason) {
    case 'gate': {
      const retry = waiting.retryAt
        ? ` — may pass at ${formatTime(waiting.retryAt)} (${formatAge(
            waiting.retryAt,
            now,
          )})`
        : '';
      return {
        text:
          waiting.status === 'failed'
            ? `Blocked by gate ${waiting.gate}`
            : `Waiting on gate ${waiting.gate}`,
        detail: `${waiting.message}${retry}`,
      };
    }
    case 'approval':
      return {
        text: `Awaiting approval ${waiting.given} of ${waiting.required}`,
      };
    case 'merge':
      return {
        text: waiting.pullRequest
          ? `Awaiting merge of #${waiting.pullRequest.number}`
          : 'Awaiting merge',
      };
    case 'executing':
      return { text: 'Being written to git' };
    default:
      return { text: 'Checking gates' };
  }
}
