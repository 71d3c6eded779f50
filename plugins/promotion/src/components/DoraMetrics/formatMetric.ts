const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const oneDecimal = (value: number) =>
  value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);

/** A duration in the unit that reads best: `45 s`, `12 min`, `3.5 h`, `2.1 d`; an em dash without one. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < MINUTE) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms < DAY) return `${oneDecimal(ms / HOUR)} h`;
  return `${oneDecimal(ms / DAY)} d`;
}

/** A share as a percentage, `25%`, `4.5%`; an em dash without one. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const percent = rate * 100;
  return `${
    percent > 0 && percent < 10 ? oneDecimal(percent) : Math.round(percent)
  }%`;
}

/** How often per day, or per week when less than daily: `2.5 / day`, `3 / week`. */
export function formatFrequency(perDay: number): string {
  if (perDay === 0) return 'none';
  if (perDay >= 1) return `${oneDecimal(perDay)} / day`;
  return `${oneDecimal(perDay * 7)} / week`;
}

/** The start of a bucket as a short date, `3 Dec`. */
export function formatBucket(start: string): string {
  return new Date(start).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}
