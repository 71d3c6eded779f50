import { Config } from '@backstage/config';
import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';

/**
 * An example of a custom gate, added by a backend module: promotion into the
 * environment is allowed only for entities whose `spec.lifecycle` is one of
 * `allowed`, so that an `experimental` service never reaches production.
 *
 * ```yaml
 * gates:
 *   - type: lifecycle
 *     allowed: [production]
 * ```
 */
export class LifecycleGate implements Gate {
  readonly name: string;

  constructor(private readonly allowed: string[]) {
    this.name = `lifecycle ${allowed.join('/')}`;
  }

  async evaluate(context: GateContext): Promise<GateResult> {
    const lifecycle = String(context.entity.spec?.lifecycle ?? 'unknown');
    return this.allowed.includes(lifecycle)
      ? {
          status: 'passed',
          message: `${context.entity.metadata.name} is ${lifecycle}`,
        }
      : {
          status: 'failed',
          message: `${context.entity.metadata.name} is ${lifecycle}; ${
            context.target.name
          } takes only ${this.allowed.join(', ')} services`,
          details: { lifecycle, allowed: this.allowed },
        };
  }
}

/** Makes `lifecycle` gates from their config blocks. */
export class LifecycleGateFactory implements GateFactory {
  readonly type = 'lifecycle';

  create(options: { config: Config }): Gate {
    const allowed = options.config.getStringArray('allowed');
    if (allowed.length === 0) {
      throw new Error(
        "'allowed' must list at least one lifecycle, e.g. [production]",
      );
    }
    return new LifecycleGate(allowed);
  }
}
