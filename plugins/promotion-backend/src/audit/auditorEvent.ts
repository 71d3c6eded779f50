import {
  AuditorServiceCreateEventOptions,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { AuditAction } from './auditChain';
import type { AuditRecordView } from './AuditLog';

/**
 * How much each record matters to whoever watches the auditor's output:
 * `high` where a control was set aside or a change did not land, `medium`
 * where an environment, a decision or a hold changed, `low` for the steps
 * of a request's life in between. Keyed by every action, so a new action
 * cannot go out without a severity.
 */
const SEVERITY: Record<AuditAction, AuditorServiceEventSeverityLevel> = {
  'promotion.bypassed': 'high',
  'promotion.failed': 'high',
  'promotion.registry-tags-refused': 'high',
  'promotion.executed': 'medium',
  'promotion.awaiting-merge': 'medium',
  'promotion.rolled-back': 'medium',
  'promotion.approval-given': 'medium',
  'promotion.approved': 'medium',
  'promotion.rejected': 'medium',
  'promotion.registry-tagged': 'medium',
  'promotion.sync-requested': 'medium',
  'promotion.deployed': 'medium',
  'hold.set': 'medium',
  'hold.released': 'medium',
  'promotion.requested': 'low',
  'promotion.superseded': 'low',
  'promotion.gates-evaluated': 'low',
  'promotion.gates-rerun': 'low',
  'promotion.executing': 'low',
  'promotion.expired': 'low',
  'promotion.cancelled': 'low',
  'promotion.deployment-unfollowed': 'low',
};

/**
 * The auditor event for one audit record: `promotion.executed` becomes
 * `promotion-executed` (auditor event ids are kebab-case), and the meta holds
 * the record as the chain stores it, with its `seq` and `hash`, so that any
 * event can serve as an anchor (`<seq>:<hash>`) for `GET /audit/verify`. The
 * actor is in the meta because the auditor names the plugin itself as the
 * actor of events that no HTTP request carries.
 */
export function toAuditorEvent(
  record: AuditRecordView,
): AuditorServiceCreateEventOptions {
  return {
    eventId: record.action.replace(/\./g, '-'),
    severityLevel: SEVERITY[record.action] ?? 'low',
    meta: {
      seq: record.seq,
      hash: record.hash,
      action: record.action,
      actor: record.actor,
      promotionId: record.promotionId,
      entityRef: record.entityRef,
      environment: record.environment,
      createdAt: record.createdAt,
      // Parsed from the stored canonical JSON, so it is JSON through and through.
      details: record.details as JsonObject,
    },
  };
}
