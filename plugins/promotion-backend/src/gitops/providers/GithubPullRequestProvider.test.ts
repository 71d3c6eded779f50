import { registerMswTestHooks } from '@backstage/backend-test-utils';
import type { GithubCredentialsProvider } from '@backstage/integration';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GithubPullRequestProvider } from './GithubPullRequestProvider';
import { ConflictError } from '@backstage/errors';
import { PullRequestNotReadyError, ScmRetryLaterError } from './scmErrors';
import type { PullRequestRef } from './types';

const API = 'https://api.github.com';
const REPO = 'https://github.com/acme/gitops.git';
const HEAD = 'promotion/payments-prod-7f3c';

const server = setupServer();
registerMswTestHooks(server);

const credentials: GithubCredentialsProvider = {
  getCredentials: async () => ({
    type: 'token',
    token: 'ghp_test',
    headers: { Authorization: 'Bearer ghp_test' },
  }),
};

const provider = GithubPullRequestProvider.fromIntegration({
  config: { host: 'github.com', apiBaseUrl: API, token: 'ghp_test' },
  credentialsProvider: credentials,
});

/** A pull request as `GET /repos/{owner}/{repo}/pulls/{n}` answers it (fields the provider and a reader care about). */
function pullRequest(number: number, overrides: Record<string, unknown> = {}) {
  return {
    url: `${API}/repos/acme/gitops/pulls/${number}`,
    id: 1_000_000 + number,
    node_id: 'PR_kwDOABCD1234',
    html_url: `https://github.com/acme/gitops/pull/${number}`,
    diff_url: `https://github.com/acme/gitops/pull/${number}.diff`,
    number,
    state: 'open',
    locked: false,
    title: 'Promote payments to prod',
    user: { login: 'promotion-bot[bot]', id: 99, type: 'Bot' },
    body: 'body',
    created_at: '2026-03-02T10:00:00Z',
    updated_at: '2026-03-02T10:00:00Z',
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    draft: false,
    head: {
      label: `acme:${HEAD}`,
      ref: HEAD,
      sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    },
    base: {
      label: 'acme:main',
      ref: 'main',
      sha: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
    },
    merged: false,
    mergeable: true,
    mergeable_state: 'clean',
    ...overrides,
  };
}

function githubError(
  status: number,
  message: string,
  init: { headers?: Record<string, string>; errors?: unknown[] } = {},
) {
  return HttpResponse.json(
    {
      message,
      ...(init.errors ? { errors: init.errors } : {}),
      documentation_url: 'https://docs.github.com/rest/pulls/pulls',
      status: String(status),
    },
    { status, headers: init.headers },
  );
}

interface SeenRequest {
  method: string;
  path: string;
  search: URLSearchParams;
  authorization: string | null;
  body: unknown;
}

/** Records what the provider sent, to check it after the call. */
function recorder() {
  const seen: SeenRequest[] = [];
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.clone().text();
    seen.push({
      method: request.method,
      path: url.pathname,
      search: url.searchParams,
      authorization: request.headers.get('authorization'),
      body: text ? JSON.parse(text) : undefined,
    });
  };
  return { seen, record };
}

const openOptions = {
  repositoryUrl: REPO,
  base: 'main',
  head: HEAD,
  title: 'Promote payments to prod',
  body: 'Promotion of `component:default/payments` to **prod**.',
};

describe('GithubPullRequestProvider', () => {
  describe('open', () => {
    it('creates the pull request with the token and returns its number and page', async () => {
      const { seen, record } = recorder();
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, async ({ request }) => {
          await record(request);
          return HttpResponse.json(pullRequest(42), { status: 201 });
        }),
      );

      const ref = await provider.open(openOptions);

      expect(ref).toEqual({
        provider: 'github',
        number: 42,
        url: 'https://github.com/acme/gitops/pull/42',
      });
      expect(seen).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/repos/acme/gitops/pulls',
          authorization: 'token ghp_test',
          body: {
            base: 'main',
            head: HEAD,
            title: 'Promote payments to prod',
            body: 'Promotion of `component:default/payments` to **prod**.',
          },
        }),
      ]);
    });

    it('returns the open pull request when GitHub says one already exists for the branch', async () => {
      const { seen, record } = recorder();
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, async ({ request }) => {
          await record(request);
          return githubError(422, 'Validation Failed', {
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for acme:${HEAD}.`,
              },
            ],
          });
        }),
        http.get(`${API}/repos/acme/gitops/pulls`, async ({ request }) => {
          await record(request);
          const url = new URL(request.url);
          // Answer like GitHub: only pull requests matching the filters.
          const matches =
            url.searchParams.get('head') === `acme:${HEAD}` &&
            url.searchParams.get('state') === 'open';
          return HttpResponse.json(
            matches
              ? [pullRequest(17)]
              : [pullRequest(3, { head: { ref: 'other' } })],
          );
        }),
      );

      const ref = await provider.open(openOptions);

      expect(ref).toEqual({
        provider: 'github',
        number: 17,
        url: 'https://github.com/acme/gitops/pull/17',
      });
      expect(seen.map(r => `${r.method} ${r.path}`)).toEqual([
        'POST /repos/acme/gitops/pulls',
        'GET /repos/acme/gitops/pulls',
      ]);
      expect(seen[1].search.get('base')).toBe('main');
      expect(seen[1].authorization).toBe('token ghp_test');
    });

    it('reports other validation failures with GitHub’s explanation', async () => {
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, () =>
          githubError(422, 'Validation Failed', {
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `No commits between main and ${HEAD}`,
              },
            ],
          }),
        ),
      );

      await expect(provider.open(openOptions)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(`No commits between main and ${HEAD}`),
      });
    });

    it('says which host and which config to fix when the credentials are rejected', async () => {
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, () =>
          githubError(401, 'Bad credentials'),
        ),
      );

      const error = await provider.open(openOptions).catch(e => e);

      expect(error.message).toContain('github.com rejected the credentials');
      expect(error.message).toContain('Bad credentials');
      expect(error.message).toContain('integrations.github');
    });

    it('says when to retry when the primary rate limit is spent', async () => {
      const reset = Math.floor(Date.now() / 1000) + 1800;
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, () =>
          githubError(403, 'API rate limit exceeded for user ID 1234.', {
            headers: {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-used': '5000',
              'x-ratelimit-reset': String(reset),
              'x-ratelimit-resource': 'core',
            },
          }),
        ),
      );

      const error = await provider.open(openOptions).catch(e => e);

      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.retryAt).toEqual(new Date(reset * 1000));
      expect(error.message).toContain(
        `retry after ${new Date(reset * 1000).toISOString()}`,
      );
    });

    it('honours retry-after of the secondary rate limit', async () => {
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, () =>
          githubError(
            403,
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            {
              headers: { 'retry-after': '120' },
            },
          ),
        ),
      );

      const before = Date.now();
      const error = await provider.open(openOptions).catch(e => e);

      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.retryAt.getTime()).toBeGreaterThanOrEqual(before + 120_000);
      expect(error.retryAt.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
    });

    it('treats a 403 without rate-limit signs as missing permission, not as a rate limit', async () => {
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, () =>
          githubError(403, 'Resource not accessible by integration', {
            headers: {
              'x-ratelimit-remaining': '4999',
              'x-ratelimit-reset': '1900000000',
            },
          }),
        ),
      );

      await expect(provider.open(openOptions)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'Resource not accessible by integration',
        ),
      });
    });

    it('reports a repository that does not exist or cannot be seen', async () => {
      server.use(
        http.post(`${API}/repos/acme/gitops/pulls`, () =>
          githubError(404, 'Not Found'),
        ),
      );

      await expect(provider.open(openOptions)).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining(
          'repository acme/gitops was not found on github.com',
        ),
      });
    });

    it('refuses a repository of another host instead of sending it to this one', async () => {
      await expect(
        provider.open({
          ...openOptions,
          repositoryUrl: 'https://gitlab.com/acme/gitops',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });

    it('fails with a config hint when the integration has no credentials', async () => {
      const anonymous = GithubPullRequestProvider.fromIntegration({
        config: { host: 'github.com', apiBaseUrl: API },
        credentialsProvider: {
          getCredentials: async () => ({ type: 'token' }),
        },
      });

      await expect(anonymous.open(openOptions)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('under integrations.github'),
      });
    });
  });

  describe('GitHub Enterprise', () => {
    it('calls the apiBaseUrl of the integration', async () => {
      const { seen, record } = recorder();
      server.use(
        http.post(
          'https://ghe.acme.internal/api/v3/repos/platform/gitops/pulls',
          async ({ request }) => {
            await record(request);
            return HttpResponse.json(
              pullRequest(5, {
                html_url: 'https://ghe.acme.internal/platform/gitops/pull/5',
              }),
              { status: 201 },
            );
          },
        ),
      );
      const enterprise = GithubPullRequestProvider.fromIntegration({
        config: {
          host: 'ghe.acme.internal',
          apiBaseUrl: 'https://ghe.acme.internal/api/v3',
        },
        credentialsProvider: {
          getCredentials: async () => ({ type: 'token', token: 'ghe_token' }),
        },
      });

      const ref = await enterprise.open({
        ...openOptions,
        repositoryUrl: 'https://ghe.acme.internal/platform/gitops',
      });

      expect(ref).toEqual({
        provider: 'github',
        number: 5,
        url: 'https://ghe.acme.internal/platform/gitops/pull/5',
      });
      expect(seen[0].authorization).toBe('token ghe_token');
    });

    it('falls back to /api/v3 of the host, never to api.github.com, without apiBaseUrl', async () => {
      server.use(
        http.get(
          'https://ghe.acme.internal/api/v3/repos/platform/gitops/pulls/5',
          () => HttpResponse.json(pullRequest(5)),
        ),
      );
      const enterprise = GithubPullRequestProvider.fromIntegration({
        config: { host: 'ghe.acme.internal' },
        credentialsProvider: {
          getCredentials: async () => ({ type: 'token', token: 'ghe_token' }),
        },
      });

      await expect(
        enterprise.getState('https://ghe.acme.internal/platform/gitops', {
          provider: 'github',
          number: 5,
          url: 'https://ghe.acme.internal/platform/gitops/pull/5',
        }),
      ).resolves.toBe('open');
    });
  });

  describe('getState', () => {
    const ref: PullRequestRef = {
      provider: 'github',
      number: 42,
      url: 'https://github.com/acme/gitops/pull/42',
    };

    it.each([
      ['open', pullRequest(42)],
      [
        'merged',
        pullRequest(42, {
          state: 'closed',
          merged: true,
          merged_at: '2026-03-02T11:00:00Z',
        }),
      ],
      [
        'closed',
        pullRequest(42, { state: 'closed', closed_at: '2026-03-02T11:00:00Z' }),
      ],
    ])('reports %s', async (expected, payload) => {
      const { seen, record } = recorder();
      server.use(
        http.get(`${API}/repos/acme/gitops/pulls/42`, async ({ request }) => {
          await record(request);
          return HttpResponse.json(payload);
        }),
      );

      await expect(provider.getState(REPO, ref)).resolves.toBe(expected);
      expect(seen[0].authorization).toBe('token ghp_test');
    });

    it('refuses a GitLab reference', async () => {
      await expect(
        provider.getState(REPO, {
          provider: 'gitlab',
          number: 1,
          url: 'https://gitlab.com/a/b/-/merge_requests/1',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });

  describe('merge', () => {
    const ref: PullRequestRef = {
      provider: 'github',
      number: 42,
      url: 'https://github.com/acme/gitops/pull/42',
    };

    it('merges the pull request', async () => {
      const { seen, record } = recorder();
      server.use(
        http.put(
          `${API}/repos/acme/gitops/pulls/42/merge`,
          async ({ request }) => {
            await record(request);
            return HttpResponse.json({
              sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
              merged: true,
              message: 'Pull Request successfully merged',
            });
          },
        ),
      );

      await provider.merge(
        REPO,
        ref,
        '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      );

      expect(seen.map(r => `${r.method} ${r.path} ${r.authorization}`)).toEqual(
        ['PUT /repos/acme/gitops/pulls/42/merge token ghp_test'],
      );
      // Only the approved head may be merged.
      expect(seen[0].body).toEqual({
        sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      });
    });

    const APPROVED = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

    it.each([
      [
        'required checks are still running',
        'Pull Request is not mergeable',
        { mergeable: true, mergeable_state: 'blocked' },
        'blocked: required checks or reviews have not passed yet',
      ],
      [
        'a required check has not reported',
        'Required status check "build" is expected.',
        { mergeable: true, mergeable_state: 'blocked' },
        'blocked: required checks or reviews have not passed yet',
      ],
      [
        'an approving review is required',
        'At least 1 approving review is required by reviewers with write access.',
        { mergeable: true, mergeable_state: 'blocked' },
        'blocked: required checks or reviews have not passed yet',
      ],
      [
        'the branch conflicts with the base',
        'Pull Request is not mergeable',
        { mergeable: false, mergeable_state: 'dirty' },
        'dirty: the branch conflicts with main',
      ],
      [
        'GitHub is still computing mergeability',
        'Base branch was modified. Review and try the merge again.',
        { mergeable: null, mergeable_state: 'unknown' },
        'unknown: GitHub is still working out whether it can be merged',
      ],
    ])(
      'keeps waiting, not failing, when %s (405)',
      async (_, message, state, meaning) => {
        server.use(
          http.put(`${API}/repos/acme/gitops/pulls/42/merge`, () =>
            githubError(405, message),
          ),
          http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
            HttpResponse.json(pullRequest(42, state)),
          ),
        );

        const error = await provider.merge(REPO, ref, APPROVED).catch(e => e);

        expect(error).toBeInstanceOf(PullRequestNotReadyError);
        expect(error).not.toBeInstanceOf(ConflictError);
        expect(error.message).toBe(
          `pull request #42 of acme/gitops is not ready to merge: ${message} (${meaning})`,
        );
        expect(error.state).toBe(state.mergeable_state);
      },
    );

    it('fails as a conflict when the head moved after approval (409)', async () => {
      server.use(
        http.put(`${API}/repos/acme/gitops/pulls/42/merge`, () =>
          githubError(
            409,
            'Head branch was modified. Review and try the merge again.',
          ),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(
            pullRequest(42, {
              head: {
                ref: HEAD,
                sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
              },
            }),
          ),
        ),
      );

      await expect(provider.merge(REPO, ref, APPROVED)).rejects.toMatchObject({
        name: 'ConflictError',
        message:
          'pull request #42 of acme/gitops cannot be merged: Head branch was modified. Review and try the merge again.',
      });
    });

    it('fails as a conflict when a 405 comes with a head that is no longer the approved commit', async () => {
      server.use(
        http.put(`${API}/repos/acme/gitops/pulls/42/merge`, () =>
          githubError(405, 'Pull Request is not mergeable'),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(
            pullRequest(42, {
              mergeable_state: 'blocked',
              head: {
                ref: HEAD,
                sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
              },
            }),
          ),
        ),
      );

      await expect(provider.merge(REPO, ref, APPROVED)).rejects.toMatchObject({
        name: 'ConflictError',
        message: `pull request #42 of acme/gitops cannot be merged: its head is now f00dfeed, not the approved ${APPROVED.slice(
          0,
          8,
        )}`,
      });
    });

    it('says what to change when the repository does not allow merge commits', async () => {
      server.use(
        http.put(`${API}/repos/acme/gitops/pulls/42/merge`, () =>
          githubError(405, 'Merge commits are not allowed on this repository.'),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(pullRequest(42)),
        ),
      );

      await expect(provider.merge(REPO, ref, APPROVED)).rejects.toMatchObject({
        name: 'InputError',
        message:
          'pull request #42 of acme/gitops cannot be merged: Merge commits are not allowed on this repository.; ' +
          'promotions merge with a merge commit: allow merge commits in the settings of acme/gitops, or use merge: manual',
      });
    });

    it('succeeds when the pull request was already merged (a resumed promotion)', async () => {
      server.use(
        http.put(`${API}/repos/acme/gitops/pulls/42/merge`, () =>
          githubError(405, 'Pull Request is not mergeable'),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(
            pullRequest(42, {
              state: 'closed',
              merged: true,
              merged_at: '2026-03-02T11:00:00Z',
            }),
          ),
        ),
      );

      await expect(provider.merge(REPO, ref)).resolves.toBeUndefined();
    });

    it('passes on a rejected token as a credentials error, not a conflict', async () => {
      server.use(
        http.put(`${API}/repos/acme/gitops/pulls/42/merge`, () =>
          githubError(401, 'Bad credentials'),
        ),
      );

      const error = await provider.merge(REPO, ref).catch(e => e);

      expect(error.name).not.toBe('ConflictError');
      expect(error.message).toContain('integrations.github');
    });
  });

  describe('close', () => {
    const ref: PullRequestRef = {
      provider: 'github',
      number: 42,
      url: 'https://github.com/acme/gitops/pull/42',
    };
    const closed = pullRequest(42, {
      state: 'closed',
      closed_at: '2026-03-02T11:00:00Z',
    });
    const merged = pullRequest(42, {
      state: 'closed',
      closed_at: '2026-03-02T11:00:00Z',
      merged: true,
      merged_at: '2026-03-02T11:00:00Z',
      merge_commit_sha: 'e5bd3914e2e596debea16f433f57875b5b90bcd6',
    });

    it('closes the open pull request without merging it', async () => {
      const { seen, record } = recorder();
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, async ({ request }) => {
          await record(request);
          return HttpResponse.json(closed);
        }),
      );

      await expect(provider.close(REPO, ref)).resolves.toBeUndefined();

      expect(seen).toEqual([
        expect.objectContaining({
          method: 'PATCH',
          path: '/repos/acme/gitops/pulls/42',
          authorization: 'token ghp_test',
          body: { state: 'closed' },
        }),
      ]);
    });

    it('succeeds when the pull request was closed already', async () => {
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(closed),
        ),
      );

      await expect(provider.close(REPO, ref)).resolves.toBeUndefined();
    });

    it('fails as a conflict when the pull request was merged', async () => {
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(merged),
        ),
      );

      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        'pull request #42 of acme/gitops cannot be closed: it was merged already, so its change has landed',
      );
    });

    it('fails as a conflict when GitHub refuses to edit the merged pull request', async () => {
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          githubError(422, 'Validation Failed', {
            errors: [
              {
                resource: 'PullRequest',
                field: 'state',
                code: 'invalid',
                message:
                  'state cannot be changed. The pull request has been merged.',
              },
            ],
          }),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(merged),
        ),
      );

      await expect(provider.close(REPO, ref)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('succeeds when GitHub refuses the edit of a pull request that is closed already', async () => {
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          githubError(422, 'Validation Failed'),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(closed),
        ),
      );

      await expect(provider.close(REPO, ref)).resolves.toBeUndefined();
    });

    it('reports a validation failure of an open pull request in GitHub’s words', async () => {
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          githubError(422, 'Validation Failed', {
            errors: [
              {
                resource: 'PullRequest',
                field: 'state',
                code: 'invalid',
                message: 'state is locked',
              },
            ],
          }),
        ),
        http.get(`${API}/repos/acme/gitops/pulls/42`, () =>
          HttpResponse.json(pullRequest(42)),
        ),
      );

      await expect(provider.close(REPO, ref)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('Validation Failed: state is locked'),
      });
    });

    it('passes on a rejected token as a credentials error', async () => {
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          githubError(401, 'Bad credentials'),
        ),
      );

      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).not.toBeInstanceOf(ConflictError);
      expect(error.message).toContain('github.com rejected the credentials');
      expect(error.message).toContain('integrations.github');
    });

    it('says when to retry when the rate limit is spent', async () => {
      const reset = Math.floor(Date.now() / 1000) + 1800;
      server.use(
        http.patch(`${API}/repos/acme/gitops/pulls/42`, () =>
          githubError(403, 'API rate limit exceeded for user ID 1234.', {
            headers: {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(reset),
              'x-ratelimit-resource': 'core',
            },
          }),
        ),
      );

      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.retryAt).toEqual(new Date(reset * 1000));
    });

    it('refuses a GitLab reference', async () => {
      await expect(
        provider.close(REPO, {
          provider: 'gitlab',
          number: 1,
          url: 'https://gitlab.com/a/b/-/merge_requests/1',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });
});
