const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * "3 hours ago" for an ISO time. Uses the platform's formatter rather than a
 * date library because the plugin only ever needs this one phrase.
 */
export function formatAge(iso: string, now: number = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return iso;
  }
  const seconds = Math.round((time - now) / 1000);
  const [unit, size] =
    UNITS.find(([, unitSeconds]) => Math.abs(seconds) >= unitSeconds) ??
    UNITS[UNITS.length - 1];
  return relative.format(Math.round(seconds / size), unit);
}
