import { registerMswTestHooks } from '@backstage/backend-test-utils';
import type { GitLabIntegrationConfig } from '@backstage/integration';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GitlabPullRequestProvider } from './GitlabPullRequestProvider';
import { ConflictError } from '@backstage/errors';
import { PullRequestNotReadyError, ScmRetryLaterError } from './scmErrors';
import type { PullRequestRef } from './types';

const API = 'https://gitlab.com/api/v4';
const REPO = 'https://gitlab.com/platform/deploy/gitops.git';
// The project path is one segment of the API path, its slashes encoded.
const PROJECT_API = `${API}/projects/platform%2Fdeploy%2Fgitops`;
const HEAD = 'promotion/payments-prod-7f3c';

const server = setupServer();
registerMswTestHooks(server);

const config: GitLabIntegrationConfig = {
  host: 'gitlab.com',
  apiBaseUrl: API,
  baseUrl: 'https://gitlab.com',
  token: 'glpat-test',
};
const provider = new GitlabPullRequestProvider(config);

/** A merge request as GitLab v4 answers it (the fields a client reads). */
function mergeRequest(iid: number, overrides: Record<string, unknown> = {}) {
  return {
    id: 300_000 + iid,
    iid,
    project_id: 4711,
    title: 'Promote payments to prod',
    description: 'body',
    state: 'opened',
    created_at: '2026-03-02T10:00:00.000Z',
    updated_at: '2026-03-02T10:00:00.000Z',
    merged_by: null,
    merged_at: null,
    closed_at: null,
    target_branch: 'main',
    source_branch: HEAD,
    author: {
      id: 12,
      username: 'promotion-bot',
      name: 'Promotion Bot',
      state: 'active',
    },
    draft: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    merge_commit_sha: null,
    references: {
      short: `!${iid}`,
      relative: `!${iid}`,
      full: `platform/deploy/gitops!${iid}`,
    },
    web_url: `https://gitlab.com/platform/deploy/gitops/-/merge_requests/${iid}`,
    ...overrides,
  };
}

interface SeenRequest {
  method: string;
  /** The path as sent, encoding included. */
  rawPath: string;
  search: URLSearchParams;
  authorization: string | null;
  body: unknown;
}

function recorder() {
  const seen: SeenRequest[] = [];
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.clone().text();
    seen.push({
      method: request.method,
      rawPath: url.pathname,
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

const ref: PullRequestRef = {
  provider: 'gitlab',
  number: 12,
  url: 'https://gitlab.com/platform/deploy/gitops/-/merge_requests/12',
};

describe('GitlabPullRequestProvider', () => {
  describe('open', () => {
    it('creates the merge request in the subgroup project with the token', async () => {
      const { seen, record } = recorder();
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, async ({ request }) => {
          await record(request);
          return HttpResponse.json(
            mergeRequest(12, { detailed_merge_status: 'checking' }),
            { status: 201 },
          );
        }),
      );

      const created = await provider.open(openOptions);

      expect(created).toEqual(ref);
      expect(seen).toEqual([
        expect.objectContaining({
          method: 'POST',
          rawPath: '/api/v4/projects/platform%2Fdeploy%2Fgitops/merge_requests',
          authorization: 'Bearer glpat-test',
          body: {
            source_branch: HEAD,
            target_branch: 'main',
            title: 'Promote payments to prod',
            description:
              'Promotion of `component:default/payments` to **prod**.',
          },
        }),
      ]);
    });

    it('returns the open merge request when GitLab says one already exists for the source branch', async () => {
      const { seen, record } = recorder();
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, async ({ request }) => {
          await record(request);
          return HttpResponse.json(
            {
              message: [
                'Another open merge request already exists for this source branch: !9',
              ],
            },
            { status: 409 },
          );
        }),
        http.get(`${PROJECT_API}/merge_requests`, async ({ request }) => {
          await record(request);
          const query = new URL(request.url).searchParams;
          // Answer like GitLab: only merge requests matching the filters.
          const matches =
            query.get('source_branch') === HEAD &&
            query.get('state') === 'opened';
          return HttpResponse.json(
            matches ? [mergeRequest(9)] : [mergeRequest(1), mergeRequest(2)],
          );
        }),
      );

      const existing = await provider.open(openOptions);

      expect(existing).toEqual({
        provider: 'gitlab',
        number: 9,
        url: 'https://gitlab.com/platform/deploy/gitops/-/merge_requests/9',
      });
      expect(seen.map(r => `${r.method} ${r.rawPath}`)).toEqual([
        'POST /api/v4/projects/platform%2Fdeploy%2Fgitops/merge_requests',
        'GET /api/v4/projects/platform%2Fdeploy%2Fgitops/merge_requests',
      ]);
      expect(seen[1].search.get('target_branch')).toBe('main');
      expect(seen[1].authorization).toBe('Bearer glpat-test');
    });

    it('says which host and which config to fix when the token is rejected', async () => {
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, () =>
          HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 }),
        ),
      );

      const error = await provider.open(openOptions).catch(e => e);

      expect(error.message).toContain('gitlab.com rejected the credentials');
      expect(error.message).toContain('401 Unauthorized');
      expect(error.message).toContain('integrations.gitlab');
    });

    it('says when to retry when rate limited, once, without hammering GitLab', async () => {
      let calls = 0;
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, () => {
          calls += 1;
          return new HttpResponse('Retry later\n', {
            status: 429,
            headers: {
              'Content-Type': 'text/plain',
              'Retry-After': '45',
              'RateLimit-Limit': '2000',
              'RateLimit-Observed': '2001',
              'RateLimit-Remaining': '0',
              'RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 45),
            },
          });
        }),
      );

      const before = Date.now();
      const error = await provider.open(openOptions).catch(e => e);

      expect(calls).toBe(1);
      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.retryAt.getTime()).toBeGreaterThanOrEqual(before + 45_000);
      expect(error.retryAt.getTime()).toBeLessThanOrEqual(Date.now() + 45_000);
      expect(error.message).toContain(
        `retry after ${error.retryAt.toISOString()}`,
      );
    });

    it('reports a project that does not exist or cannot be seen', async () => {
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, () =>
          HttpResponse.json(
            { message: '404 Project Not Found' },
            { status: 404 },
          ),
        ),
      );

      await expect(provider.open(openOptions)).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining(
          'project platform/deploy/gitops was not found on gitlab.com',
        ),
      });
    });

    it('reports field errors in GitLab’s words', async () => {
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, () =>
          HttpResponse.json(
            { message: { target_branch: ['is invalid'] } },
            { status: 422 },
          ),
        ),
      );

      await expect(provider.open(openOptions)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('target_branch is invalid'),
      });
    });

    it('fails with a config hint when the integration has no token', async () => {
      const anonymous = new GitlabPullRequestProvider({
        ...config,
        token: undefined,
      });

      await expect(anonymous.open(openOptions)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('under integrations.gitlab'),
      });
    });

    it('names the API it could not reach', async () => {
      server.use(
        http.post(`${PROJECT_API}/merge_requests`, () => HttpResponse.error()),
      );

      await expect(provider.open(openOptions)).rejects.toThrow(
        'Could not reach GitLab at https://gitlab.com/api/v4',
      );
    });

    it('finds the project under a GitLab served from a relative path', async () => {
      const { seen, record } = recorder();
      server.use(
        http.post(
          'https://git.acme.internal/gitlab/api/v4/projects/:project/merge_requests',
          async ({ request }) => {
            await record(request);
            return HttpResponse.json(
              mergeRequest(3, {
                web_url:
                  'https://git.acme.internal/gitlab/ops/gitops/-/merge_requests/3',
              }),
              { status: 201 },
            );
          },
        ),
      );
      const selfManaged = new GitlabPullRequestProvider({
        host: 'git.acme.internal',
        baseUrl: 'https://git.acme.internal/gitlab',
        apiBaseUrl: 'https://git.acme.internal/gitlab/api/v4',
        token: 'self-managed',
      });

      const created = await selfManaged.open({
        ...openOptions,
        repositoryUrl: 'https://git.acme.internal/gitlab/ops/gitops.git',
      });

      expect(created.number).toBe(3);
      expect(seen[0].rawPath).toBe(
        '/gitlab/api/v4/projects/ops%2Fgitops/merge_requests',
      );
      expect(seen[0].authorization).toBe('Bearer self-managed');
    });
  });

  describe('getState', () => {
    it.each([
      ['open', 'opened'],
      ['open', 'locked'],
      ['merged', 'merged'],
      ['closed', 'closed'],
    ])(
      'reports %s for a merge request in state %s',
      async (expected, state) => {
        const { seen, record } = recorder();
        server.use(
          http.get(`${PROJECT_API}/merge_requests/12`, async ({ request }) => {
            await record(request);
            return HttpResponse.json(mergeRequest(12, { state }));
          }),
        );

        await expect(provider.getState(REPO, ref)).resolves.toBe(expected);
        expect(seen[0].authorization).toBe('Bearer glpat-test');
      },
    );

    it('reports a merge request that does not exist', async () => {
      server.use(
        http.get(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json({ message: '404 Not found' }, { status: 404 }),
        ),
      );

      await expect(provider.getState(REPO, ref)).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });
  });

  describe('merge', () => {
    it('accepts the merge request', async () => {
      const { seen, record } = recorder();
      server.use(
        http.put(
          `${PROJECT_API}/merge_requests/12/merge`,
          async ({ request }) => {
            await record(request);
            return HttpResponse.json(
              mergeRequest(12, {
                state: 'merged',
                merged_at: '2026-03-02T11:00:00.000Z',
              }),
            );
          },
        ),
      );

      await provider.merge(
        REPO,
        ref,
        'af5b13261899fb2c0db30abdd0af8b07cb44fdc5',
      );

      expect(
        seen.map(r => `${r.method} ${r.rawPath} ${r.authorization}`),
      ).toEqual([
        'PUT /api/v4/projects/platform%2Fdeploy%2Fgitops/merge_requests/12/merge Bearer glpat-test',
      ]);
      // Only the approved head may be merged.
      expect(seen[0].body).toEqual({
        sha: 'af5b13261899fb2c0db30abdd0af8b07cb44fdc5',
      });
    });

    const APPROVED = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

    it.each([
      [
        405,
        '405 Method Not Allowed',
        'ci_still_running',
        'the pipeline is still running',
      ],
      [
        405,
        '405 Method Not Allowed',
        'ci_must_pass',
        'the pipeline must succeed first',
      ],
      [405, '405 Method Not Allowed', 'not_approved', 'it needs approvals'],
      [
        405,
        '405 Method Not Allowed',
        'discussions_not_resolved',
        'open threads must be resolved',
      ],
      [405, '405 Method Not Allowed', 'draft_status', 'it is a draft'],
      [
        406,
        'Branch cannot be merged',
        'conflict',
        'the branch conflicts with the target',
      ],
      [
        422,
        'Branch cannot be merged',
        'need_rebase',
        'the branch must be rebased',
      ],
      [405, '405 Method Not Allowed', 'not_open', 'it is not open'],
    ])(
      'keeps waiting, not failing, on %i "%s" with %s',
      async (status, message, detailed, meaning) => {
        server.use(
          http.put(`${PROJECT_API}/merge_requests/12/merge`, () =>
            HttpResponse.json({ message }, { status }),
          ),
          http.get(`${PROJECT_API}/merge_requests/12`, () =>
            HttpResponse.json(
              mergeRequest(12, {
                merge_status: 'cannot_be_merged',
                detailed_merge_status: detailed,
                sha: APPROVED,
                ...(detailed === 'not_open' ? { state: 'closed' } : {}),
              }),
            ),
          ),
        );

        const error = await provider.merge(REPO, ref, APPROVED).catch(e => e);

        expect(error).toBeInstanceOf(PullRequestNotReadyError);
        expect(error).not.toBeInstanceOf(ConflictError);
        expect(error.message).toBe(
          `merge request !12 of platform/deploy/gitops is not ready to merge: ${message} (${detailed}: ${meaning})`,
        );
        expect(error.state).toBe(detailed);
      },
    );

    it('fails as a conflict when the source branch moved after approval (409)', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12/merge`, () =>
          HttpResponse.json(
            {
              message:
                'SHA does not match HEAD of source branch: f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
            },
            { status: 409 },
          ),
        ),
        http.get(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(
            mergeRequest(12, {
              sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
            }),
          ),
        ),
      );

      await expect(provider.merge(REPO, ref, APPROVED)).rejects.toMatchObject({
        name: 'ConflictError',
        message:
          'merge request !12 of platform/deploy/gitops cannot be merged: SHA does not match HEAD of source branch: f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
      });
    });

    it('fails as a conflict when a 405 comes with a head that is no longer the approved commit', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12/merge`, () =>
          HttpResponse.json(
            { message: '405 Method Not Allowed' },
            { status: 405 },
          ),
        ),
        http.get(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(
            mergeRequest(12, {
              detailed_merge_status: 'ci_still_running',
              sha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
            }),
          ),
        ),
      );

      await expect(provider.merge(REPO, ref, APPROVED)).rejects.toMatchObject({
        name: 'ConflictError',
        message: `merge request !12 of platform/deploy/gitops cannot be merged: its head is now f00dfeed, not the approved ${APPROVED.slice(
          0,
          8,
        )}`,
      });
    });

    it('succeeds when the merge request was already merged (a resumed promotion)', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12/merge`, () =>
          HttpResponse.json(
            { message: '405 Method Not Allowed' },
            { status: 405 },
          ),
        ),
        http.get(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(mergeRequest(12, { state: 'merged' })),
        ),
      );

      await expect(provider.merge(REPO, ref)).resolves.toBeUndefined();
    });

    it('asks to retry, not to give up, while GitLab is still checking mergeability', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12/merge`, () =>
          HttpResponse.json(
            { message: '405 Method Not Allowed' },
            { status: 405 },
          ),
        ),
        http.get(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(
            mergeRequest(12, {
              merge_status: 'checking',
              detailed_merge_status: 'checking',
            }),
          ),
        ),
      );

      const error = await provider.merge(REPO, ref).catch(e => e);

      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.retryAt.getTime()).toBeGreaterThan(Date.now());
    });

    it('explains a 401 as credentials or permission to merge', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12/merge`, () =>
          HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 }),
        ),
      );

      const error = await provider.merge(REPO, ref).catch(e => e);

      expect(error.name).not.toBe('ConflictError');
      expect(error.message).toContain('integrations.gitlab');
      expect(error.message).toContain('may do this');
    });

    it('refuses a GitHub reference', async () => {
      await expect(
        provider.merge(REPO, {
          provider: 'github',
          number: 1,
          url: 'https://github.com/a/b/pull/1',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });

  describe('close', () => {
    const closed = mergeRequest(12, {
      state: 'closed',
      closed_at: '2026-03-02T11:00:00.000Z',
    });

    it('closes the open merge request without merging it', async () => {
      const { seen, record } = recorder();
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, async ({ request }) => {
          await record(request);
          return HttpResponse.json(closed);
        }),
      );

      await expect(provider.close(REPO, ref)).resolves.toBeUndefined();

      expect(
        seen.map(r => `${r.method} ${r.rawPath} ${r.authorization}`),
      ).toEqual([
        'PUT /api/v4/projects/platform%2Fdeploy%2Fgitops/merge_requests/12 Bearer glpat-test',
      ]);
      expect(seen[0].body).toEqual({ state_event: 'close' });
    });

    it('succeeds when the merge request was closed already', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(closed),
        ),
      );

      await expect(provider.close(REPO, ref)).resolves.toBeUndefined();
    });

    it('fails as a conflict when the merge request was merged (GitLab answers it unchanged)', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(
            mergeRequest(12, {
              state: 'merged',
              merged_at: '2026-03-02T11:00:00.000Z',
              merge_commit_sha: 'e5bd3914e2e596debea16f433f57875b5b90bcd6',
            }),
          ),
        ),
      );

      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        'merge request !12 of platform/deploy/gitops cannot be closed: it was merged already, so its change has landed',
      );
    });

    it('fails as a conflict when GitLab refuses to close the merged merge request', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(
            { message: '405 Method Not Allowed' },
            { status: 405 },
          ),
        ),
        http.get(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(mergeRequest(12, { state: 'merged' })),
        ),
      );

      await expect(provider.close(REPO, ref)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('asks to retry while GitLab is merging it', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(mergeRequest(12, { state: 'locked' })),
        ),
      );

      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.retryAt.getTime()).toBeGreaterThan(Date.now());
    });

    it('fails when GitLab leaves the merge request open', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json(mergeRequest(12)),
        ),
      );

      await expect(provider.close(REPO, ref)).rejects.toThrow(
        'GitLab left merge request !12 of platform/deploy/gitops opened when asked to close it on gitlab.com',
      );
    });

    it('explains a 401 as credentials or permission', async () => {
      server.use(
        http.put(`${PROJECT_API}/merge_requests/12`, () =>
          HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 }),
        ),
      );

      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).not.toBeInstanceOf(ConflictError);
      expect(error.message).toContain('gitlab.com rejected the credentials');
      expect(error.message).toContain('integrations.gitlab');
    });

    it('says when to retry when rate limited', async () => {
      server.use(
        http.put(
          `${PROJECT_API}/merge_requests/12`,
          () =>
            new HttpResponse('Retry later\n', {
              status: 429,
              headers: {
                'Content-Type': 'text/plain',
                'Retry-After': '45',
                'RateLimit-Limit': '2000',
                'RateLimit-Remaining': '0',
                'RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 45),
              },
            }),
        ),
      );

      const before = Date.now();
      const error = await provider.close(REPO, ref).catch(e => e);

      expect(error).toBeInstanceOf(ScmRetryLaterError);
      expect(error.retryAt.getTime()).toBeGreaterThanOrEqual(before + 45_000);
    });

    it('refuses a GitHub reference', async () => {
      await expect(
        provider.close(REPO, {
          provider: 'github',
          number: 1,
          url: 'https://github.com/a/b/pull/1',
        }),
      ).rejects.toMatchObject({ name: 'InputError' });
    });
  });
});
