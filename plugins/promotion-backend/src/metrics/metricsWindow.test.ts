import {
  bucketRanges,
  resolveMetricsWindow,
  windowDays,
} from './metricsWindow';

const NOW = new Date('2030-06-15T12:00:00.000Z');

describe('resolveMetricsWindow', () => {
  it('is the last 30 calendar days, today included, in days when the query names no window', () => {
    const window = resolveMetricsWindow({}, NOW);
    expect(window).toEqual({
      from: new Date('2030-05-17T00:00:00.000Z'),
      to: NOW,
      bucket: 'day',
      bucketMs: 86_400_000,
      calendarDays: 30,
    });
    // Today counts whole, so a rate per day never divides by part of a day.
    expect(windowDays(window)).toBe(30);
    expect(
      windowDays(
        resolveMetricsWindow({ window: 1 }, new Date('2030-06-15T00:30:00Z')),
      ),
    ).toBe(1);
    const buckets = bucketRanges(window);
    expect(buckets).toHaveLength(30);
    // The last bucket is today's so far.
    expect(buckets[29]).toEqual({
      start: '2030-06-15T00:00:00.000Z',
      end: '2030-06-15T12:00:00.000Z',
    });
  });

  it('counts a window back from to when the query names to', () => {
    const window = resolveMetricsWindow(
      { window: 7, to: '2030-06-01T00:00:00.000Z' },
      NOW,
    );
    expect(window.from.toISOString()).toBe('2030-05-25T00:00:00.000Z');
  });

  it('cuts windows longer than 31 days into weeks unless told otherwise', () => {
    expect(resolveMetricsWindow({ window: 31 }, NOW).bucket).toBe('day');
    expect(resolveMetricsWindow({ window: 32 }, NOW).bucket).toBe('week');
    expect(
      resolveMetricsWindow({ window: 90, bucket: 'day' }, NOW).bucket,
    ).toBe('day');
  });

  it('takes from and to as given, to defaulting to now, the last bucket ending with the window', () => {
    const window = resolveMetricsWindow(
      { from: '2030-06-01T00:00:00+02:00', bucket: 'week' },
      NOW,
    );
    expect(window.from.toISOString()).toBe('2030-05-31T22:00:00.000Z');
    expect(window.to).toEqual(NOW);
    expect(bucketRanges(window)).toEqual([
      { start: '2030-05-31T22:00:00.000Z', end: '2030-06-07T22:00:00.000Z' },
      { start: '2030-06-07T22:00:00.000Z', end: '2030-06-14T22:00:00.000Z' },
      { start: '2030-06-14T22:00:00.000Z', end: '2030-06-15T12:00:00.000Z' },
    ]);
  });
});
