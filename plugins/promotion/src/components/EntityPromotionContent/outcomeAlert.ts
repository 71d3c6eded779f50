import { AlertMessage } from '@backstage/core-plugin-api';
import {
  isTerminalStatus,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { blockingRuns } from '../GateRuns';

/**
 * What to tell the person once we stop following a promotion. Only success
 * and waiting are transient: a failure has to stay until it is read.
 */
export function outcomeAlert(promotion: Promotion): AlertMessage {
  const target = promotion.targetEnvironment;
  const status = promotion.status.replace(/-/g, ' ');
  if (promotion.status === 'deployed') {
    return {
      message: `Promoted to ${target}, running healthy`,
      severity: 'success',
      display: 'transient',
    };
  }
  if (promotion.status === 'succeeded') {
    return {
      message: `Promoted to ${target}`,
      severity: 'success',
      display: 'transient',
    };
  }
  if (promotion.status === 'failed') {
    return {
      message: `Promotion to ${target} failed: ${
        promotion.error ?? 'no reason given'
      }`,
      severity: 'error',
    };
  }
  if (isTerminalStatus(promotion.status)) {
    return {
      message: `Promotion to ${target} ended: ${status}`,
      severity: 'warning',
    };
  }
  const waitingOn = blockingRuns(promotion.gateRuns);
  if (promotion.status === 'gating' && waitingOn.length > 0) {
    return {
      message: `Promotion to ${target} waits for its gates: ${waitingOn
        .map(run => `${run.gate}: ${run.message}`)
        .join('; ')}`,
      severity: 'info',
      display: 'transient',
    };
  }
  return {
    message: `Promotion to ${target} is ${status}`,
    severity: 'info',
    display: 'transient',
  };
}
