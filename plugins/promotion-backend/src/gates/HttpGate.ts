import { isDeepStrictEqual } from 'node:util';
import { JsonValue } from '@backstage/types';
import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { z } from 'zod';
import { strictObject } from '../config/strictObject';
import { describeFetchError } from './describeFetchError';
import { formatDuration } from './formatDuration';
import { GateConfigError } from './GateConfigError';
import {
  durationSchema,
  gateBlockSchema,
  readDurationMs,
  readGateConfig,
} from './readGateConfig';
import { checkGateTemplate, renderGateTemplate } from './renderGateTemplate';

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * The longest `timeout` accepted: gates run before a request moves on, so
 * a service slower than this should answer "pending" and be asked again.
 */
export const MAX_HTTP_GATE_TIMEOUT_MS = 10 * 60_000;
/** The runner waits this much longer than the gate, so the gate's own timeout message wins. */
const RUNNER_GRACE_MS = 1_000;
/** How long to wait before asking again a service that did not answer. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

const statusCode = z
  .number({ error: 'expected an HTTP status code like 200' })
  .int({ error: 'expected an HTTP status code like 200' })
  .min(100, { error: 'expected an HTTP status code like 200' })
  .max(599, { error: 'expected an HTTP status code like 200' });

const httpGateSchema = gateBlockSchema({
  url: z.string().regex(/^https?:\/\/[^/?#\s{}]+/i, {
    error:
      "expected an http(s) URL like 'https://scanner.internal/verify?image={{ artifact.image }}'",
  }),
  method: z
    .enum(['GET', 'POST'], { error: 'expected GET or POST' })
    .default('GET'),
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
        error: 'expected an HTTP header name',
      }),
      z.string(),
    )
    .optional(),
  timeout: durationSchema.optional(),
  retryAfter: durationSchema.optional(),
  expect: strictObject({
    /** The statuses that pass, instead of any 2xx. */
    status: z
      .union([statusCode, z.array(statusCode).min(1)], {
        error: 'expected a status code or a list of them, like [200, 204]',
      })
      .transform(status => (Array.isArray(status) ? status : [status]))
      .optional(),
    field: z
      .string()
      .min(1, { error: "expected a dotted path like 'result.verdict'" })
      .optional(),
    // Config values are JSON already; only a missing value is wrong here.
    equals: z.custom<JsonValue>().optional(),
  })
    .superRefine((expect, ctx) => {
      if (expect.field !== undefined && expect.equals === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['equals'],
          message: 'expected the value the field must equal',
        });
      }
      if (expect.field === undefined && expect.equals !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['field'],
          message: "expected a dotted path like 'result.verdict'",
        });
      }
      if (expect.field === undefined && expect.status === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected status, or field and equals, or both',
        });
      }
    })
    .optional(),
});

type HttpGateOptions = Omit<
  z.output<typeof httpGateSchema>,
  'type' | 'mode' | 'name' | 'timeout' | 'retryAfter'
> & { timeoutMs: number; retryAfterMs: number };

/**
 * `type: http` — asks an outside service (smoke test, scanner, change-ticket
 * system) whether the artifact may go on. Passes on a 2xx answer, or on one of
 * the statuses in `expect.status`; with `expect.field`, the answer must also
 * be JSON whose field equals `expect.equals`.
 *
 * A service that cannot answer now (unreachable, too slow, 5xx, 408, 429)
 * says nothing about the artifact, so the gate is `pending` and asked again
 * after `retryAfter`; only an answer is a verdict.
 */
export class HttpGate implements Gate {
  readonly name: string;
  readonly timeoutMs: number;

  constructor(
    private readonly options: HttpGateOptions,
    private readonly environment: string,
  ) {
    this.name = `http ${
      new URL(options.url.replace(/\{\{[^}]*\}\}/g, 'x')).host
    }`;
    this.timeoutMs = options.timeoutMs + RUNNER_GRACE_MS;
  }

  async evaluate(context: GateContext): Promise<GateResult> {
    const { method, headers, expect, timeoutMs, retryAfterMs } = this.options;
    const retryAt = new Date(context.now.getTime() + retryAfterMs);
    const askAgain = ` Asking again at ${retryAt.toISOString()}.`;
    let url: string;
    try {
      url = renderGateTemplate(
        this.options.url,
        context,
        this.environment,
        encodeURIComponent,
      );
    } catch (error) {
      return {
        status: 'failed',
        message: `Cannot build the URL: ${(error as Error).message}.`,
      };
    }
    // Only origin and path are shown: a query string may carry a secret.
    const target = new URL(url);
    const where = `${target.origin}${target.pathname}`;

    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout]);
    let status: number;
    let body: string;
    try {
      const response = await fetch(url, {
        method,
        headers: {
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body:
          method === 'POST' ? JSON.stringify(requestBody(context)) : undefined,
        signal,
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      if (context.signal.aborted) {
        // The runner gave up on this gate; it reports that itself.
        throw error;
      }
      const message = timeout.aborted
        ? `${where} did not answer within ${formatDuration(timeoutMs)}.`
        : `Could not reach ${where}: ${describeFetchError(error)}.`;
      return {
        status: 'pending',
        message: `${message}${askAgain}`,
        details: { url: where },
        retryAt,
      };
    }

    const details = { url: where, status };
    const accepted = expect?.status
      ? expect.status.includes(status)
      : status >= 200 && status <= 299;
    if (!accepted && isTemporary(status)) {
      return {
        status: 'pending',
        message: `${where} answered ${status}${excerpt(body)}.${askAgain}`,
        details,
        retryAt,
      };
    }
    if (!accepted) {
      const wanted = expect?.status
        ? `, expected ${expect.status.join(' or ')}`
        : '';
      return {
        status: 'failed',
        message: `${where} answered ${status}${wanted}${excerpt(body)}.`,
        details,
      };
    }
    if (expect?.field === undefined) {
      return {
        status: 'passed',
        message: `${where} answered ${status}.`,
        details,
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return {
        status: 'failed',
        message: `${where} answered ${status} but not with JSON, so '${
          expect.field
        }' cannot be checked${excerpt(body)}.`,
        details,
      };
    }
    const actual = readDottedPath(json, expect.field);
    const shown = actual === undefined ? 'missing' : JSON.stringify(actual);
    if (!isDeepStrictEqual(actual, expect.equals)) {
      return {
        status: 'failed',
        message: `${where} answered ${
          expect.field
        } = ${shown}, expected ${JSON.stringify(expect.equals)}.`,
        details,
      };
    }
    return {
      status: 'passed',
      message: `${where} answered ${expect.field} = ${shown}.`,
      details,
    };
  }
}

/** Makes {@link HttpGate}s from `{ type: http, url, method, headers, timeout, retryAfter, expect }`. */
export const httpGateFactory: GateFactory = {
  type: 'http',
  create({ config, environment }) {
    const { url, method, headers, expect } = readGateConfig(
      config,
      httpGateSchema,
    );
    checkGateTemplate(url, 'url');
    const timeoutMs = config.has('timeout')
      ? readDurationMs(config, 'timeout')
      : DEFAULT_TIMEOUT_MS;
    if (timeoutMs > MAX_HTTP_GATE_TIMEOUT_MS) {
      throw new GateConfigError([
        {
          key: 'timeout',
          message: `at most ${formatDuration(
            MAX_HTTP_GATE_TIMEOUT_MS,
          )}, not ${formatDuration(
            timeoutMs,
          )}; a slower service should answer 503 until it knows, and is asked again after retryAfter`,
        },
      ]);
    }
    const retryAfterMs = config.has('retryAfter')
      ? readDurationMs(config, 'retryAfter')
      : DEFAULT_RETRY_AFTER_MS;
    return new HttpGate(
      { url, method, headers, expect, timeoutMs, retryAfterMs },
      environment,
    );
  },
};

function requestBody(context: GateContext) {
  return {
    entityRef: context.entityRef,
    artifact: context.artifact,
    source: context.source,
    target: context.target,
    ...(context.promotionId ? { promotionId: context.promotionId } : {}),
    ...(context.changeTicket ? { changeTicket: context.changeTicket } : {}),
  };
}

/** `a.b.0.c` through objects and arrays; undefined when any step is missing. */
function readDottedPath(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, segment) => {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      return current[Number(segment)];
    }
    if (current && typeof current === 'object' && !Array.isArray(current)) {
      return Object.prototype.hasOwnProperty.call(current, segment)
        ? (current as Record<string, unknown>)[segment]
        : undefined;
    }
    return undefined;
  }, value);
}

/**
 * Statuses that mean "not now" rather than "no": the service failed or is
 * overloaded (5xx, 429) or gave up waiting for the request (408).
 */
function isTemporary(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The start of a response body, which often says why a check failed. */
function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return '';
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
