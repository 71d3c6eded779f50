import { z } from 'zod';

/**
 * A point of the chain known from outside the database: the head as an
 * `Audit-Head` commit trailer or an auditor event recorded it. Verification
 * checks that the record at `seq` still exists and still has `hash`, which
 * catches a chain cut short and its head wound back to match.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

/**
 * Anchors one verification accepts: plenty to cross-check a few commits and
 * events (the latest anchor alone covers all of the chain before it), while
 * keeping the URL short.
 */
export const MAX_AUDIT_ANCHORS = 20;

const ANCHOR_FORMAT = /^(\d{1,15}):([0-9a-fA-F]{64})$/;

/** `<seq>:<hash>`, as `Audit-Head` trailers and auditor events carry it. */
export const auditAnchorSchema = z
  .string()
  .regex(
    ANCHOR_FORMAT,
    'must be <seq>:<sha256 hex>, as in an Audit-Head trailer',
  )
  .transform((value): AuditAnchor => {
    const [, seq, hash] = ANCHOR_FORMAT.exec(value)!;
    return { seq: Number(seq), hash: hash.toLowerCase() };
  });

/** The query of `GET /audit/verify`: `anchor` given any number of times, up to the limit. */
export const auditVerifyQuerySchema = z
  .object({
    anchor: z.preprocess(
      value => (typeof value === 'string' ? [value] : value ?? []),
      z
        .array(auditAnchorSchema, {
          error: `must be <seq>:<sha256 hex>, given at most ${MAX_AUDIT_ANCHORS} times`,
        })
        .max(
          MAX_AUDIT_ANCHORS,
          `at most ${MAX_AUDIT_ANCHORS} anchors per verification`,
        ),
    ),
  })
  .strict();
