import { Config } from '@backstage/config';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { strictObject } from '../config/strictObject';
import { GateConfigError } from './GateConfigError';
import { readGateConfig } from './readGateConfig';

export const WEEKDAYS = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
] as const;

/**
 * A time of day that recurs on some weekdays in a time zone: when promotion
 * is allowed (an allow window) or refused (a recurring deny window).
 */
export interface RecurringWindow {
  /** Luxon weekdays (1 = Monday) on which the window opens; all when absent. */
  weekdays?: ReadonlySet<number>;
  /** Minutes after local midnight; `to <= from` means the window ends the next day. */
  fromMinutes: number;
  toMinutes: number;
  timezone: string;
  /** As configured, for messages, e.g. `fri 16:00–24:00 Europe/London`. */
  label: string;
}

/** A recurring time when promotion is allowed. */
export type AllowWindow = RecurringWindow;

/** A recurring time when promotion is refused, such as Friday afternoons. */
export interface DenyWindow extends RecurringWindow {
  reason?: string;
}

/** A one-off period when promotion is refused, such as a year-end freeze. */
export interface Freeze {
  from: Date;
  to: Date;
  reason: string;
}

export interface WindowsConfig {
  allow: AllowWindow[];
  deny: DenyWindow[];
  freezes: Freeze[];
}

const ZONE_HINT = 'expected an IANA time zone like Europe/London';

const timeOfDay = (allow24: boolean) =>
  z
    .string()
    .regex(
      allow24
        ? /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/
        : /^([01]\d|2[0-3]):[0-5]\d$/,
      {
        error: `expected a time like '09:00'${allow24 ? " (or '24:00')" : ''}`,
      },
    );

/** The keys allow windows and recurring deny windows share. */
const recurringShape = {
  days: z
    .array(
      z.enum(WEEKDAYS, { error: `expected one of ${WEEKDAYS.join(', ')}` }),
    )
    .min(1, {
      error: 'list at least one day, or leave days out for every day',
    })
    .optional(),
  from: timeOfDay(false),
  to: timeOfDay(true),
  timezone: z
    .string({ error: ZONE_HINT })
    .refine(zone => IANAZone.isValidZone(zone), { error: ZONE_HINT }),
};

const notEmpty = <T extends { from: string; to: string }>(window: T) =>
  window.from !== window.to;
const notEmptyError = {
  error:
    "from and to are equal; use from: '00:00', to: '24:00' for a whole day",
  path: ['to'],
};

const allowSchema = strictObject({
  allow: strictObject(recurringShape).refine(notEmpty, notEmptyError),
});

const denySchema = strictObject({
  deny: strictObject({
    ...recurringShape,
    reason: z
      .string()
      .min(1, { error: 'say why, or leave reason out' })
      .optional(),
  }).refine(notEmpty, notEmptyError),
});

// An offset is required: a freeze must mean the same instant on every replica,
// whatever the server's time zone.
const instant = z
  .string()
  .refine(
    value =>
      /(Z|[+-]\d\d:?\d\d)$/i.test(value) &&
      DateTime.fromISO(value, { setZone: true }).isValid,
    {
      error:
        "expected an ISO 8601 time with an offset, like '2026-12-20T00:00:00Z'",
    },
  );

const freezeSchema = strictObject({
  deny: strictObject({
    from: instant,
    to: instant,
    reason: z.string().min(1, { error: 'say why, people will read it' }),
  }).refine(window => Date.parse(window.to) > Date.parse(window.from), {
    error: 'must be later than from',
    path: ['to'],
  }),
});

/**
 * Reads an environment's `windows` list. Problems are named by their full key,
 * e.g. `promotion.environments[prod].windows[0].allow.timezone`, because the
 * list is read outside of any gate block.
 */
export function readWindowsConfig(
  windows: Config[],
  environment: string,
): WindowsConfig {
  const result: WindowsConfig = { allow: [], deny: [], freezes: [] };
  windows.forEach((entry, index) => {
    const key = `promotion.environments[${environment}].windows[${index}]`;
    try {
      if (entry.has('allow')) {
        const { allow } = readGateConfig(entry, allowSchema);
        result.allow.push(toRecurringWindow(allow));
      } else if (entry.has('deny') && isRecurring(entry.get('deny'))) {
        const { deny } = readGateConfig(entry, denySchema);
        result.deny.push({
          ...toRecurringWindow(deny),
          ...(deny.reason ? { reason: deny.reason } : {}),
        });
      } else if (entry.has('deny')) {
        const { from, to, reason } = readGateConfig(entry, freezeSchema).deny;
        result.freezes.push({ from: new Date(from), to: new Date(to), reason });
      } else {
        throw new GateConfigError([
          { key: '', message: 'expected { allow: { … } } or { deny: { … } }' },
        ]);
      }
    } catch (error) {
      if (error instanceof GateConfigError) throw error.at(key);
      throw error;
    }
  });
  return result;
}

/**
 * A deny block recurs when it says when in the week or day it applies (days,
 * a time zone or a time of day); otherwise it is a freeze between two
 * instants. Deciding on any of these means a recurring block that misses its
 * time zone is told so, rather than that its times lack an offset.
 */
function isRecurring(block: unknown): boolean {
  if (!block || typeof block !== 'object') return false;
  const { days, timezone, from } = block as Record<string, unknown>;
  return (
    days !== undefined ||
    timezone !== undefined ||
    (typeof from === 'string' && /^\d{1,2}:\d\d$/.test(from))
  );
}

function toRecurringWindow(config: {
  days?: Array<(typeof WEEKDAYS)[number]>;
  from: string;
  to: string;
  timezone: string;
}): RecurringWindow {
  const days = config.days ? `${config.days.join(', ')} ` : '';
  return {
    weekdays: config.days
      ? new Set(config.days.map(day => WEEKDAYS.indexOf(day) + 1))
      : undefined,
    fromMinutes: minutes(config.from),
    toMinutes: minutes(config.to),
    timezone: config.timezone,
    label: `${days}${config.from}–${config.to} ${config.timezone}`,
  };
}

function minutes(time: string): number {
  const [hours, mins] = time.split(':').map(Number);
  return hours * 60 + mins;
}
