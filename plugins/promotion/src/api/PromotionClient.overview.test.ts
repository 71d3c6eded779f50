import { PromotionClient } from './PromotionClient';

const baseUrl = 'http://backstage.test/api/promotion';

function setup(status = 200, body: unknown = { items: [] }) {
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const client = new PromotionClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

describe('PromotionClient.getOverview', () => {
  it('asks for the first page without a query', async () => {
    const { client, fetch } = setup();
    await expect(client.getOverview()).resolves.toEqual({ items: [] });
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/overview`);
  });

  it('repeats owner for each owner and encodes the words', async () => {
    const { client, fetch } = setup();
    await client.getOverview({
      owner: ['group:default/team-a', 'user:default/alice'],
      q: 'pay & go',
      limit: 50,
      offset: 100,
    });
    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.pathname).toBe('/api/promotion/overview');
    expect(url.searchParams.getAll('owner')).toEqual([
      'group:default/team-a',
      'user:default/alice',
    ]);
    expect(url.searchParams.get('q')).toBe('pay & go');
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.get('offset')).toBe('100');
  });

  it("throws the backend's error", async () => {
    const { client } = setup(400, {
      error: {
        name: 'InputError',
        message: 'Invalid overview query: limit: must be at least 1',
      },
      request: { method: 'GET', url: '/overview' },
      response: { statusCode: 400 },
    });
    await expect(client.getOverview({ limit: 0 })).rejects.toMatchObject({
      name: 'ResponseError',
      body: {
        error: { message: 'Invalid overview query: limit: must be at least 1' },
      },
    });
  });
});
