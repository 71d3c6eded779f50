import { z } from 'zod';
import { closestKey } from './closestKey';

/** Marks the issue of a key that no setting has; see {@link strictObject}. */
export const UNKNOWN_KEY = 'promotion.unknown-key';

/** What an unknown key's issue carries, so that its message can suggest the key meant. */
export interface UnknownKeyParams {
  reason: typeof UNKNOWN_KEY;
  /** The keys that are settings where the unknown one was found. */
  known: string[];
}

/**
 * A config object that refuses keys it does not know. A misspelt key
 * (`aproval`) must stop the backend: ignored, it would quietly switch a
 * safeguard off, e.g. leave prod without approvals.
 *
 * zod's own strict objects report every unknown key in one issue on the
 * object; here each is an issue at its own path, carrying the keys known
 * there, so the message can name `promotion.environments[2].aproval` and
 * suggest `approval`.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S) {
  const params: UnknownKeyParams = {
    reason: UNKNOWN_KEY,
    known: Object.keys(shape),
  };
  const schema = z.object(shape).catchall(
    z.unknown().superRefine((_, ctx) => {
      ctx.addIssue({ code: 'custom', message: 'unknown key', params });
    }),
  );
  // The catchall only ever fails, so the output has exactly the shape's keys.
  return schema as unknown as z.ZodObject<S, z.core.$strict>;
}

export function isUnknownKeyIssue(
  issue: z.core.$ZodIssue,
): issue is z.core.$ZodIssueCustom & { params: UnknownKeyParams } {
  return (
    issue.code === 'custom' &&
    (issue.params as Partial<UnknownKeyParams> | undefined)?.reason ===
      UNKNOWN_KEY
  );
}

/**
 * Names the key probably meant, or else the keys that are settings there:
 * whoever reads it should not need config.d.ts to fix a typo.
 */
export function unknownKeyMessage(
  issue: z.core.$ZodIssueCustom & { params: UnknownKeyParams },
): string {
  const key = String(issue.path[issue.path.length - 1]);
  const meant = closestKey(key, issue.params.known);
  return meant
    ? `unknown key; did you mean '${meant}'?`
    : `unknown key; the settings here are ${issue.params.known.join(', ')}`;
}
