import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';

/** The approvals that count toward the request's rule so far, of those it needs. */
export function approvalProgress(
  promotion: Pick<Promotion, 'approvals' | 'approvalsRequired'>,
): { given: number; required: number } {
  return {
    given: (promotion.approvals ?? []).filter(
      approval => approval.decision === 'approve' && approval.counts,
    ).length,
    required: promotion.approvalsRequired ?? 0,
  };
}
