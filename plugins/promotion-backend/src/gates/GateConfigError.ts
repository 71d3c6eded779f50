/** One problem in a gate's config block, keyed relative to the block. */
export interface GateConfigIssue {
  /** e.g. `duration` or `registries[0].url`; empty for the block itself. */
  key: string;
  message: string;
}

/**
 * A gate config block that cannot be used.
 *
 * Factories only see their own block, so they name keys relative to it; the
 * runner knows where the block sits in app-config and re-words the error with
 * {@link GateConfigError.at} so the adopter reads the full key.
 */
export class GateConfigError extends Error {
  readonly issues: GateConfigIssue[];

  constructor(issues: GateConfigIssue[]) {
    super(
      issues
        .map(issue =>
          issue.key ? `${issue.key}: ${issue.message}` : issue.message,
        )
        .join('; '),
    );
    this.name = 'GateConfigError';
    this.issues = issues;
  }

  /** The same problems, named from `prefix`, e.g. `promotion.environments[prod].gates[1]`. */
  at(prefix: string): GateConfigError {
    return new GateConfigError(
      this.issues.map(issue => ({ ...issue, key: joinKey(prefix, issue.key) })),
    );
  }
}

function joinKey(prefix: string, key: string): string {
  if (!key) return prefix;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}
