import {
  CustomErrorBase,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/**
 * A pull request that cannot be merged yet but may become mergeable while
 * its head stays the approved commit: required checks are running or have
 * not passed, reviews are missing, or the branch has a conflict people can
 * resolve. Whoever merges keeps waiting. A `ConflictError` from `merge`, in
 * contrast, means the head is no longer the approved commit, which no amount
 * of waiting fixes.
 */
export class PullRequestNotReadyError extends CustomErrorBase {
  name = 'PullRequestNotReadyError' as const;
  /** The host's word for why, e.g. GitHub's `blocked` or GitLab's `ci_still_running`. */
  readonly state: string | undefined;

  constructor(message: string, state?: string) {
    super(message);
    this.state = state;
  }
}

/**
 * The SCM cannot do it now but will later: its rate limit is spent, or it is
 * still working out whether a merge request can be merged. Callers (the
 * scheduler) retry at `retryAt` instead of failing the promotion.
 *
 * It keeps the name `ServiceUnavailableError`, so when it reaches an HTTP
 * answer Backstage's error handler makes it a 503.
 */
export class ScmRetryLaterError extends ServiceUnavailableError {
  readonly retryAt: Date;

  constructor(message: string, retryAt: Date) {
    super(message);
    this.retryAt = retryAt;
  }
}

/** An error answer of GitHub's or GitLab's REST API. */
export interface ScmErrorAnswer {
  provider: 'github' | 'gitlab';
  host: string;
  /** What was asked for, for the message: `repository acme/gitops`, `pull request #7 of acme/gitops`. */
  subject: string;
  status: number;
  /** The SCM's own explanation from the answer's body. */
  message: string;
  header(name: string): string | undefined;
}

// Both GitHub and GitLab ask clients that got no hint to wait at least a minute.
const DEFAULT_RETRY_DELAY_MS = 60_000;

/** The time a `Retry-After` header names: seconds, or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterAt(answer: ScmErrorAnswer, now: number): Date | undefined {
  const retryAfter = answer.header('retry-after');
  if (retryAfter === undefined) {
    return undefined;
  }
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) {
    return new Date(now + seconds * 1000);
  }
  const date = Date.parse(retryAfter);
  return Number.isFinite(date) ? new Date(date) : undefined;
}

/**
 * When to try again after a 5xx: the host is down, overloaded or being
 * deployed, or a proxy in front of it timed out (Octokit also reports a
 * request that reached no server as a 500). It will answer again, so this
 * is a wait, not a failure; 501 (not implemented) stays an error.
 */
function serverErrorRetryAt(
  answer: ScmErrorAnswer,
  now: number,
): Date | undefined {
  if (answer.status < 500 || answer.status > 599 || answer.status === 501) {
    return undefined;
  }
  return retryAfterAt(answer, now) ?? new Date(now + DEFAULT_RETRY_DELAY_MS);
}

function rateLimitRetryAt(
  answer: ScmErrorAnswer,
  now: number,
): Date | undefined {
  const retryAfter = answer.header('retry-after');
  const remaining =
    answer.header('x-ratelimit-remaining') ??
    answer.header('ratelimit-remaining');
  const reset =
    answer.header('x-ratelimit-reset') ?? answer.header('ratelimit-reset');
  const limited =
    answer.status === 429 ||
    (answer.status === 403 &&
      (remaining === '0' ||
        retryAfter !== undefined ||
        /rate limit/i.test(answer.message)));
  if (!limited) {
    return undefined;
  }
  const asked = retryAfterAt(answer, now);
  if (asked) {
    return asked;
  }
  const resetSeconds = Number(reset);
  if (
    reset !== undefined &&
    Number.isFinite(resetSeconds) &&
    resetSeconds * 1000 > now
  ) {
    return new Date(resetSeconds * 1000);
  }
  return new Date(now + DEFAULT_RETRY_DELAY_MS);
}

/**
 * The error to throw for the answers that mean the same on both SCMs
 * (credentials, permission, rate limit, not found), with a message that
 * tells the operator what to change; `undefined` for the others, which the
 * provider interprets.
 */
export function toScmError(
  answer: ScmErrorAnswer,
  now: number = Date.now(),
): Error | undefined {
  const { provider, host, subject, status, message } = answer;
  const configKey = `integrations.${provider}`;
  const credentials = provider === 'github' ? 'token or GitHub App' : 'token';

  const retryAt = rateLimitRetryAt(answer, now);
  if (retryAt) {
    return new ScmRetryLaterError(
      `${host} rate limit reached while accessing ${subject}; retry after ${retryAt.toISOString()} (${status} ${message})`,
      retryAt,
    );
  }
  const backAt = serverErrorRetryAt(answer, now);
  if (backAt) {
    return new ScmRetryLaterError(
      `${host} could not answer for ${subject} (${status} ${message}); retry after ${backAt.toISOString()}`,
      backAt,
    );
  }
  switch (status) {
    case 401: {
      // GitLab also answers 401 when a valid token's user may not merge.
      const orPermission =
        provider === 'gitlab'
          ? ', and that its user may do this in the project'
          : '';
      return new Error(
        `${host} rejected the credentials while accessing ${subject} (401 ${message}); ` +
          `check the ${credentials} for host ${host} under ${configKey} in app-config${orPermission}`,
      );
    }
    case 403:
      return new NotAllowedError(
        `${host} refused access to ${subject} (403 ${message}); the ${credentials} for host ${host} under ` +
          `${configKey} in app-config needs write access to the repository's contents and pull requests`,
      );
    case 404:
      return new NotFoundError(
        `${subject} was not found on ${host}, or the ${credentials} for host ${host} under ${configKey} ` +
          `in app-config cannot see it (404 ${message})`,
      );
    default:
      return undefined;
  }
}
