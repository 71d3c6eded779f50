import { ResponseError } from '@backstage/errors';
import { PromotionClient } from './PromotionClient';

const baseUrl = 'http://backstage.test/api/promotion';

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

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

describe('PromotionClient.getDoraMetrics', () => {
  it('asks for the metrics of everything without a query', async () => {
    const { client, fetch } = setup(json({ scope: { kind: 'all' } }));
    await expect(client.getDoraMetrics()).resolves.toEqual({
      scope: { kind: 'all' },
    });
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/metrics/dora`);
  });

  it('sends the query encoded, leaving out what is not set', async () => {
    const { client, fetch } = setup(json({}));
    await client.getDoraMetrics({
      group: 'group:default/team a',
      window: '30d',
      bucket: undefined,
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/metrics/dora?group=group%3Adefault%2Fteam+a&window=30d`,
    );
  });

  it("throws the backend's error", async () => {
    const { client } = setup(
      json(
        {
          error: { name: 'InputError', message: 'Invalid query: bucket' },
          request: { method: 'GET', url: '/metrics/dora' },
          response: { statusCode: 400 },
        },
        400,
      ),
    );
    const error = await client.getDoraMetrics({ bucket: 'day' }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('Invalid query: bucket');
  });
});
