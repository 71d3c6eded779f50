import { AuditRecord } from '@promotion-for-backstage/plugin-promotion-common';

/** What happened, in words, for the actions the backend records. */
const ACTION_WORDS: Record<string, string> = {
  'promotion.requested': 'Requested',
  'promotion.superseded': 'Superseded by a newer request',
  'promotion.gates-evaluated': 'Gates evaluated',
  'promotion.gates-rerun': 'Gates re-run',
  'promotion.approval-given': 'Approval given',
  'promotion.approved': 'Approvals complete',
  'promotion.rejected': 'Rejected',
  'promotion.bypassed': 'Emergency bypass',
  'promotion.executing': 'Executing',
  'promotion.awaiting-merge': 'Pull request opened',
  'promotion.executed': 'Change landed in git',
  'promotion.failed': 'Failed',
  'promotion.expired': 'Expired',
  'promotion.cancelled': 'Cancelled',
  'promotion.rolled-back': 'Rolled back',
  'promotion.registry-tagged': 'Registry tags written',
  'promotion.registry-tags-refused': 'Registry tags refused',
  'promotion.sync-requested': 'Sync requested',
  'promotion.deployed': 'Runs healthy',
  'promotion.deployment-unfollowed': 'Deployment no longer followed',
  'hold.set': 'Automatic promotion held',
  'hold.released': 'Hold released',
};

/** The action in words; an action this frontend does not know yet is shown as recorded. */
export function actionText(record: Pick<AuditRecord, 'action' | 'details'>) {
  const { action, details } = record;
  if (action === 'promotion.requested') {
    return details.kind === 'rollback'
      ? 'Rollback requested'
      : 'Promotion requested';
  }
  if (
    action === 'promotion.gates-evaluated' &&
    typeof details.passed === 'boolean'
  ) {
    return details.passed ? 'Gates passed' : 'Gates not passed yet';
  }
  return ACTION_WORDS[action] ?? action;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The build a record names, as `tag` or the short digest. */
function buildText(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { tag, digest } = value as { tag?: unknown; digest?: unknown };
  if (typeof tag === 'string') return tag;
  if (typeof digest === 'string')
    return digest.replace(/^sha256:/, '').slice(0, 12);
  return undefined;
}

/**
 * The facts of a record worth a line in the timeline, as label and value:
 * the build, the change ticket, the commit or pull request, and what people
 * wrote (reason, comment) or went wrong (error).
 */
export function recordFacts(
  details: AuditRecord['details'],
): Array<{ label: string; value: string }> {
  const facts: Array<{ label: string; value: string }> = [];
  const add = (label: string, value: string | undefined) => {
    if (value) facts.push({ label, value });
  };
  add('Build', buildText(details.artifact));
  add('From', text(details.source));
  add('Change ticket', text(details.changeTicket));
  add('Commit', text(details.commitSha)?.slice(0, 7));
  add('Pull request', text(details.pullRequestUrl));
  add('Reason', text(details.reason));
  add('Comment', text(details.comment));
  add('Error', text(details.error));
  return facts;
}
