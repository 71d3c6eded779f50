const UNITS: Array<[suffix: string, milliseconds: number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * A short human form of a duration for gate names and messages, e.g. `30m`,
 * `1d 12h`, `250ms`; the two largest units are precise enough to read.
 */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1_000) {
    return `${Math.round(milliseconds)}ms`;
  }
  const parts: string[] = [];
  let rest = milliseconds;
  for (const [suffix, size] of UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      parts.push(`${amount}${suffix}`);
      rest -= amount * size;
    }
  }
  return parts.slice(0, 2).join(' ');
}
