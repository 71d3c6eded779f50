import canonicalize from 'canonicalize';
import type { AuditRecordView } from './AuditLog';

/** The formats an audit export can be streamed in. */
export type AuditExportFormat = 'jsonl' | 'csv';

export const AUDIT_CSV_HEADER =
  'seq,created_at,action,actor,promotion_id,entity_ref,environment,details,prev_hash,hash';

/**
 * One JSON line: the record with its hashes, keys sorted (RFC 8785). Dropping
 * `prevHash` and `hash` and canonicalising the rest gives back the stored
 * canonical text, so an auditor can re-hash the export without the database.
 */
export function toJsonLine(record: AuditRecordView): string {
  return `${canonicalize(record)}\n`;
}

/** One CSV row (RFC 4180: CRLF line ends, quoted only where needed). */
export function toCsvLine(record: AuditRecordView): string {
  return `${[
    record.seq,
    record.createdAt,
    record.action,
    record.actor,
    record.promotionId,
    record.entityRef,
    record.environment,
    canonicalize(record.details),
    record.prevHash,
    record.hash,
  ]
    .map(csvField)
    .join(',')}\r\n`;
}

function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
