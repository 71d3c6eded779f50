import { ResponseError } from '@backstage/errors';
import {
  Promotion,
  PromotionPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionClient } from './PromotionClient';

const baseUrl = 'http://backstage.test/api/promotion';

const promotion: Promotion = {
  id: 'p-1',
  kind: 'promotion',
  status: 'approved',
  entityRef: 'component:default/payments',
  sourceEnvironment: 'dev',
  targetEnvironment: 'staging',
  artifact: {
    image: 'ghcr.io/acme/payments',
    digest: `sha256:${'a'.repeat(64)}`,
  },
  requestedBy: 'user:default/alice',
  requesterKind: 'user',
  expiresAt: '2030-01-01T00:00:00.000Z',
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T10:00:00.000Z',
};

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function setup(response: Response) {
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => response,
  );
  const getBaseUrl = jest.fn(async (_pluginId: string) => baseUrl);
  const client = new PromotionClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch },
  });
  return { client, fetch, getBaseUrl };
}

describe('PromotionClient', () => {
  it('asks discovery for the promotion backend', async () => {
    const { client, getBaseUrl } = setup(jsonResponse(promotion));
    await client.getPromotion('p-1');
    expect(getBaseUrl).toHaveBeenCalledWith('promotion');
  });

  it('fetches the pipeline with each part of the entity ref encoded', async () => {
    const pipeline = { entityRef: 'component:my ns/a/b', environments: [] };
    const { client, fetch } = setup(jsonResponse(pipeline));

    await expect(
      client.getPipeline({
        kind: 'component',
        namespace: 'my ns',
        name: 'a/b',
      }),
    ).resolves.toEqual(pipeline);
    expect(fetch).toHaveBeenCalledWith(
      `${baseUrl}/entities/component/my%20ns/a%2Fb/pipeline`,
      undefined,
    );
  });

  it('accepts a string entity ref and fills in the default namespace', async () => {
    const { client, fetch } = setup(jsonResponse({ environments: [] }));
    await client.getPipeline('component:payments');
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/entities/component/default/payments/pipeline`,
    );
  });

  it('posts a promotion request as JSON', async () => {
    const { client, fetch } = setup(jsonResponse(promotion, 201));
    const request = {
      entityRef: 'component:default/payments',
      sourceEnvironment: 'dev',
      targetEnvironment: 'staging',
      reason: 'release 1.4',
    };

    await expect(client.createPromotion(request)).resolves.toEqual(promotion);

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/promotions`);
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Content-Type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual(request);
  });

  it('never sends dryRun when creating, so the answer is a promotion', async () => {
    const { client, fetch } = setup(jsonResponse(promotion, 201));
    await client.createPromotion({
      entityRef: 'component:default/payments',
      targetEnvironment: 'staging',
      dryRun: true,
    } as Parameters<PromotionClient['createPromotion']>[0]);

    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({
      entityRef: 'component:default/payments',
      targetEnvironment: 'staging',
    });
  });

  it('plans a promotion by posting the request as a dry run', async () => {
    const plan: PromotionPlan = {
      entityRef: 'component:default/payments',
      sourceEnvironment: 'dev',
      targetEnvironment: 'staging',
      artifact: promotion.artifact,
      gateRuns: [],
      approvalsRequired: 1,
      allowSelfApproval: false,
      supersedes: [],
      delivery: 'pull-request',
      changes: [
        { repository: 'deploy', path: 'staging/values.yaml', diff: '@@ …' },
      ],
    };
    const { client, fetch } = setup(jsonResponse(plan));

    await expect(
      client.planPromotion({
        entityRef: 'component:default/payments',
        sourceEnvironment: 'dev',
        targetEnvironment: 'staging',
        digest: promotion.artifact.digest,
      }),
    ).resolves.toEqual(plan);

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/promotions`);
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Content-Type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual({
      entityRef: 'component:default/payments',
      sourceEnvironment: 'dev',
      targetEnvironment: 'staging',
      digest: promotion.artifact.digest,
      dryRun: true,
    });
  });

  it('throws the refusal of a plan, such as a rollback hint', async () => {
    const { client } = setup(
      jsonResponse(
        {
          error: {
            name: 'ConflictError',
            message: 'staging ran this build before; going back is a rollback',
          },
          request: { method: 'POST', url: '/promotions' },
          response: { statusCode: 409 },
        },
        409,
      ),
    );

    const error = await client
      .planPromotion({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'staging ran this build before; going back is a rollback',
    );
  });

  it('cancels a promotion with a bodiless POST to its encoded id', async () => {
    const cancelled = { ...promotion, status: 'cancelled' };
    const { client, fetch } = setup(jsonResponse(cancelled));

    await expect(client.cancelPromotion('p/1')).resolves.toEqual(cancelled);

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/promotions/p%2F1/cancel`);
    expect(init?.method).toBe('POST');
    expect(init?.body).toBeUndefined();
  });

  it('re-runs the gates of a promotion', async () => {
    const gating = { ...promotion, status: 'gating', gateRuns: [] };
    const { client, fetch } = setup(jsonResponse(gating));

    await expect(client.rerunGates('p/1')).resolves.toEqual(gating);

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/promotions/p%2F1/gates/rerun`);
    expect(init?.method).toBe('POST');
  });

  it('throws a ResponseError when a cancel comes too late', async () => {
    const { client } = setup(
      jsonResponse(
        {
          error: {
            name: 'ConflictError',
            message:
              'Promotion p-1 is executing and can no longer be cancelled',
          },
          request: { method: 'POST', url: '/promotions/p-1/cancel' },
          response: { statusCode: 409 },
        },
        409,
      ),
    );

    const error = await client.cancelPromotion('p-1').catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
  });

  it('reads one promotion by its encoded id', async () => {
    const { client, fetch } = setup(jsonResponse(promotion));
    await client.getPromotion('p/1');
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/promotions/p%2F1`);
  });

  it('lists promotions with only the filters that are set', async () => {
    const { client, fetch } = setup(jsonResponse({ items: [promotion] }));

    await expect(
      client.listPromotions({
        entityRef: 'component:default/payments',
        environment: 'staging',
        status: 'executing',
        limit: undefined,
      }),
    ).resolves.toEqual({ items: [promotion] });

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(`${url.origin}${url.pathname}`).toBe(`${baseUrl}/promotions`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      entityRef: 'component:default/payments',
      environment: 'staging',
      status: 'executing',
    });
  });

  it('lists only what waits for the caller with awaitingMyApproval', async () => {
    const waiting = {
      ...promotion,
      status: 'awaiting-approval',
      approvalsRequired: 2,
      approvals: [],
      allowedActions: ['approve', 'reject'],
    };
    const { client, fetch } = setup(jsonResponse({ items: [waiting] }));

    await expect(
      client.listPromotions({ awaitingMyApproval: true }),
    ).resolves.toEqual({ items: [waiting] });

    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/promotions?awaitingMyApproval=true`,
    );
  });

  it.each(['approve', 'reject'] as const)(
    'posts a %s decision with its comment to the encoded id',
    async decision => {
      const decided = { ...promotion, status: 'awaiting-approval' };
      const { client, fetch } = setup(jsonResponse(decided));

      await expect(
        client.decide('p/1', { decision, comment: 'looks good' }),
      ).resolves.toEqual(decided);

      const [url, init] = fetch.mock.calls[0];
      expect(url).toBe(`${baseUrl}/promotions/p%2F1/approvals`);
      expect(init?.method).toBe('POST');
      expect(new Headers(init?.headers).get('Content-Type')).toBe(
        'application/json',
      );
      expect(JSON.parse(String(init?.body))).toEqual({
        decision,
        comment: 'looks good',
      });
    },
  );

  it('posts a decision without a comment as just the decision', async () => {
    const { client, fetch } = setup(jsonResponse(promotion));
    await client.decide('p-1', { decision: 'approve' });
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({
      decision: 'approve',
    });
  });

  it('binds a decision to the digest the approver was shown, and throws the refusal when the request carries another', async () => {
    const { client, fetch } = setup(
      jsonResponse(
        {
          error: {
            name: 'ConflictError',
            message:
              'Promotion p-1 promotes another digest than the one decided on',
          },
          request: { method: 'POST', url: '/promotions/p-1/approvals' },
          response: { statusCode: 409 },
        },
        409,
      ),
    );
    const digest = `sha256:${'a'.repeat(64)}`;

    const error = await client
      .decide('p-1', { decision: 'approve', digest })
      .catch(e => e);

    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({
      decision: 'approve',
      digest,
    });
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
  });

  it('throws the refusal of a self-approval with the backend message', async () => {
    const { client } = setup(
      jsonResponse(
        {
          error: {
            name: 'NotAllowedError',
            message:
              'You requested this promotion, so your approval does not count; someone else must approve it',
          },
          request: { method: 'POST', url: '/promotions/p-1/approvals' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );

    const error = await client
      .decide('p-1', { decision: 'approve' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toMatch(/your approval does not count/);
  });

  it('posts an emergency bypass with its reason', async () => {
    const bypassed = {
      ...promotion,
      status: 'approved',
      bypass: { by: 'user:default/bob', reason: 'checkout is down, hotfix' },
    };
    const { client, fetch } = setup(jsonResponse(bypassed));

    await expect(
      client.bypass('p/1', 'checkout is down, hotfix'),
    ).resolves.toEqual(bypassed);

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/promotions/p%2F1/bypass`);
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Content-Type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual({
      reason: 'checkout is down, hotfix',
    });
  });

  it('lists all promotions without a query string', async () => {
    const { client, fetch } = setup(jsonResponse({ items: [] }));
    await client.listPromotions();
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/promotions`);
  });

  it('throws a ResponseError carrying the backend error', async () => {
    const { client } = setup(
      jsonResponse(
        {
          error: {
            name: 'ConflictError',
            message: 'staging already has an active promotion',
          },
          request: { method: 'POST', url: '/promotions' },
          response: { statusCode: 409 },
        },
        409,
      ),
    );

    const error = await client
      .createPromotion({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.name).toBe('ConflictError');
    expect(error.cause.message).toBe('staging already has an active promotion');
  });
});
