import { z } from 'zod';
import { parseEntityRef } from '@backstage/catalog-model';
import { PROMOTION_STATUSES } from './types';

/**
 * Environment names are slugs; they appear in paths, refs and branch names.
 *
 * @public
 */
export const environmentNameSchema = z
  .string()
  .regex(
    /^[a-z0-9-]+$/,
    'must be a slug of lowercase letters, digits and dashes',
  );

function isEntityRef(value: string): boolean {
  try {
    parseEntityRef(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A catalog entity reference with its kind: `kind:namespace/name`, or
 * `kind:name` in the default namespace. Checked here so that a malformed one
 * is refused as bad input rather than failing inside the catalog client.
 * @public
 */
export const entityRefSchema = z
  .string()
  .min(1, { error: 'is required', abort: true })
  .refine(
    isEntityRef,
    "must be an entity reference such as 'component:default/payments'",
  )
  .describe('e.g. component:default/payments');

/** An image digest as registries write it. @public */
export const digestSchema = z
  .string()
  .regex(
    /^sha256:[0-9a-f]{64}$/,
    'must be a sha256 digest (sha256: and 64 hex digits)',
  );

/** An image tag as OCI allows it. @public */
export const tagSchema = z
  .string()
  .regex(/^[\w][\w.-]{0,127}$/, 'must be a valid image tag');

/**
 * A change ticket reference (a CAB change, an ITSM record), e.g.
 * `CHG0012345` or `OPS-42`. It goes into a commit trailer and a URL, so it is
 * one token of a few safe characters.
 * @public
 */
export const changeTicketSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/#-]*$/,
    "must be a ticket reference such as 'CHG0012345' (letters, digits and . _ : / # -)",
  );

/** Body of `POST /promotions`. @public */
export const createPromotionRequestSchema = z
  .object({
    entityRef: entityRefSchema,
    targetEnvironment: environmentNameSchema,
    sourceEnvironment: environmentNameSchema.optional(),
    /** Promote this build rather than what runs in the source; required for CI. */
    digest: digestSchema.optional(),
    /** The build's tag: for CI requests that pin tags, or to name a tag-only build that ran in the source. */
    tag: tagSchema.optional(),
    reason: z.string().max(2000).optional(),
    /** The change ticket the promotion is made under; required where the target says so. */
    changeTicket: changeTicketSchema.optional(),
    /** Plan only: answer gate results, approvals and the diff, write nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();

/** @public */
export type CreatePromotionRequest = z.infer<
  typeof createPromotionRequestSchema
>;

/** Body of `POST /rollbacks`. @public */
export const createRollbackRequestSchema = z
  .object({
    entityRef: entityRefSchema,
    environment: environmentNameSchema,
    /** The build to go back to; by default the one that ran before the current one. */
    digest: digestSchema.optional(),
    /** For tag-only pins: the tag to go back to. */
    tag: tagSchema.optional(),
    /** Required for a rollback; a dry run may ask before anyone has said why. */
    reason: z
      .string()
      .trim()
      .min(
        10,
        'say why, in at least 10 characters: it goes into the audit log and the commit',
      )
      .max(2000)
      .optional(),
    /** The change ticket the rollback is made under; required where the environment says so. */
    changeTicket: changeTicketSchema.optional(),
    /** Plan only: answer the impact analysis, approvals and the diff, write nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (!request.dryRun && request.reason === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message:
          'say why, in at least 10 characters: it goes into the audit log and the commit',
      });
    }
  });

/** @public */
export type CreateRollbackRequest = z.infer<typeof createRollbackRequestSchema>;

/** Query of `GET /promotions`. @public */
export const listPromotionsQuerySchema = z
  .object({
    entityRef: entityRefSchema.optional(),
    environment: environmentNameSchema.optional(),
    status: z.enum(PROMOTION_STATUSES).optional(),
    /** Only requests the caller may approve now. */
    awaitingMyApproval: z
      .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
      .transform(value => value === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();

/** @public */
export type ListPromotionsQuery = z.infer<typeof listPromotionsQuerySchema>;

/**
 * Turns zod issues into one sentence a person can act on, naming each field,
 * e.g. `targetEnvironment: must be a slug …; reason: expected string`.
 * @public
 */
export function formatValidationIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return `unknown field(s) ${issue.keys.map(k => `'${k}'`).join(', ')}`;
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** How long a rejection's reason must be, once trimmed. @public */
export const REJECTION_REASON_MIN = 10;

/** Body of `POST /promotions/:id/approvals`. @public */
export const approvalDecisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(2000).optional(),
    /**
     * The digest the approver was shown (for a tag-only pin, the digest its
     * tag resolved to when requested, or the tag itself); a decision on
     * anything else is refused.
     */
    digest: z.string().min(1).max(200).optional(),
  })
  .strict()
  // A rejection ends the request for good: the requester must learn why.
  .refine(
    body =>
      body.decision !== 'reject' ||
      (body.comment?.trim().length ?? 0) >= REJECTION_REASON_MIN,
    {
      path: ['comment'],
      error: `a rejection needs a reason: say why in at least ${REJECTION_REASON_MIN} characters`,
    },
  );

/** @public */
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/** Body of `POST /promotions/:id/bypass`. @public */
export const bypassRequestSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(
        10,
        'say why, in at least 10 characters: it goes into the audit log and the commit',
      )
      .max(2000),
  })
  .strict();

/** @public */
export type BypassRequest = z.infer<typeof bypassRequestSchema>;

/** Body of `POST /entities/:kind/:namespace/:name/environments/:env/sync` (may be empty). @public */
export const syncRequestSchema = z
  .object({
    /** Why now, for the audit log. */
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();

/** @public */
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/** Query of `GET /audit` and `GET /audit/export`. @public */
export const auditQuerySchema = z
  .object({
    entityRef: entityRefSchema.optional(),
    environment: environmentNameSchema.optional(),
    promotionId: z.uuid().optional(),
    action: z
      .string()
      .regex(
        /^(promotion|hold)\.[a-z-]+$/,
        'must be an audit action such as promotion.approved or hold.set',
      )
      .optional(),
    actor: z.string().min(1).optional(),
    /** Cursor: the sequence number after which to continue. */
    after: z.coerce.number().int().min(0).optional(),
    /** Cursor, newest first: the sequence number before which to continue. */
    before: z.coerce.number().int().min(1).optional(),
    /** `asc` (default): oldest first, paged with `after`; `desc`: newest first, paged with `before`. */
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    format: z.enum(['jsonl', 'csv']).optional(),
  })
  .strict();

/** @public */
export type AuditQuery = z.infer<typeof auditQuerySchema>;
