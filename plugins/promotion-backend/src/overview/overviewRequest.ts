import {
  OverviewRequest,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { approvalProgress } from './approvalProgress';
import { waitingReason } from './waitingReason';

/** An active request (with its gate runs and approvals) as the overview shows it. */
export function overviewRequest(promotion: Promotion): OverviewRequest {
  return {
    id: promotion.id,
    kind: promotion.kind,
    status: promotion.status,
    sourceEnvironment: promotion.sourceEnvironment,
    artifact: promotion.artifact,
    requestedBy: promotion.requestedBy,
    requesterKind: promotion.requesterKind,
    createdAt: promotion.createdAt,
    approvals: approvalProgress(promotion),
    // Details can be large (a scanner's findings); the tab shows them.
    gateRuns: (promotion.gateRuns ?? []).map(
      ({ details: _details, ...run }) => run,
    ),
    waiting: waitingReason(promotion),
  };
}
