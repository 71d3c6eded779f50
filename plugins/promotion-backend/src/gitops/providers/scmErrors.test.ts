import {
  toScmError,
  ScmRetryLaterError,
  type ScmErrorAnswer,
} from './scmErrors';

const NOW = Date.parse('2026-03-02T10:00:00Z');

function answer(
  status: number,
  headers: Record<string, string> = {},
  message = 'message',
): ScmErrorAnswer {
  return {
    provider: 'github',
    host: 'github.com',
    subject: 'repository acme/gitops',
    status,
    message,
    header: name => headers[name],
  };
}

function retryAt(error: Error | undefined): string | undefined {
  expect(error).toBeInstanceOf(ScmRetryLaterError);
  return (error as ScmRetryLaterError).retryAt.toISOString();
}

describe('toScmError', () => {
  it('prefers retry-after in seconds', () => {
    expect(
      retryAt(
        toScmError(
          answer(429, {
            'retry-after': '30',
            'x-ratelimit-reset': '1900000000',
          }),
          NOW,
        ),
      ),
    ).toBe('2026-03-02T10:00:30.000Z');
  });

  it('reads retry-after as an HTTP date', () => {
    expect(
      retryAt(
        toScmError(
          answer(429, { 'retry-after': 'Mon, 02 Mar 2026 10:05:00 GMT' }),
          NOW,
        ),
      ),
    ).toBe('2026-03-02T10:05:00.000Z');
  });

  it('reads the reset time of a spent rate limit, in GitHub’s and GitLab’s header names', () => {
    const reset = String(NOW / 1000 + 600);
    expect(
      retryAt(
        toScmError(
          answer(403, {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': reset,
          }),
          NOW,
        ),
      ),
    ).toBe('2026-03-02T10:10:00.000Z');
    expect(
      retryAt(
        toScmError(
          answer(429, { 'ratelimit-remaining': '0', 'ratelimit-reset': reset }),
          NOW,
        ),
      ),
    ).toBe('2026-03-02T10:10:00.000Z');
  });

  it('waits a minute when the answer gives no time', () => {
    expect(retryAt(toScmError(answer(429), NOW))).toBe(
      '2026-03-02T10:01:00.000Z',
    );
    expect(
      retryAt(
        toScmError(
          answer(403, {}, 'You have exceeded a secondary rate limit'),
          NOW,
        ),
      ),
    ).toBe('2026-03-02T10:01:00.000Z');
  });

  it('leaves conflicts and validation errors to the provider', () => {
    expect(toScmError(answer(409), NOW)).toBeUndefined();
    expect(toScmError(answer(422), NOW)).toBeUndefined();
  });
});
