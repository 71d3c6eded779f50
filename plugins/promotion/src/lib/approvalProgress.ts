import {
  countedApprovals,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';

/**
 * How far a request is on its approval rule: the approvals that count (not,
 * say, the requester's own) out of those required. Undefined when the target
 * needs no approval.
 */
export function approvalProgress(
  request: Pick<Promotion, 'approvals' | 'approvalsRequired'>,
): { given: number; required: number } | undefined {
  const required = request.approvalsRequired ?? 0;
  if (required === 0) {
    return undefined;
  }
  return { given: countedApprovals(request), required };
}
