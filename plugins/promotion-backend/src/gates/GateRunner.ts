import { Config } from '@backstage/config';
import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { GateRun } from '@promotion-for-backstage/plugin-promotion-common';
import { z } from 'zod';
import { formatDuration } from './formatDuration';
import { GateConfigError } from './GateConfigError';
import { readGateConfig } from './readGateConfig';
import { createWindowGate } from './WindowGate';

const DEFAULT_TIMEOUT_MS = 30_000;

/** `enforce` blocks on failure; `warn` records and shows, never blocks. */
export type GateMode = 'enforce' | 'warn';

/** A gate as configured for an environment. */
export interface ConfiguredGate extends Gate {
  readonly mode: GateMode;
}

// Keys every gate block may carry; the factory validates the rest.
const commonKeysSchema = z.looseObject({
  mode: z
    .enum(['enforce', 'warn'], { error: 'expected enforce or warn' })
    .default('enforce'),
  name: z
    .string()
    .min(1, { error: 'expected a label for the gate' })
    .optional(),
});

/**
 * Builds an environment's gates from config and evaluates them. Modes and
 * timeouts live here rather than in each gate, so that gates added by other
 * modules behave the same way as the built-in ones.
 */
export class GateRunner {
  private readonly factories = new Map<string, GateFactory>();
  private readonly timeoutMs: number;

  constructor(factories: GateFactory[], options?: { timeoutMs?: number }) {
    for (const factory of factories) {
      if (this.factories.has(factory.type)) {
        // A module silently replacing a built-in gate would weaken checks.
        throw new Error(
          `Two gate factories are registered for type '${factory.type}'`,
        );
      }
      this.factories.set(factory.type, factory);
    }
    this.timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * The gates of an environment, the window gate first so that a closed
   * window is the first thing a person reads. Throws on invalid config, with
   * the full key, so that the backend refuses to start with it.
   */
  gatesFor(environment: {
    name: string;
    gates?: Config[];
    windows?: Config[];
  }): ConfiguredGate[] {
    const gates: ConfiguredGate[] = [];
    if (environment.windows?.length) {
      gates.push(
        configured(
          createWindowGate(environment.windows, environment.name),
          'enforce',
        ),
      );
    }
    environment.gates?.forEach((config, index) => {
      const key = `promotion.environments[${environment.name}].gates[${index}]`;
      const factory = this.factoryFor(config, key);
      try {
        const { mode, name } = readGateConfig(config, commonKeysSchema);
        const gate = factory.create({ config, environment: environment.name });
        gates.push(configured(gate, mode, name));
      } catch (error) {
        if (error instanceof GateConfigError) throw error.at(key);
        throw new Error(`${key}: ${(error as Error).message}`);
      }
    });
    return gates;
  }

  /**
   * Evaluates the gates concurrently. Each run ends: a gate that throws or
   * outlives the timeout fails rather than failing the whole evaluation.
   */
  async run(
    gates: Gate[],
    context: Omit<GateContext, 'signal'>,
  ): Promise<GateRun[]> {
    return Promise.all(gates.map(gate => this.runOne(gate, context)));
  }

  private factoryFor(config: Config, key: string): GateFactory {
    const known = [...this.factories.keys()].join(', ');
    const type = config.getOptional('type');
    if (typeof type !== 'string') {
      throw new Error(`${key}.type: expected a gate type, one of ${known}`);
    }
    const factory = this.factories.get(type);
    if (!factory) {
      const hint =
        type === 'window'
          ? `; windows are set in promotion.environments[…].windows, not as a gate`
          : '';
      throw new Error(
        `${key}.type: unknown gate type '${type}'; known types: ${known}${hint}`,
      );
    }
    return factory;
  }

  private async runOne(
    gate: Gate,
    context: Omit<GateContext, 'signal'>,
  ): Promise<GateRun> {
    // Timings are real time: they measure the evaluation, whereas verdicts
    // use `context.now`.
    const startedAt = new Date();
    const controller = new AbortController();
    // A gate that says how long it may take (an http gate's `timeout`) gets
    // that long; every other gate gets the runner's limit.
    const timeoutMs = gate.timeoutMs ?? this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<GateResult>(resolve => {
      timer = setTimeout(() => {
        const message = `Timed out after ${formatDuration(timeoutMs)}.`;
        controller.abort(new Error(message));
        resolve({ status: 'failed', message });
      }, timeoutMs);
    });
    let result: GateResult;
    try {
      result = checkResult(
        await Promise.race([
          Promise.resolve().then(() =>
            gate.evaluate({ ...context, signal: controller.signal }),
          ),
          timeout,
        ]),
      );
    } catch (error) {
      result = {
        status: 'failed',
        message: (error as Error)?.message || String(error),
      };
    } finally {
      clearTimeout(timer);
    }
    return toGateRun(gate, result, startedAt, new Date());
  }
}

function configured(gate: Gate, mode: GateMode, name?: string): ConfiguredGate {
  return {
    name: name ?? gate.name,
    mode,
    ...(gate.timeoutMs !== undefined ? { timeoutMs: gate.timeoutMs } : {}),
    evaluate: context => gate.evaluate(context),
  };
}

/** Gates from other modules are not type-checked at run time; refuse nonsense. */
function checkResult(result: GateResult): GateResult {
  if (!result || !['passed', 'failed', 'pending'].includes(result.status)) {
    throw new Error(
      `The gate returned an invalid result (${JSON.stringify(result)})`,
    );
  }
  return result;
}

function toGateRun(
  gate: Gate,
  result: GateResult,
  startedAt: Date,
  finishedAt: Date,
): GateRun {
  const warn = (gate as Partial<ConfiguredGate>).mode === 'warn';
  // A warn-mode gate never blocks, so neither a failure nor a wait may hold
  // the promotion; the verdict stays visible as a warning.
  const status = warn && result.status !== 'passed' ? 'warning' : result.status;
  const retryAt =
    status === 'pending' &&
    result.retryAt &&
    !Number.isNaN(result.retryAt.getTime())
      ? result.retryAt.toISOString()
      : undefined;
  return {
    gate: gate.name,
    status,
    message: result.message,
    ...(result.details ? { details: result.details } : {}),
    ...(retryAt ? { retryAt } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
}
