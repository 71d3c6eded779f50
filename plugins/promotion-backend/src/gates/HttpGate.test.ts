import http from 'node:http';
import { AddressInfo } from 'node:net';
import { JsonObject } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { GateRunner } from './GateRunner';
import { httpGateFactory } from './HttpGate';
import {
  digestOf,
  gateConfig,
  gateContext,
  IMAGE,
} from './__testUtils__/gateContext';
import { unusedPort } from './__testUtils__/unusedPort';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP server on loopback. `/status/<code>` answers that code,
 * `/json?body=<json>` answers the JSON, `/slow` never answers.
 */
async function startServer() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
      });
      const url = new URL(req.url!, 'http://localhost');
      const status = /^\/status\/(\d+)/.exec(url.pathname);
      if (status) {
        res.writeHead(Number(status[1]), { 'content-type': 'text/plain' });
        res.end(url.searchParams.get('say') ?? '');
      } else if (url.pathname === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(url.searchParams.get('body'));
      } else if (url.pathname === '/slow') {
        // Never answers; the gate's timeout must end the wait.
      } else {
        res.writeHead(200).end('ok');
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const httpGate = (block: JsonObject) =>
  httpGateFactory.create({
    config: gateConfig({ type: 'http', ...block }),
    environment: 'prod',
  });

describe('HttpGate', () => {
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.received.length = 0;
  });

  it('fills the URL template with URL-encoded values and passes on 2xx', async () => {
    const gate = httpGate({
      url: `${server.url}/verify/{{ entity.metadata.name }}?image={{ artifact.image }}@{{ artifact.digest }}&tag={{artifact.tag}}&env={{ environment }}`,
    });
    const result = await gate.evaluate(
      gateContext({
        artifact: { image: IMAGE, tag: '1.2.3+build 5', digest: digestOf('a') },
      }),
    );
    expect(result).toMatchObject({
      status: 'passed',
      message: `${server.url}/verify/payments answered 200.`,
    });
    expect(server.received[0]).toMatchObject({
      method: 'GET',
      url: `/verify/payments?image=ghcr.io%2Facme%2Fpayments@sha256%3A${'a'.repeat(
        64,
      )}&tag=1.2.3%2Bbuild%205&env=prod`,
    });
  });

  it('fails on other statuses, quoting the start of the answer', async () => {
    const gate = httpGate({
      url: `${server.url}/status/403?say=CVE-2026-1234%20is%20critical`,
    });
    const result = await gate.evaluate(gateContext());
    expect(result.status).toBe('failed');
    expect(result.message).toBe(
      `${server.url}/status/403 answered 403: CVE-2026-1234 is critical.`,
    );
  });

  it('sends the promotion as JSON with POST, and the configured headers', async () => {
    const gate = httpGate({
      url: `${server.url}/change-ticket`,
      method: 'POST',
      headers: { Authorization: 'Bearer s3cret', 'X-Team': 'payments' },
    });
    const context = gateContext({
      promotionId: 'p-1',
      changeTicket: 'CHG0012345',
    });
    expect(await gate.evaluate(context)).toMatchObject({ status: 'passed' });
    const [request] = server.received;
    expect(request.method).toBe('POST');
    expect(request.headers).toMatchObject({
      authorization: 'Bearer s3cret',
      'x-team': 'payments',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request.body)).toEqual({
      entityRef: 'component:default/payments',
      artifact: context.artifact,
      source: context.source,
      target: context.target,
      promotionId: 'p-1',
      changeTicket: 'CHG0012345',
    });
  });

  it("asks a change-management service about the request's change ticket", async () => {
    const gate = httpGate({
      url: `${server.url}/changes/{{ changeTicket }}/approved?env={{ environment }}`,
    });
    const result = await gate.evaluate(
      gateContext({ changeTicket: 'OPS#42/a' }),
    );
    expect(result.status).toBe('passed');
    expect(server.received[0].url).toBe(
      '/changes/OPS%2342%2Fa/approved?env=prod',
    );
  });

  it('fails without asking when the request names no change ticket the URL needs', async () => {
    const gate = httpGate({
      url: `${server.url}/changes/{{ changeTicket }}/approved`,
    });
    const result = await gate.evaluate(gateContext());
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /'\{\{ changeTicket \}\}' has no value: the request names no change ticket/,
    );
    expect(server.received).toHaveLength(0);
  });

  describe('with expect', () => {
    const answering = (body: unknown, equals: JsonObject['x']) =>
      httpGate({
        url: `${server.url}/json?body=${encodeURIComponent(
          JSON.stringify(body),
        )}`,
        expect: { field: 'result.checks.0.verdict', equals },
      });

    it('passes when the field equals the value', async () => {
      const gate = answering(
        { result: { checks: [{ verdict: 'clean' }] } },
        'clean',
      );
      expect(await gate.evaluate(gateContext())).toMatchObject({
        status: 'passed',
      });
    });

    it('fails on another value, a missing field or a value of another type', async () => {
      const other = await answering(
        { result: { checks: [{ verdict: 'vulnerable' }] } },
        'clean',
      ).evaluate(gateContext());
      expect(other).toMatchObject({ status: 'failed' });
      expect(other.message).toBe(
        `${server.url}/json answered result.checks.0.verdict = "vulnerable", expected "clean".`,
      );

      const missing = await answering({ result: {} }, 'clean').evaluate(
        gateContext(),
      );
      expect(missing.message).toMatch(
        /answered result\.checks\.0\.verdict = missing, expected "clean"/,
      );

      const typed = await answering(
        { result: { checks: [{ verdict: 1 }] } },
        '1',
      ).evaluate(gateContext());
      expect(typed.status).toBe('failed');
    });

    it('fails when the answer is not JSON', async () => {
      const gate = httpGate({
        url: `${server.url}/status/200?say=fine`,
        expect: { field: 'ok', equals: true },
      });
      const result = await gate.evaluate(gateContext());
      expect(result.status).toBe('failed');
      expect(result.message).toMatch(
        /answered 200 but not with JSON, so 'ok' cannot be checked: fine\.$/,
      );
    });
  });

  it('waits and asks again when the service does not answer within the timeout', async () => {
    const gate = httpGate({
      url: `${server.url}/slow`,
      timeout: { milliseconds: 300 },
    });
    const started = Date.now();
    const result = await gate.evaluate(gateContext());
    expect(result).toEqual({
      status: 'pending',
      message: `${server.url}/slow did not answer within 300ms. Asking again at 2026-03-02T12:01:00.000Z.`,
      details: { url: `${server.url}/slow` },
      retryAt: new Date('2026-03-02T12:01:00Z'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("is given its own timeout by the runner, beyond the runner's limit", async () => {
    // The runner stops other gates after 100 ms; this one may take 400 ms,
    // so its own "did not answer" (pending, asked again) is the verdict,
    // not the runner's "timed out" failure.
    const [gate] = new GateRunner([httpGateFactory], {
      timeoutMs: 100,
    }).gatesFor({
      name: 'prod',
      gates: [
        gateConfig({
          type: 'http',
          url: `${server.url}/slow`,
          timeout: { milliseconds: 400 },
        }),
      ],
    });
    expect(gate.timeoutMs).toBe(1_400);
    const [run] = await new GateRunner([], { timeoutMs: 100 }).run(
      [gate],
      gateContext(),
    );
    expect(run).toMatchObject({
      status: 'pending',
      message: `${server.url}/slow did not answer within 400ms. Asking again at 2026-03-02T12:01:00.000Z.`,
    });
  });

  it('gives up when the runner aborts, without reporting a verdict of its own', async () => {
    const gate = httpGate({ url: `${server.url}/slow` });
    const controller = new AbortController();
    const evaluation = gate.evaluate(
      gateContext({ signal: controller.signal }),
    );
    setTimeout(
      () => controller.abort(new Error('Timed out after 100ms.')),
      100,
    );
    await expect(evaluation).rejects.toThrow('Timed out after 100ms.');
  });

  it('waits with the reason when the service cannot be reached, asking again after retryAfter', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    expect(
      await httpGate({ url: `${url}/verify` }).evaluate(gateContext()),
    ).toMatchObject({
      status: 'pending',
      message: `Could not reach ${url}/verify: ECONNREFUSED. Asking again at 2026-03-02T12:01:00.000Z.`,
      retryAt: new Date('2026-03-02T12:01:00Z'),
    });
    expect(
      await httpGate({ url: `${url}/verify`, retryAfter: '5m' }).evaluate(
        gateContext(),
      ),
    ).toMatchObject({
      status: 'pending',
      retryAt: new Date('2026-03-02T12:05:00Z'),
    });
  });

  it.each([500, 502, 503, 408, 429])(
    'waits and asks again on %i, which says nothing about the artifact',
    async status => {
      const gate = httpGate({
        url: `${server.url}/status/${status}?say=busy`,
        retryAfter: { seconds: 30 },
      });
      expect(await gate.evaluate(gateContext())).toEqual({
        status: 'pending',
        message: `${server.url}/status/${status} answered ${status}: busy. Asking again at 2026-03-02T12:00:30.000Z.`,
        details: { url: `${server.url}/status/${status}`, status },
        retryAt: new Date('2026-03-02T12:00:30Z'),
      });
    },
  );

  it('records a service that cannot answer as a warning in warn mode, never waiting for it', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const runner = new GateRunner([httpGateFactory]);
    const gates = runner.gatesFor({
      name: 'prod',
      gates: [
        new ConfigReader({ type: 'http', url: `${url}/verify`, mode: 'warn' }),
      ],
    });
    const [run] = await runner.run(gates, gateContext());
    expect(run.status).toBe('warning');
    expect(run.retryAt).toBeUndefined();
    expect(run.message).toMatch(/^Could not reach .*: ECONNREFUSED\./);
  });

  describe('with expect.status', () => {
    it('passes only on the listed statuses', async () => {
      const gate = (status: number) =>
        httpGate({
          url: `${server.url}/status/${status}`,
          expect: { status: [200, 204] },
        });
      expect(await gate(204).evaluate(gateContext())).toMatchObject({
        status: 'passed',
        message: `${server.url}/status/204 answered 204.`,
      });
      expect(await gate(201).evaluate(gateContext())).toMatchObject({
        status: 'failed',
        message: `${server.url}/status/201 answered 201, expected 200 or 204.`,
      });
    });

    it('takes one status, which may be outside 2xx', async () => {
      // e.g. a deny list that must not know the image.
      const gate = httpGate({
        url: `${server.url}/status/404?say=unknown`,
        expect: { status: 404 },
      });
      expect(await gate.evaluate(gateContext())).toMatchObject({
        status: 'passed',
      });
    });

    it('still waits on a 5xx that is not listed', async () => {
      const gate = httpGate({
        url: `${server.url}/status/503`,
        expect: { status: [200] },
      });
      expect(await gate.evaluate(gateContext())).toMatchObject({
        status: 'pending',
      });
    });

    it('checks the field as well when both are given', async () => {
      const gate = (body: unknown) =>
        httpGate({
          url: `${server.url}/json?body=${encodeURIComponent(
            JSON.stringify(body),
          )}`,
          expect: { status: [200], field: 'verdict', equals: 'clean' },
        });
      expect(
        await gate({ verdict: 'clean' }).evaluate(gateContext()),
      ).toMatchObject({ status: 'passed' });
      expect(
        await gate({ verdict: 'vulnerable' }).evaluate(gateContext()),
      ).toMatchObject({ status: 'failed' });
    });
  });

  it('does not call the service when a placeholder has no value', async () => {
    const gate = httpGate({
      url: `${server.url}/verify?digest={{ artifact.digest }}`,
    });
    const result = await gate.evaluate(
      gateContext({ artifact: { image: IMAGE, tag: '1.2.3' } }),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/'\{\{ artifact\.digest \}\}' has no value/);
    expect(server.received).toHaveLength(0);
  });

  it('leaves the query string out of messages, as it may carry a secret', async () => {
    const gate = httpGate({ url: `${server.url}/status/500?token=s3cret` });
    const result = await gate.evaluate(gateContext());
    expect(result.message).not.toContain('s3cret');
    expect(result.details).toEqual({
      url: `${server.url}/status/500`,
      status: 500,
    });
  });

  it('is named after its host', () => {
    expect(
      httpGate({
        url: 'https://scanner.internal/verify?image={{ artifact.image }}',
      }).name,
    ).toBe('http scanner.internal');
  });

  describe('config errors name the key', () => {
    it.each([
      [{}, /^url: /],
      [{ url: 'scanner.internal/verify' }, /^url: expected an http\(s\) URL/],
      [
        { url: 'https://s/{{ artifact.sha }}' },
        /^url: unknown placeholder '\{\{ artifact\.sha \}\}'/,
      ],
      [{ url: 'https://s/', method: 'PUT' }, 'method: expected GET or POST'],
      [
        { url: 'https://s/', timeout: 10 },
        'timeout: expected a duration like { minutes: 30 }',
      ],
      [
        { url: 'https://s/', timeout: { minutes: 11 } },
        'timeout: at most 10m, not 11m; a slower service should answer 503 until it knows, and is asked again after retryAfter',
      ],
      [
        { url: 'https://s/', expect: { field: 'ok' } },
        'expect.equals: expected the value the field must equal',
      ],
      [
        { url: 'https://s/', expect: { equals: true } },
        "expect.field: expected a dotted path like 'result.verdict'",
      ],
      [
        { url: 'https://s/', expect: {} },
        'expect: expected status, or field and equals, or both',
      ],
      [
        { url: 'https://s/', expect: { status: 'ok' } },
        'expect.status: expected a status code or a list of them, like [200, 204]',
      ],
      [
        { url: 'https://s/', expect: { status: [200, 99] } },
        'expect.status[1]: expected an HTTP status code like 200',
      ],
      [
        { url: 'https://s/', expect: { stauts: [200] } },
        "expect.stauts: unknown key; did you mean 'status'?",
      ],
      [
        { url: 'https://s/', retryAfter: { minutes: 0 } },
        'retryAfter: must be longer than zero',
      ],
      [
        { url: 'https://s/', retryAfter: 'soon' },
        /^retryAfter: expected a duration like/,
      ],
      [
        { url: 'https://s/', headers: { 'Bad Header': 'x' } },
        'headers.Bad Header: expected an HTTP header name',
      ],
    ])('%j', (block, message) => {
      expect(() => httpGate(block as JsonObject)).toThrow(message);
    });
  });
});
