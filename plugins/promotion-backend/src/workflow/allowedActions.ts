import {
  EnvironmentAction,
  Promotion,
  promotionTargetApprovePermission,
  promotionTargetBypassPermission,
  promotionTargetPromotePermission,
  promotionTargetRollbackPermission,
  promotionTargetSyncPermission,
  RequestAction,
} from '@promotion-for-backstage/plugin-promotion-common';
import { TargetDecision } from '../permissions';

/** The caller, and the policy's answers for them on the entity being shown. */
export interface Caller {
  ref: string;
  decide: TargetDecision;
}

/** What the caller may do with an environment of the pipeline. */
export function environmentActions(
  caller: Caller,
  environment: string,
  state: { isFirst: boolean; held: boolean; manualSync?: boolean },
): EnvironmentAction[] {
  const actions: EnvironmentAction[] = [];
  if (
    !state.isFirst &&
    caller.decide(promotionTargetPromotePermission, environment)
  )
    actions.push('promote');
  // Whether there is an earlier build to go back to is for the rollback's dry run to say.
  if (caller.decide(promotionTargetRollbackPermission, environment)) {
    actions.push('rollback');
    if (state.held) actions.push('release-hold');
  }
  if (
    state.manualSync &&
    caller.decide(promotionTargetSyncPermission, environment)
  )
    actions.push('sync');
  return actions;
}

/**
 * What the caller may do with a request: the same checks the endpoints make
 * (permission, state, self-approval, an earlier decision), so the UI can
 * show exactly the buttons that will work.
 */
export function requestActions(
  caller: Caller,
  promotion: Promotion,
  rule: { allowSelfApproval: boolean },
): RequestAction[] {
  const actions: RequestAction[] = [];
  const env = promotion.targetEnvironment;
  // Whoever may ask for such a request may cancel it or run its gates again.
  const mayPromote = caller.decide(
    promotion.kind === 'rollback'
      ? promotionTargetRollbackPermission
      : promotionTargetPromotePermission,
    env,
  );
  if (
    promotion.status === 'awaiting-approval' &&
    caller.decide(promotionTargetApprovePermission, env)
  ) {
    const decided = (promotion.approvals ?? []).some(
      a => a.approver === caller.ref,
    );
    const self = caller.ref === promotion.requestedBy;
    if (!decided && (!self || rule.allowSelfApproval)) actions.push('approve');
    if (!decided) actions.push('reject');
  }
  // A request waiting for its merge is cancelled by closing the pull request.
  if (
    ['gating', 'awaiting-approval', 'approved', 'awaiting-merge'].includes(
      promotion.status,
    ) &&
    (mayPromote || caller.ref === promotion.requestedBy)
  ) {
    actions.push('cancel');
  }
  if (
    ['gating', 'awaiting-approval'].includes(promotion.status) &&
    caller.decide(promotionTargetBypassPermission, env)
  ) {
    actions.push('bypass');
  }
  if (promotion.status === 'gating' && mayPromote) actions.push('rerun-gates');
  return actions;
}
