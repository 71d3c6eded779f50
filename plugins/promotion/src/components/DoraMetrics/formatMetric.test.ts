import {
  formatBucket,
  formatDuration,
  formatFrequency,
  formatRate,
} from './formatMetric';

describe('formatMetric', () => {
  it('writes durations in the unit that reads best', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3.5 * 3600_000)).toBe('3.5 h');
    expect(formatDuration(14.4 * 3600_000)).toBe('14 h');
    expect(formatDuration(2.14 * 86_400_000)).toBe('2.1 d');
  });

  it('writes rates as percentages and frequencies per day or per week', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.045)).toBe('4.5%');
    expect(formatRate(4 / 7)).toBe('57%');
    expect(formatFrequency(0)).toBe('none');
    expect(formatFrequency(2.5)).toBe('2.5 / day');
    expect(formatFrequency(3 / 7)).toBe('3 / week');
  });

  it('writes a bucket as its UTC day', () => {
    expect(formatBucket('2030-03-04T23:30:00.000Z')).toBe('4 Mar');
  });
});
