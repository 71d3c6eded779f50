import { Config } from '@backstage/config';
import {
  Gate,
  GateContext,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import {
  AllowWindow,
  DenyWindow,
  Freeze,
  readWindowsConfig,
  WindowsConfig,
} from './readWindowsConfig';
import {
  formatLocal,
  nextStart,
  Occurrence,
  occurrenceAt,
} from './recurringWindows';

/**
 * How far ahead to look for an opening. Deny windows can cover every allow
 * window (say, allow on Fridays, deny on Fridays); the walk must end, and a
 * request waits at most days anyway before it expires.
 */
const HORIZON_MS = 366 * 24 * 60 * 60 * 1000;

/** Why a moment is closed, and the moment to look at next. */
type Closure =
  | { kind: 'freeze'; freeze: Freeze; until: Date }
  | { kind: 'deny'; window: DenyWindow; occurrence: Occurrence; until: Date }
  | { kind: 'allow'; window: AllowWindow; until: Date };

/** The first open moment from some time on, as far as the walk found one. */
interface Opening {
  at: Date;
  /** False when the horizon was reached first; `at` is then where the walk stopped. */
  found: boolean;
  /** What the walk skipped last, which says how to word the moment. */
  after?: Closure;
}

/**
 * The built-in `window` gate, made from an environment's `windows` list:
 * freezes and recurring deny windows always win; when allow windows exist,
 * promotion happens only inside one of them. While closed it is `pending`
 * until the first moment that is inside an allow window and outside every
 * deny window and freeze, so the scheduler retries exactly when it can pass.
 */
export class WindowGate implements Gate {
  readonly name = 'window';

  constructor(
    private readonly environment: string,
    private readonly windows: WindowsConfig,
  ) {}

  async evaluate({ now }: GateContext): Promise<GateResult> {
    const closure = this.closureAt(now);
    if (!closure) {
      return {
        status: 'passed',
        message: this.windows.allow.length
          ? `${this.environment} accepts promotions now.`
          : `No freeze or deny window covers ${this.environment} now.`,
      };
    }
    const opening = this.nextOpening(closure);
    return {
      status: 'pending',
      ...this.describe(closure, opening),
      retryAt: opening.at,
    };
  }

  private describe(
    closure: Closure,
    opening: Opening,
  ): Pick<GateResult, 'message' | 'details'> {
    const opens = formatOpening(opening);
    const resume = opening.found
      ? ` Promotion can resume at ${opens}.`
      : ` No moment in the next year is open; promotion.environments[${this.environment}].windows may deny every allowed time.`;
    const later = opening.at.getTime() > closure.until.getTime();
    const suffix = later || !opening.found ? resume : '';
    switch (closure.kind) {
      case 'freeze': {
        const { freeze } = closure;
        return {
          message: `${
            this.environment
          } is frozen until ${freeze.to.toISOString()}: ${
            freeze.reason
          }.${suffix}`,
          details: {
            freeze: {
              from: freeze.from.toISOString(),
              to: freeze.to.toISOString(),
              reason: freeze.reason,
            },
          },
        };
      }
      case 'deny': {
        const { window, occurrence } = closure;
        const why = window.reason ? ` (${window.reason})` : '';
        return {
          message: `${this.environment} refuses promotions ${
            window.label
          }${why} until ${formatLocal(
            occurrence.end,
            window.timezone,
          )}.${suffix}`,
          details: {
            deny: {
              window: window.label,
              ...(window.reason ? { reason: window.reason } : {}),
              from: occurrence.start.toISOString(),
              to: occurrence.end.toISOString(),
            },
          },
        };
      }
      default: {
        const windows = this.windows.allow.map(window => window.label);
        const next =
          opening.found && opening.after?.kind === 'allow'
            ? `; the next window opens ${opens}.`
            : `.${resume}`;
        return {
          message: `${this.environment} accepts promotions ${windows.join(
            ' or ',
          )}${next}`,
          details: { windows },
        };
      }
    }
  }

  /**
   * Why `at` is closed, or undefined when it is open. Freezes and deny
   * windows come first because they win over allow windows; of several that
   * cover `at`, the one that lasts longest.
   */
  private closureAt(at: Date): Closure | undefined {
    const freeze = this.windows.freezes
      .filter(f => f.from <= at && at < f.to)
      .sort((a, b) => b.to.getTime() - a.to.getTime())[0];
    if (freeze) {
      return { kind: 'freeze', freeze, until: freeze.to };
    }
    const deny = this.windows.deny
      .map(window => ({ window, occurrence: occurrenceAt(window, at) }))
      .filter(
        (d): d is { window: DenyWindow; occurrence: Occurrence } =>
          d.occurrence !== undefined,
      )
      .sort(
        (a, b) => b.occurrence.end.getTime() - a.occurrence.end.getTime(),
      )[0];
    if (deny) {
      return { kind: 'deny', ...deny, until: deny.occurrence.end };
    }
    const { allow } = this.windows;
    if (allow.length === 0 || allow.some(w => occurrenceAt(w, at))) {
      return undefined;
    }
    return allow
      .map(window => ({
        kind: 'allow' as const,
        window,
        until: nextStart(window, at),
      }))
      .sort((a, b) => a.until.getTime() - b.until.getTime())[0];
  }

  /**
   * The first open moment after `closure`: skip what closes each moment
   * until nothing does. Time only moves forward, and the horizon bounds the
   * walk when nothing is ever open.
   */
  private nextOpening(closure: Closure): Opening {
    const horizon = closure.until.getTime() + HORIZON_MS;
    let skipped = closure;
    for (;;) {
      const next = this.closureAt(skipped.until);
      if (!next) return { at: skipped.until, found: true, after: skipped };
      if (next.until.getTime() > horizon) {
        return { at: next.until, found: false, after: next };
      }
      skipped = next;
    }
  }
}

/** In the time zone of the window it depends on; a freeze's end in UTC. */
function formatOpening({ at, after }: Opening): string {
  return after && after.kind !== 'freeze'
    ? formatLocal(at, after.window.timezone)
    : at.toISOString();
}

/**
 * Makes the window gate of an environment from its `windows` list; without
 * entries the gate always passes.
 */
export function createWindowGate(
  windowsConfig: Config[] | undefined,
  environment: string,
): WindowGate {
  return new WindowGate(
    environment,
    readWindowsConfig(windowsConfig ?? [], environment),
  );
}
