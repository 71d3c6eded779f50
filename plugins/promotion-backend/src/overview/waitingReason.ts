import {
  OverviewWait,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { approvalProgress } from './approvalProgress';

/**
 * Why an active request has not landed yet, in the terms of its status: the
 * gate that holds it (a failed one before a waiting one, as a failure needs
 * someone to act), the approvals it still waits for, its pull request's
 * merge, or the write to git that is under way.
 */
export function waitingReason(promotion: Promotion): OverviewWait {
  switch (promotion.status) {
    case 'awaiting-approval':
      return { reason: 'approval', ...approvalProgress(promotion) };
    case 'awaiting-merge':
      return {
        reason: 'merge',
        ...(promotion.pullRequest
          ? {
              pullRequest: {
                url: promotion.pullRequest.url,
                number: promotion.pullRequest.number,
              },
            }
          : {}),
      };
    case 'approved':
    case 'executing':
      return { reason: 'executing' };
    default: {
      const runs = promotion.gateRuns ?? [];
      const blocking =
        runs.find(run => run.status === 'failed') ??
        runs.find(run => run.status === 'pending');
      if (!blocking) return { reason: 'gates' };
      return {
        reason: 'gate',
        gate: blocking.gate,
        status: blocking.status as 'failed' | 'pending',
        message: blocking.message,
        ...(blocking.retryAt ? { retryAt: blocking.retryAt } : {}),
      };
    }
  }
}
