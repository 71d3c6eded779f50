import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { z } from 'zod';
import {
  isUnknownKeyIssue,
  strictObject,
  unknownKeyMessage,
} from '../config/strictObject';
import { GateConfigError, GateConfigIssue } from './GateConfigError';

const DURATION_UNITS = [
  'years',
  'months',
  'weeks',
  'days',
  'hours',
  'minutes',
  'seconds',
  'milliseconds',
];

export const DURATION_HINT = 'expected a duration like { minutes: 30 }';

/**
 * Whether `value` looks like a duration: a non-empty string (`'30m'`,
 * `'PT30M'`) or an object of known units with non-negative numbers. Backstage's
 * own reader then decides on the string.
 */
export function isDurationShape(
  value: unknown,
): value is HumanDuration | string {
  if (typeof value === 'string') return value.trim().length > 0;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const entries = Object.entries(value);
  return (
    entries.length > 0 &&
    entries.every(
      ([unit, amount]) =>
        DURATION_UNITS.includes(unit) &&
        typeof amount === 'number' &&
        Number.isFinite(amount) &&
        amount >= 0,
    )
  );
}

/**
 * The shape of a duration, so that zod reports a wrong one together with the
 * block's other problems; {@link readDurationMs} then converts it with
 * Backstage's own reader, which also accepts `'30m'` and `'PT30M'` strings as
 * the rest of Backstage's config does.
 */
export const durationSchema = z.custom<HumanDuration | string>(
  isDurationShape,
  { error: DURATION_HINT },
);

/**
 * A gate block: the keys of the gate plus `type`, `mode` and `name`, which the
 * runner reads for every gate. Unknown keys are refused so that a misspelt
 * setting (`durration`) is not silently ignored.
 */
export function gateBlockSchema<S extends z.ZodRawShape>(shape: S) {
  return strictObject({
    type: z.string(),
    mode: z.unknown().optional(),
    name: z.unknown().optional(),
    ...shape,
  });
}

/** Validates a config block; problems are named by their key in the block. */
export function readGateConfig<T extends z.ZodType>(
  config: Config,
  schema: T,
): z.output<T> {
  const parsed = schema.safeParse(config.get());
  if (parsed.success) {
    return parsed.data;
  }
  throw new GateConfigError(parsed.error.issues.flatMap(toGateConfigIssues));
}

/** Reads a positive duration at `key`, in milliseconds. */
export function readDurationMs(config: Config, key: string): number {
  let milliseconds: number;
  try {
    milliseconds = durationToMilliseconds(
      readDurationFromConfig(config, { key }),
    );
  } catch (error) {
    throw new GateConfigError([
      { key, message: `${DURATION_HINT}; ${(error as Error).message}` },
    ]);
  }
  if (!(milliseconds > 0)) {
    throw new GateConfigError([{ key, message: 'must be longer than zero' }]);
  }
  return milliseconds;
}

/** `['registries', 0, 'url']` → `registries[0].url`. */
export function formatKey(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) =>
      typeof part === 'number'
        ? `[${part}]`
        : `${index > 0 ? '.' : ''}${String(part)}`,
    )
    .join('');
}

function toGateConfigIssues(issue: z.core.$ZodIssue): GateConfigIssue[] {
  if (isUnknownKeyIssue(issue)) {
    return [{ key: formatKey(issue.path), message: unknownKeyMessage(issue) }];
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(key => ({
      key: formatKey([...issue.path, key]),
      message: 'unknown key',
    }));
  }
  if (issue.code === 'invalid_key' && issue.issues.length > 0) {
    // zod nests the key's own problem; its message is the readable one.
    return [{ key: formatKey(issue.path), message: issue.issues[0].message }];
  }
  return [{ key: formatKey(issue.path), message: issue.message }];
}
