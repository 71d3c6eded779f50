import { DateTime } from 'luxon';
import { RecurringWindow } from './readWindowsConfig';

const MINUTE_MS = 60_000;

/** One opening of a recurring window: from `start` (inclusive) to `end` (exclusive). */
export interface Occurrence {
  start: Date;
  end: Date;
}

/**
 * The window's occurrences around `at`, computed on the calendar of its time
 * zone: edges are wall-clock times, so 09:00 stays 09:00 across a DST change,
 * and a window across the change lasts an hour more or less. One day back
 * catches an occurrence that began yesterday and ends after midnight; eight
 * days ahead always includes the next weekly one.
 */
export function occurrences(window: RecurringWindow, at: Date): Occurrence[] {
  const today = DateTime.fromJSDate(at).setZone(window.timezone).startOf('day');
  const result: Occurrence[] = [];
  for (let offset = -1; offset <= 8; offset++) {
    const day = today.plus({ days: offset });
    if (window.weekdays && !window.weekdays.has(day.weekday)) continue;
    const endDay =
      window.toMinutes > window.fromMinutes ? day : day.plus({ days: 1 });
    result.push({
      start: atWallClock(day, window.fromMinutes),
      end: atWallClock(endDay, window.toMinutes),
    });
  }
  return result;
}

/** The occurrence that covers `at`, if any. */
export function occurrenceAt(
  window: RecurringWindow,
  at: Date,
): Occurrence | undefined {
  return occurrences(window, at).find(
    ({ start, end }) => start <= at && at < end,
  );
}

/** When the window next opens after `at`. */
export function nextStart(window: RecurringWindow, at: Date): Date {
  const starts = occurrences(window, at)
    .map(({ start }) => start)
    .filter(start => start > at);
  return starts.reduce((a, b) => (a < b ? a : b));
}

/**
 * `minutes` after midnight as a wall-clock time of `day`: the first instant
 * at which the clock there shows that time or later. A time that a DST gap
 * skips (01:30 on the night clocks jump from 01:00 to 02:00) is therefore the
 * moment of the jump, so a window from 01:30 covers 02:15 that night; a time
 * that occurs twice in autumn is the first of the two.
 */
function atWallClock(day: DateTime, minutes: number): Date {
  const date = minutes === 24 * 60 ? day.plus({ days: 1 }) : day;
  const hour = Math.floor((minutes % 1440) / 60);
  const minute = minutes % 60;
  const wanted = date.set({ hour, minute });
  if (wanted.hour === hour && wanted.minute === minute) {
    return wanted.toJSDate();
  }
  // luxon moved the time forward by the gap; the jump lies within a day before.
  const zone = wanted.zone;
  const after = wanted.offset;
  let before = wanted.toMillis() - 24 * 60 * MINUTE_MS;
  let at = wanted.toMillis();
  while (at - before > MINUTE_MS) {
    const middle =
      before + Math.floor((at - before) / 2 / MINUTE_MS) * MINUTE_MS;
    if (zone.offset(middle) === after) at = middle;
    else before = middle;
  }
  return new Date(at);
}

/** `Mon 2026-03-30 09:00 BST (2026-03-30T08:00:00.000Z)`. */
export function formatLocal(at: Date, timezone: string): string {
  const local = DateTime.fromJSDate(at)
    .setZone(timezone)
    .setLocale('en-GB')
    .toFormat('ccc yyyy-MM-dd HH:mm ZZZZ');
  return `${local} (${at.toISOString()})`;
}
