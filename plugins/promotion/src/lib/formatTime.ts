const dateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/**
 * A moment as people read it in their own locale and time zone, e.g.
 * "10 May 2024, 14:00". Text that is not a date is returned unchanged.
 */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateTime.format(time);
}
