import crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import { Knex } from 'knex';

/** What happened, as an audit record says it. */
export type AuditAction =
  | 'promotion.requested'
  | 'promotion.superseded'
  | 'promotion.gates-evaluated'
  | 'promotion.gates-rerun'
  | 'promotion.approval-given'
  | 'promotion.approved'
  | 'promotion.rejected'
  | 'promotion.bypassed'
  | 'promotion.executing'
  | 'promotion.awaiting-merge'
  | 'promotion.executed'
  | 'promotion.failed'
  | 'promotion.expired'
  | 'promotion.cancelled'
  | 'promotion.rolled-back'
  | 'promotion.registry-tagged'
  | 'promotion.registry-tags-refused'
  | 'promotion.sync-requested'
  | 'promotion.deployed'
  | 'promotion.deployment-unfollowed'
  | 'hold.set'
  | 'hold.released';

export interface AuditEntry {
  action: AuditAction;
  /** Entity ref of the user or service that acted. */
  actor: string;
  promotionId?: string;
  entityRef?: string;
  environment?: string;
  /** Anything else worth keeping: artifact, commit, reason, error. */
  details?: Record<string, unknown>;
}

export interface StoredAuditRecord extends AuditEntry {
  seq: number;
  createdAt: string;
  hash: string;
  prevHash: string;
}

/** Raised when another writer advanced the chain head first; the caller retries its transaction. */
export class AuditChainConflictError extends Error {
  constructor() {
    super('The audit chain head moved during the transaction');
    this.name = 'AuditChainConflictError';
  }
}

export const GENESIS_HASH = '0'.repeat(64);

export function hashRecord(prevHash: string, canonical: string): string {
  return crypto
    .createHash('sha256')
    .update(prevHash + canonical)
    .digest('hex');
}

/**
 * Appends one record in the caller's transaction. The head row is advanced by
 * compare-and-set on its sequence number, so two writers that read the same
 * head cannot both append after it: the loser's update matches no row and its
 * transaction is retried. The canonical text (RFC 8785) is stored and hashed
 * exactly as written; verification never rebuilds it from columns.
 */
export async function appendAuditRecord(
  trx: Knex.Transaction,
  entry: AuditEntry,
  now: Date,
): Promise<StoredAuditRecord> {
  const head = await trx('promotion_audit_head').where({ id: 1 }).first();
  const seq = Number(head.seq) + 1;
  const createdAt = now.toISOString();
  const canonical = canonicalize({
    seq,
    createdAt,
    action: entry.action,
    actor: entry.actor,
    promotionId: entry.promotionId ?? null,
    entityRef: entry.entityRef ?? null,
    environment: entry.environment ?? null,
    details: entry.details ?? {},
  })!;
  const hash = hashRecord(head.hash, canonical);
  const advanced = await trx('promotion_audit_head')
    .where({ id: 1, seq: head.seq })
    .update({ seq, hash });
  if (advanced !== 1) throw new AuditChainConflictError();
  await trx('promotion_audit_record').insert({
    seq,
    action: entry.action,
    actor: entry.actor,
    promotion_id: entry.promotionId ?? null,
    entity_ref: entry.entityRef ?? null,
    environment: entry.environment ?? null,
    canonical,
    prev_hash: head.hash,
    hash,
    created_at: createdAt,
  });
  return { ...entry, seq, createdAt, hash, prevHash: head.hash };
}
