import { Config, ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { builtInGateFactories } from './builtInGateFactories';
import { GateRunner } from './GateRunner';
import { gateContext } from './__testUtils__/gateContext';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A gate type whose verdict each test decides: `{ type: fixed, verdict }`. */
function fixedFactory(
  evaluate: (config: Config, context: GateContext) => Promise<GateResult>,
): GateFactory {
  return {
    type: 'fixed',
    create: ({ config }) => ({
      name: `fixed ${config.getOptionalString('label') ?? ''}`.trim(),
      evaluate: context => evaluate(config, context),
    }),
  };
}

const verdicts = fixedFactory(async config => ({
  status: config.getString('verdict') as GateResult['status'],
  message: config.getString('verdict'),
  ...(config.has('retryAt')
    ? { retryAt: new Date(config.getString('retryAt')) }
    : {}),
}));

/** An environment's config as app-config gives it. */
function environment(block: JsonObject) {
  const config = new ConfigReader({
    promotion: { environments: [block] },
  }).getConfigArray('promotion.environments')[0];
  return {
    name: config.getString('name'),
    gates: config.getOptionalConfigArray('gates'),
    windows: config.getOptionalConfigArray('windows'),
  };
}

const context: Omit<GateContext, 'signal'> = gateContext();

describe('GateRunner', () => {
  describe('gatesFor', () => {
    const runner = new GateRunner(builtInGateFactories());

    it('puts the window gate first and keeps the configured order', () => {
      const gates = runner.gatesFor(
        environment({
          name: 'prod',
          gates: [
            { type: 'source-match' },
            { type: 'soak', duration: { hours: 24 } },
            {
              type: 'http',
              url: 'https://scanner.internal/verify',
              name: 'image scan',
            },
          ],
          windows: [
            {
              deny: {
                from: '2026-12-20T00:00:00Z',
                to: '2027-01-04T00:00:00Z',
                reason: 'freeze',
              },
            },
          ],
        }),
      );
      expect(gates.map(gate => [gate.name, gate.mode])).toEqual([
        ['window', 'enforce'],
        ['source-match', 'enforce'],
        ['soak 1d', 'enforce'],
        ['image scan', 'enforce'],
      ]);
    });

    it('has no gates for an environment without gates or windows', () => {
      expect(runner.gatesFor(environment({ name: 'dev' }))).toEqual([]);
      expect(
        runner.gatesFor(environment({ name: 'dev', windows: [] })),
      ).toEqual([]);
    });

    it('names the key and the known types for an unknown type', () => {
      expect(() =>
        runner.gatesFor(
          environment({
            name: 'prod',
            gates: [{ type: 'source-match' }, { type: 'smoke' }],
          }),
        ),
      ).toThrow(
        "promotion.environments[prod].gates[1].type: unknown gate type 'smoke'; known types: source-match, soak, deployed, http, version-constraint, registry",
      );
      expect(() =>
        runner.gatesFor(
          environment({ name: 'prod', gates: [{ duration: { hours: 1 } }] }),
        ),
      ).toThrow(
        'promotion.environments[prod].gates[0].type: expected a gate type, one of source-match',
      );
      expect(() =>
        runner.gatesFor(
          environment({ name: 'prod', gates: [{ type: 'window' }] }),
        ),
      ).toThrow(
        /windows are set in promotion\.environments\[…\]\.windows, not as a gate$/,
      );
    });

    it('names the full key of a problem inside a gate block', () => {
      expect(() =>
        runner.gatesFor(
          environment({
            name: 'staging',
            gates: [
              { type: 'source-match' },
              { type: 'soak', duration: { minuets: 30 } },
            ],
          }),
        ),
      ).toThrow(
        'promotion.environments[staging].gates[1].duration: expected a duration like { minutes: 30 }',
      );
      expect(() =>
        runner.gatesFor(
          environment({
            name: 'prod',
            gates: [{ type: 'source-match', mode: 'audit' }],
          }),
        ),
      ).toThrow(
        'promotion.environments[prod].gates[0].mode: expected enforce or warn',
      );
    });

    it('names the key for errors of gates from other modules too', () => {
      const picky: GateFactory = {
        type: 'change-ticket',
        create: () => {
          throw new Error('queue is required');
        },
      };
      expect(() =>
        new GateRunner([picky]).gatesFor(
          environment({ name: 'prod', gates: [{ type: 'change-ticket' }] }),
        ),
      ).toThrow('promotion.environments[prod].gates[0]: queue is required');
    });

    it('refuses two factories for one type, so a module cannot replace a built-in gate', () => {
      expect(
        () =>
          new GateRunner([
            ...builtInGateFactories(),
            { type: 'soak', create: jest.fn() },
          ]),
      ).toThrow("Two gate factories are registered for type 'soak'");
    });
  });

  describe('run', () => {
    it('records each verdict with its times', async () => {
      const runner = new GateRunner([verdicts]);
      const gates = runner.gatesFor(
        environment({
          name: 'prod',
          gates: [
            { type: 'fixed', verdict: 'passed' },
            {
              type: 'fixed',
              verdict: 'pending',
              retryAt: '2026-03-02T12:30:00Z',
            },
          ],
        }),
      );
      const runs = await runner.run(gates, context);
      expect(runs).toEqual([
        {
          gate: 'fixed',
          status: 'passed',
          message: 'passed',
          startedAt: expect.stringMatching(ISO),
          finishedAt: expect.stringMatching(ISO),
        },
        {
          gate: 'fixed',
          status: 'pending',
          message: 'pending',
          retryAt: '2026-03-02T12:30:00.000Z',
          startedAt: expect.stringMatching(ISO),
          finishedAt: expect.stringMatching(ISO),
        },
      ]);
      for (const run of runs) {
        expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(
          Date.parse(run.startedAt),
        );
      }
    });

    it('evaluates gates concurrently', async () => {
      // Each gate waits for the other to start: run one after the other, both would time out.
      let started = 0;
      let release: () => void;
      const bothStarted = new Promise<void>(resolve => (release = resolve));
      const waiting: Gate = {
        name: 'waiting',
        evaluate: async () => {
          if (++started === 2) release();
          await bothStarted;
          return { status: 'passed', message: 'both ran' };
        },
      };
      const runs = await new GateRunner([], { timeoutMs: 2_000 }).run(
        [waiting, waiting],
        context,
      );
      expect(runs.map(run => run.status)).toEqual(['passed', 'passed']);
    });

    it('fails a gate that outlives the timeout and aborts its signal', async () => {
      let signal: AbortSignal | undefined;
      const hanging: Gate = {
        name: 'hanging',
        evaluate: ({ signal: given }) => {
          signal = given;
          return new Promise(() => {});
        },
      };
      const quick: Gate = {
        name: 'quick',
        evaluate: async () => ({ status: 'passed', message: 'ok' }),
      };
      const runs = await new GateRunner([], { timeoutMs: 50 }).run(
        [hanging, quick],
        context,
      );
      expect(runs[0]).toMatchObject({
        gate: 'hanging',
        status: 'failed',
        message: 'Timed out after 50ms.',
      });
      expect(runs[1]).toMatchObject({ gate: 'quick', status: 'passed' });
      expect(signal?.aborted).toBe(true);
    });

    it('turns a thrown error into a failure with its message', async () => {
      const throwing: Gate = {
        name: 'throwing',
        evaluate: () => {
          throw new Error('scanner credentials expired');
        },
      };
      const rejecting: Gate = {
        name: 'rejecting',
        evaluate: () => Promise.reject(new Error('boom')),
      };
      const nonsense = {
        name: 'nonsense',
        evaluate: async () => ({ status: 'ok' }),
      } as unknown as Gate;
      const runs = await new GateRunner([]).run(
        [throwing, rejecting, nonsense],
        context,
      );
      expect(runs.map(run => [run.status, run.message])).toEqual([
        ['failed', 'scanner credentials expired'],
        ['failed', 'boom'],
        ['failed', 'The gate returned an invalid result ({"status":"ok"})'],
      ]);
    });

    it('records failures and waits of warn-mode gates as warnings that never block', async () => {
      const runner = new GateRunner([verdicts]);
      const gates = runner.gatesFor(
        environment({
          name: 'prod',
          gates: [
            { type: 'fixed', verdict: 'failed', mode: 'warn' },
            {
              type: 'fixed',
              verdict: 'pending',
              retryAt: '2026-03-02T12:30:00Z',
              mode: 'warn',
            },
            { type: 'fixed', verdict: 'passed', mode: 'warn' },
            { type: 'fixed', verdict: 'failed' },
          ],
        }),
      );
      const runs = await runner.run(gates, context);
      expect(runs.map(run => run.status)).toEqual([
        'warning',
        'warning',
        'passed',
        'failed',
      ]);
      expect(runs[1].retryAt).toBeUndefined();
      expect(runs[0].message).toBe('failed');
    });

    it('gives gates the context, with the fixed time, and its own signal', async () => {
      let seen: GateContext | undefined;
      const spy: Gate = {
        name: 'spy',
        evaluate: async given => {
          seen = given;
          return { status: 'passed', message: 'ok' };
        },
      };
      await new GateRunner([]).run([spy], context);
      expect(seen?.now).toEqual(new Date('2026-03-02T12:00:00.000Z'));
      expect(seen?.artifact).toEqual(context.artifact);
      expect(seen?.signal.aborted).toBe(false);
    });

    it('evaluates built-in gates from app-config', async () => {
      const runner = new GateRunner(builtInGateFactories());
      const gates = runner.gatesFor(
        environment({
          name: 'prod',
          gates: [
            { type: 'source-match' },
            { type: 'soak', duration: { hours: 4 } },
            { type: 'version-constraint', range: '<1.2.0', mode: 'warn' },
          ],
          windows: [
            {
              allow: {
                days: ['mon', 'tue', 'wed', 'thu'],
                from: '09:00',
                to: '16:00',
                timezone: 'Europe/London',
              },
            },
          ],
        }),
      );
      // Monday 2 March 2026, 12:00 GMT; staging has run the artifact since 10:00.
      const runs = await runner.run(gates, context);
      expect(runs.map(run => [run.gate, run.status, run.retryAt])).toEqual([
        ['window', 'passed', undefined],
        ['source-match', 'passed', undefined],
        ['soak 4h', 'pending', '2026-03-02T14:00:00.000Z'],
        ['version <1.2.0', 'warning', undefined],
      ]);
    });
  });
});
