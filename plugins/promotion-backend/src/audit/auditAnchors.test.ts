import { formatValidationIssues } from '@promotion-for-backstage/plugin-promotion-common';
import { auditVerifyQuerySchema, MAX_AUDIT_ANCHORS } from './auditAnchors';

const HASH = 'ab'.repeat(32);

function problem(query: unknown): string | undefined {
  const result = auditVerifyQuerySchema.safeParse(query);
  return result.success ? undefined : formatValidationIssues(result.error);
}

describe('auditVerifyQuerySchema', () => {
  it('reads no anchor, one, or several, as Audit-Head trailers write them', () => {
    expect(auditVerifyQuerySchema.parse({})).toEqual({ anchor: [] });
    expect(auditVerifyQuerySchema.parse({ anchor: `42:${HASH}` })).toEqual({
      anchor: [{ seq: 42, hash: HASH }],
    });
    expect(
      auditVerifyQuerySchema.parse({
        anchor: [`0:${'0'.repeat(64)}`, `7:${HASH.toUpperCase()}`],
      }),
    ).toEqual({
      anchor: [
        { seq: 0, hash: '0'.repeat(64) },
        { seq: 7, hash: HASH },
      ],
    });
  });

  it.each([
    ['a bare hash', HASH],
    ['a hash one digit short', `42:${HASH.slice(1)}`],
    ['a negative seq', `-1:${HASH}`],
    ['a seq that is not a number', `x:${HASH}`],
    ['the trailer key included', `Audit-Head: 42:${HASH}`],
    ['surrounding space', ` 42:${HASH}`],
    ['an empty value', ''],
  ])('refuses %s, naming the anchor and the format', (_case, anchor) => {
    expect(problem({ anchor })).toBe(
      'anchor.0: must be <seq>:<sha256 hex>, as in an Audit-Head trailer',
    );
    expect(problem({ anchor: [`1:${HASH}`, anchor] })).toBe(
      'anchor.1: must be <seq>:<sha256 hex>, as in an Audit-Head trailer',
    );
  });

  it('refuses more anchors than one verification takes, and nested parameters', () => {
    const many = Array.from(
      { length: MAX_AUDIT_ANCHORS + 1 },
      (_, i) => `${i}:${HASH}`,
    );
    expect(problem({ anchor: many })).toBe(
      `anchor: at most ${MAX_AUDIT_ANCHORS} anchors per verification`,
    );
    expect(
      problem({ anchor: many.slice(0, MAX_AUDIT_ANCHORS) }),
    ).toBeUndefined();
    // What the query-string parser makes of `anchor[x]=…`.
    expect(problem({ anchor: { x: `1:${HASH}` } })).toBe(
      `anchor: must be <seq>:<sha256 hex>, given at most ${MAX_AUDIT_ANCHORS} times`,
    );
    expect(problem({ anchor: `1:${HASH}`, other: 'x' })).toBe(
      "unknown field(s) 'other'",
    );
  });
});
