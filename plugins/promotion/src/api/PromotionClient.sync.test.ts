import { ResponseError } from '@backstage/errors';
import { PromotionClient } from './PromotionClient';
import { SyncOutcome } from './PromotionApi';

const baseUrl = 'http://backstage.test/api/promotion';

const outcome: SyncOutcome = {
  entityRef: 'component:default/payments',
  environment: 'prod',
  application: 'payments-prod',
  promotionId: 'p-1',
  deployment: {
    source: 'argocd',
    resource: 'payments-prod',
    sync: 'out-of-sync',
    health: 'progressing',
    images: [],
    manualSync: true,
    operationRunning: true,
  },
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

describe('PromotionClient sync', () => {
  it('posts the reason to the environment and returns what Argo CD accepted', async () => {
    const { client, fetch } = setup(jsonResponse(outcome, 202));

    await expect(
      client.syncEnvironment('component:default/payments', 'prod', {
        reason: 'release 1.2.0 during the window',
      }),
    ).resolves.toEqual(outcome);

    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/entities/component/default/payments/environments/prod/sync`,
    );
    expect(sentBody(fetch)).toEqual({
      reason: 'release 1.2.0 during the window',
    });
  });

  it('encodes every part of the path', async () => {
    const { client, fetch } = setup(jsonResponse(outcome, 202));

    await client.syncEnvironment(
      { kind: 'component', namespace: 'my ns', name: 'a/b' },
      'pr/od',
    );

    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/entities/component/my%20ns/a%2Fb/environments/pr%2Fod/sync`,
    );
  });

  it.each([
    ['without a request', undefined],
    ['with a blank reason', { reason: '   ' }],
  ])(
    'sends an empty JSON object %s, which the strict schema accepts',
    async (_case, request) => {
      const { client, fetch } = setup(jsonResponse(outcome, 202));

      await client.syncEnvironment(
        'component:default/payments',
        'prod',
        request,
      );

      expect(sentBody(fetch)).toEqual({});
    },
  );

  it("throws Argo CD's refusal with the backend message", async () => {
    const { client } = setup(
      errorResponse(
        409,
        'ConflictError',
        "Not synced: Argo CD 'main' refused the token",
      ),
    );

    const error = await client
      .syncEnvironment('component:default/payments', 'prod')
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      "Not synced: Argo CD 'main' refused the token",
    );
  });
});
