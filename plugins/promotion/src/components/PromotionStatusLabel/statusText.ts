import { PromotionStatus } from '@promotion-for-backstage/plugin-promotion-common';

/** Each status in the words a person reads on a card. */
export const PROMOTION_STATUS_TEXT: Record<PromotionStatus, string> = {
  gating: 'Checking gates',
  'awaiting-approval': 'Awaiting approval',
  approved: 'Approved',
  executing: 'Promoting',
  'awaiting-merge': 'Awaiting merge',
  succeeded: 'Succeeded',
  deployed: 'Deployed',
  rejected: 'Rejected',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  superseded: 'Superseded',
};
