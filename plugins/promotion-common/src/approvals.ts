import { Promotion } from './types';

/**
 * How many decisions on a request count toward its approval rule: approvals,
 * not rejections, and not those the rule does not count (the requester's
 * own). The tab, the approvals page and the overview all count this way.
 * @public
 */
export function countedApprovals(
  request: Pick<Promotion, 'approvals'>,
): number {
  return (request.approvals ?? []).filter(
    approval => approval.decision === 'approve' && approval.counts,
  ).length;
}
