import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { z } from 'zod';
import { isDurationShape } from '../gates/readGateConfig';

const HINT = "expected a duration like { hours: 72 }, '72h' or 'P3D'";

/**
 * A positive duration written as gate durations are: `{ hours: 72 }`, `'72h'`,
 * `'30m'` or ISO 8601 `'P3D'` — Backstage's own duration reader decides, so
 * every duration in the promotion config reads the same. The output is always
 * the object form, which the rest of the backend works with.
 */
export const configDurationSchema = z
  .custom<HumanDuration | string>(isDurationShape, { error: HINT })
  .transform((value, ctx): HumanDuration => {
    let duration: HumanDuration;
    try {
      duration = readDurationFromConfig(new ConfigReader({ value }), {
        key: 'value',
      });
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `${HINT}; ${describe(error)}`,
      });
      return z.NEVER;
    }
    if (!(durationToMilliseconds(duration) > 0)) {
      ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
      return z.NEVER;
    }
    return duration;
  });

/** Backstage's message names the made-up key `value`; keep only what is wrong. */
function describe(error: unknown): string {
  return (error as Error).message
    .replace(/ in config at 'value'/, '')
    .replace(/^Failed to read duration from config, /, '')
    .replace(/, Error: /, ': ');
}
