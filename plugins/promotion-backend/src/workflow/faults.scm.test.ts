import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Octokit } from '@octokit/core';
import {
  mockServices,
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import {
  GithubPullRequestProvider,
  GitlabPullRequestProvider,
  PullRequestProvider,
} from '../gitops/providers';
import {
  auditActions,
  commitsCarrying,
  createFaultWorkflow,
  faultManifests,
  requestProd,
} from '../__testUtils__/faultWorkflow';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import {
  createTestRepository,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow } from './PromotionWorkflow';

jest.setTimeout(60_000);

const GITHUB_API = 'https://api.github.test';
const GITLAB_API = 'https://gitlab.test/api/v4';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
/** The retry window for a host that asked to wait `ms` after the error it sent. */
const shiftedBy =
  (ms: number) =>
  ([from, to]: [Date, Date]): [Date, Date] =>
    [new Date(from.getTime() + ms), new Date(to.getTime() + ms)];
const msw = setupServer();
registerMswTestHooks(msw);

/** A pull (or merge) request as the fake host keeps it. */
interface FakePull {
  number: number;
  head: string;
  base: string;
  state: 'open' | 'merged';
}

/** What the fake host answers the next request to open a pull request with, instead of opening it. */
interface OpenFault {
  status: number;
  headers?: Record<string, string>;
  message: string;
  /** The request reached no server at all (DNS, a refused or dropped connection). */
  network?: boolean;
  /** The host opened it before the answer was lost (a gateway that timed out on a slow host). */
  openedAnyway?: boolean;
}

/**
 * The parts of GitHub's and GitLab's REST APIs that pull-request delivery
 * with `merge: auto` uses, over one list of pull requests; the git side is a
 * real remote behind a smart-HTTP server.
 */
function fakeHost(kind: 'github' | 'gitlab') {
  const pulls: FakePull[] = [];
  const faults: OpenFault[] = [];
  const open = (head: string, base: string) => {
    const pull: FakePull = {
      number: pulls.length + 1,
      head,
      base,
      state: 'open',
    };
    pulls.push(pull);
    return pull;
  };
  const openFor = (head: string) =>
    pulls.find(p => p.head === head && p.state === 'open');

  if (kind === 'github') {
    const repo = `${GITHUB_API}/repos/acme/gitops`;
    const json = (pull: FakePull) => ({
      number: pull.number,
      html_url: `https://github.test/acme/gitops/pull/${pull.number}`,
      state: pull.state === 'merged' ? 'closed' : 'open',
      merged: pull.state === 'merged',
      merged_at: pull.state === 'merged' ? '2030-01-07T10:00:00Z' : null,
      mergeable_state: 'clean',
      head: { ref: pull.head, sha: '0'.repeat(40) },
      base: { ref: pull.base },
    });
    const error = (
      status: number,
      message: string,
      headers?: Record<string, string>,
    ) =>
      HttpResponse.json(
        { message, documentation_url: 'https://docs.github.com/rest' },
        { status, headers },
      );
    msw.use(
      http.post(`${repo}/pulls`, async ({ request }) => {
        const body = (await request.json()) as { head: string; base: string };
        const fault = faults.shift();
        if (fault?.network) return HttpResponse.error();
        if (fault) {
          if (fault.openedAnyway) open(body.head, body.base);
          return error(fault.status, fault.message, fault.headers);
        }
        if (openFor(body.head)) {
          return HttpResponse.json(
            {
              message: 'Validation Failed',
              errors: [
                {
                  resource: 'PullRequest',
                  code: 'custom',
                  message: `A pull request already exists for acme:${body.head}.`,
                },
              ],
            },
            { status: 422 },
          );
        }
        return HttpResponse.json(json(open(body.head, body.base)), {
          status: 201,
        });
      }),
      http.get(`${repo}/pulls`, ({ request }) => {
        const head = new URL(request.url).searchParams
          .get('head')!
          .replace(/^acme:/, '');
        return HttpResponse.json(
          pulls.filter(p => p.head === head && p.state === 'open').map(json),
        );
      }),
      http.get(`${repo}/pulls/:number`, ({ params }) =>
        HttpResponse.json(json(pulls[Number(params.number) - 1])),
      ),
      http.put(`${repo}/pulls/:number/merge`, ({ params }) => {
        pulls[Number(params.number) - 1].state = 'merged';
        return HttpResponse.json({
          merged: true,
          sha: '1'.repeat(40),
          message: 'Pull Request successfully merged',
        });
      }),
    );
  } else {
    const project = `${GITLAB_API}/projects/:project`;
    const json = (pull: FakePull) => ({
      iid: pull.number,
      web_url: `https://gitlab.test/acme/gitops/-/merge_requests/${pull.number}`,
      state: pull.state === 'merged' ? 'merged' : 'opened',
      sha: '0'.repeat(40),
      detailed_merge_status: 'mergeable',
    });
    msw.use(
      http.post(`${project}/merge_requests`, async ({ request }) => {
        const body = (await request.json()) as {
          source_branch: string;
          target_branch: string;
        };
        const fault = faults.shift();
        if (fault?.network) return HttpResponse.error();
        if (fault) {
          if (fault.openedAnyway) open(body.source_branch, body.target_branch);
          return HttpResponse.json(
            { message: fault.message },
            { status: fault.status, headers: fault.headers },
          );
        }
        const existing = openFor(body.source_branch);
        if (existing) {
          return HttpResponse.json(
            {
              message: [
                `Another open merge request already exists for this source branch: !${existing.number}`,
              ],
            },
            { status: 409 },
          );
        }
        return HttpResponse.json(
          json(open(body.source_branch, body.target_branch)),
          { status: 201 },
        );
      }),
      http.get(`${project}/merge_requests`, ({ request }) => {
        const head = new URL(request.url).searchParams.get('source_branch');
        return HttpResponse.json(
          pulls.filter(p => p.head === head && p.state === 'open').map(json),
        );
      }),
      http.get(`${project}/merge_requests/:iid`, ({ params }) =>
        HttpResponse.json(json(pulls[Number(params.iid) - 1])),
      ),
      http.put(`${project}/merge_requests/:iid/merge`, ({ params }) => {
        const pull = pulls[Number(params.iid) - 1];
        pull.state = 'merged';
        return HttpResponse.json(json(pull));
      }),
    );
  }
  return { pulls, faults };
}

function providerFor(
  kind: 'github' | 'gitlab',
  gitHost: string,
): PullRequestProvider {
  return kind === 'github'
    ? new GithubPullRequestProvider({
        host: gitHost,
        createClient: async () =>
          new Octokit({ auth: 'ghp_test', baseUrl: GITHUB_API }),
      })
    : new GitlabPullRequestProvider({
        host: gitHost,
        baseUrl: `http://${gitHost}`,
        apiBaseUrl: GITLAB_API,
        token: 'glpat-test',
      });
}

const resetIn = (seconds: number) =>
  String(Math.floor(Date.now() / 1000) + seconds);

const cases: Array<{
  kind: 'github' | 'gitlab';
  name: string;
  fault: () => OpenFault;
  retryAt: (erredBetween: [Date, Date]) => [Date, Date];
}> = [
  {
    kind: 'github',
    name: 'a 502 from the API',
    fault: () => ({ status: 502, message: 'Server Error' }),
    retryAt: shiftedBy(60_000),
  },
  {
    kind: 'github',
    name: 'a 503 with Retry-After, after the host had opened it',
    fault: () => ({
      status: 503,
      message: 'Service Unavailable',
      headers: { 'retry-after': '30' },
      openedAnyway: true,
    }),
    retryAt: shiftedBy(30_000),
  },
  (() => {
    let reset = '';
    return {
      kind: 'github' as const,
      name: 'a spent rate limit (403, x-ratelimit-remaining: 0)',
      fault: () => {
        reset = resetIn(600);
        return {
          status: 403,
          message: 'API rate limit exceeded for installation ID 1.',
          headers: {
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': reset,
          },
        };
      },
      retryAt: () => [
        new Date(Number(reset) * 1000),
        new Date(Number(reset) * 1000),
      ],
    };
  })(),
  {
    kind: 'github',
    name: 'a secondary rate limit (429, Retry-After)',
    fault: () => ({
      status: 429,
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '120' },
    }),
    retryAt: shiftedBy(120_000),
  },
  ...(['github', 'gitlab'] as const).map(kind => ({
    kind,
    name: 'an API that cannot be reached',
    fault: (): OpenFault => ({ status: 0, message: '', network: true }),
    retryAt: shiftedBy(60_000),
  })),
  {
    kind: 'gitlab',
    name: 'a 503 from the API',
    fault: () => ({ status: 503, message: '503 Service Unavailable' }),
    retryAt: shiftedBy(60_000),
  },
  {
    kind: 'gitlab',
    name: 'a rate limit (429, Retry-After)',
    fault: () => ({
      status: 429,
      message: 'Retry later',
      headers: { 'retry-after': '90' },
    }),
    retryAt: shiftedBy(90_000),
  },
];

describe('faults: the SCM API failing and rate-limiting pull-request delivery', () => {
  let repo: TestRepository;
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;
  let scratch: string;
  let knex: Knex;
  let store: KnexPromotionStore;
  let now: Date;
  let workflow: PromotionWorkflow;
  let close: () => Promise<void>;

  beforeEach(async () => {
    repo = createTestRepository(faultManifests(['payments']));
    // Served as acme/gitops, the repository the SCM's API knows.
    const projectRoot = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-scm-root-'),
    );
    fs.mkdirSync(path.join(projectRoot, 'acme'));
    fs.symlinkSync(repo.url, path.join(projectRoot, 'acme', 'gitops.git'));
    server = await startGitHttpServer({ projectRoot });
    scratch = projectRoot;
    knex = await databases.init('SQLITE_3');
    store = await KnexPromotionStore.create({
      database: { getClient: async () => knex },
    });
    now = new Date();
  });

  afterEach(async () => {
    await close();
    await server.close();
    repo.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  function start(kind: 'github' | 'gitlab') {
    const gitHost = new URL(server.baseUrl).host;
    const provider = providerFor(kind, gitHost);
    const built = createFaultWorkflow({
      store,
      repoUrl: `${server.baseUrl}/acme/gitops.git`,
      cacheDir: path.join(scratch, 'mirror'),
      instanceId: 'replica-a',
      now: () => now,
      prod: { delivery: 'pull-request', merge: 'auto' },
      pullRequests: { forRepository: () => provider },
      logger: mockServices.logger.mock(),
    });
    workflow = built.workflow;
    close = () => built.gitops.close();
  }

  it.each(cases)(
    '$kind: waits out $name, then opens exactly one pull request and merges it',
    async ({ kind, fault, retryAt }) => {
      const host = fakeHost(kind);
      start(kind);
      const answer = fault();
      host.faults.push(answer);

      const erredFrom = new Date();
      const promotion = await requestProd(workflow);
      await workflow.settle();
      const erredTo = new Date();

      // Waiting, not failed: the request keeps its claim until the host said to come back.
      const waiting = await store.getPromotion(promotion.id);
      expect(waiting).toEqual(expect.objectContaining({ status: 'executing' }));
      expect(waiting?.error).toBeUndefined();
      expect(waiting?.pullRequest).toBeUndefined();
      expect(host.pulls).toHaveLength(answer.openedAnyway ? 1 : 0);
      const { items } = await new AuditLog(knex).list({
        promotionId: promotion.id,
        action: 'promotion.executing',
      });
      const until = new Date(items[items.length - 1].details.retryAt as string);
      const [earliest, latest] = retryAt([erredFrom, erredTo]);
      expect(until.getTime()).toBeGreaterThanOrEqual(earliest.getTime() - 1000);
      expect(until.getTime()).toBeLessThanOrEqual(latest.getTime() + 1000);

      now = new Date(until.getTime() - 1000);
      expect(await workflow.runDue()).toBe(0);
      expect(host.pulls).toHaveLength(answer.openedAnyway ? 1 : 0);

      now = new Date(until.getTime() + 1000);
      expect(await workflow.runDue()).toBe(1);
      await workflow.settle();

      const done = await store.getPromotion(promotion.id);
      expect(done).toEqual(expect.objectContaining({ status: 'succeeded' }));
      expect(host.pulls).toEqual([
        expect.objectContaining({ number: 1, state: 'merged', base: 'main' }),
      ]);
      expect(done?.pullRequest?.number).toBe(1);
      // The promotion branch holds the change once; the environment's branch is the host's to merge.
      expect(
        commitsCarrying(
          repo.git,
          promotion.id,
          `refs/heads/${host.pulls[0].head}`,
        ),
      ).toHaveLength(1);
      expect(await auditActions(knex, promotion.id)).toEqual([
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
        'promotion.executing',
        'promotion.executing',
        'promotion.awaiting-merge',
        'promotion.executed',
      ]);
      expect((await new AuditLog(knex).verify()).ok).toBe(true);
    },
  );
});
