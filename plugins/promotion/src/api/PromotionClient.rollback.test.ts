import { ResponseError } from '@backstage/errors';
import {
  EnvironmentHistory,
  RollbackPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionClient } from './PromotionClient';
import { RollbackResult } from './PromotionApi';

const baseUrl = 'http://backstage.test/api/promotion';
const IMAGE = 'ghcr.io/acme/payments';
const DIGEST_CURRENT = `sha256:${'b'.repeat(64)}`;
const DIGEST_PREVIOUS = `sha256:${'a'.repeat(64)}`;
const REASON = 'errors since 1.1.0 went out';

const previous = {
  artifact: { image: IMAGE, tag: '1.0.0', digest: DIGEST_PREVIOUS },
  commit: {
    sha: 'a'.repeat(40),
    author: 'user:default/alice',
    date: '2024-05-01T10:00:00.000Z',
  },
};
const current = {
  artifact: { image: IMAGE, tag: '1.1.0', digest: DIGEST_CURRENT },
  commit: {
    sha: 'b'.repeat(40),
    author: 'user:default/bob',
    date: '2024-05-02T10:00:00.000Z',
  },
};

const rollbackPlan: RollbackPlan = {
  entityRef: 'component:default/payments',
  environment: 'staging',
  artifact: previous.artifact,
  impact: {
    current: current.artifact,
    target: previous,
    backedOut: [current],
    commitsBetween: 1,
    downstream: [],
    recommendation: 'safe',
    reasons: ['Goes back one build, to 1.0.0'],
  },
  gateRuns: [],
  approvalsRequired: 1,
  allowSelfApproval: false,
  supersedes: [],
  delivery: 'commit',
  changes: [{ repository: 'deploy', path: 'staging/values.yaml', diff: '@@' }],
};

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function errorResponse(status: number, name: string, message: string) {
  return jsonResponse(
    {
      error: { name, message },
      request: { method: 'POST', url: '/' },
      response: { statusCode: status },
    },
    status,
  );
}

function setup(response: Response) {
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => response,
  );
  const client = new PromotionClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

function sentBody(fetch: ReturnType<typeof setup>['fetch']) {
  const init = fetch.mock.calls[0][1];
  expect(init?.method).toBe('POST');
  expect(new Headers(init?.headers).get('Content-Type')).toBe(
    'application/json',
  );
  return JSON.parse(String(init?.body));
}

describe('PromotionClient rollbacks', () => {
  it('reads the history of an environment with every part of the path encoded', async () => {
    const history: EnvironmentHistory = {
      entityRef: 'component:my ns/a/b',
      environment: 'staging',
      versions: [current, previous],
    };
    const { client, fetch } = setup(jsonResponse(history));

    await expect(
      client.getHistory(
        { kind: 'component', namespace: 'my ns', name: 'a/b' },
        'stag/ing',
      ),
    ).resolves.toEqual(history);
    expect(fetch).toHaveBeenCalledWith(
      `${baseUrl}/entities/component/my%20ns/a%2Fb/environments/stag%2Fing/history`,
      undefined,
    );
  });

  it('reads the history for a string entity ref in the default namespace', async () => {
    const { client, fetch } = setup(jsonResponse({ versions: [] }));
    await client.getHistory('component:payments', 'staging');
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/entities/component/default/payments/environments/staging/history`,
    );
  });

  it('plans a rollback by posting it as a dry run with the chosen digest', async () => {
    const { client, fetch } = setup(jsonResponse(rollbackPlan));

    await expect(
      client.planRollback({
        entityRef: 'component:default/payments',
        environment: 'staging',
        digest: DIGEST_PREVIOUS,
        reason: REASON,
      }),
    ).resolves.toEqual(rollbackPlan);

    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/rollbacks`);
    expect(sentBody(fetch)).toEqual({
      entityRef: 'component:default/payments',
      environment: 'staging',
      digest: DIGEST_PREVIOUS,
      reason: REASON,
      dryRun: true,
    });
  });

  it('plans a rollback before a reason is typed, leaving out a reason too short to count', async () => {
    const { client, fetch } = setup(jsonResponse(rollbackPlan));

    await client.planRollback({
      entityRef: 'component:default/payments',
      environment: 'staging',
      tag: '1.0.0',
      reason: 'oops',
    });

    const body = sentBody(fetch);
    expect(body).toEqual(
      expect.objectContaining({ tag: '1.0.0', dryRun: true }),
    );
    // A dry run needs no reason; one the backend would refuse is not sent.
    expect(body).not.toHaveProperty('reason');
  });

  it('requests a rollback without dryRun and returns the request with its impact', async () => {
    const created: RollbackResult = {
      id: 'r-1',
      kind: 'rollback',
      status: 'awaiting-approval',
      entityRef: 'component:default/payments',
      sourceEnvironment: 'staging',
      targetEnvironment: 'staging',
      artifact: previous.artifact,
      reason: REASON,
      requestedBy: 'user:default/alice',
      requesterKind: 'user',
      expiresAt: '2030-01-01T00:00:00.000Z',
      createdAt: '2024-05-03T10:00:00.000Z',
      updatedAt: '2024-05-03T10:00:00.000Z',
      impact: rollbackPlan.impact,
    };
    const { client, fetch } = setup(jsonResponse(created, 201));

    await expect(
      client.requestRollback({
        entityRef: 'component:default/payments',
        environment: 'staging',
        digest: DIGEST_PREVIOUS,
        reason: REASON,
        dryRun: true,
      } as Parameters<PromotionClient['requestRollback']>[0]),
    ).resolves.toEqual(created);

    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/rollbacks`);
    expect(sentBody(fetch)).toEqual({
      entityRef: 'component:default/payments',
      environment: 'staging',
      digest: DIGEST_PREVIOUS,
      reason: REASON,
    });
  });

  it('throws the refusal of a rollback with the backend message', async () => {
    const { client } = setup(
      errorResponse(409, 'ConflictError', 'staging already runs 1.0.0'),
    );

    const error = await client
      .requestRollback({
        entityRef: 'component:default/payments',
        environment: 'staging',
        tag: '1.0.0',
        reason: REASON,
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe('staging already runs 1.0.0');
  });

  it('releases a hold with a bodiless POST to the environment', async () => {
    const { client, fetch } = setup(
      jsonResponse({
        entityRef: 'component:default/payments',
        environment: 'staging',
        released: true,
      }),
    );

    await expect(
      client.releaseHold('component:default/payments', 'staging'),
    ).resolves.toBeUndefined();

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      `${baseUrl}/entities/component/default/payments/environments/staging/hold/release`,
    );
    expect(init?.method).toBe('POST');
    expect(init?.body).toBeUndefined();
  });

  it('throws when there is no hold to release', async () => {
    const { client } = setup(
      errorResponse(
        409,
        'ConflictError',
        'staging of component:default/payments is not held',
      ),
    );

    const error = await client
      .releaseHold('component:default/payments', 'staging')
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toMatch(/is not held/);
  });
});
