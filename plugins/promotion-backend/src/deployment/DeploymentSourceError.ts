/**
 * A deployment source (Argo CD, a Kubernetes API) that could not be asked or
 * refused to answer. The message says what to fix in one sentence: the
 * pipeline shows it on the environment card, gates report it, and nothing
 * the request holds is changed by it.
 */
export class DeploymentSourceError extends Error {
  readonly name = 'DeploymentSourceError';

  constructor(
    message: string,
    /** The HTTP status the source answered with; absent when it could not be reached. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The sentence for an answer that is not a success: the credentials first,
 * because a refused token is the most common and the easiest to fix.
 */
export function describeRefusal(
  sourceName: string,
  what: string,
  status: number,
  body: string,
): string {
  const said = body.trim() ? `: ${summariseBody(body)}` : '';
  if (status === 401) {
    return `${sourceName} refused the token configured for it (401); renew it${said}`;
  }
  if (status === 403) {
    return `${sourceName} does not let the configured token read ${what} (403), or ${what} does not exist${said}`;
  }
  if (status === 404) {
    return `${sourceName} has no ${what} (404)${said}`;
  }
  return `${sourceName} answered ${status} for ${what}${said}`;
}

/** The `message` or `error` of a JSON error body, else its first line. */
function summariseBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const text = parsed.message ?? parsed.error;
    if (typeof text === 'string') return text;
  } catch {
    // Not JSON: fall through to the text itself.
  }
  return body.split('\n')[0].slice(0, 200);
}
