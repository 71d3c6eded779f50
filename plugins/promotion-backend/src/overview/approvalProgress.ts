import {
  countedApprovals,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';

/** The approvals that count toward the request's rule so far, of those it needs. */
export function approvalProgress(
  promotion: Pick<Promotion, 'approvals' | 'approvalsRequired'>,
): { given: number; required: number } {
  return {
    given: countedApprovals(promotion),
    required: promotion.approvalsRequired ?? 0,
  };
}
