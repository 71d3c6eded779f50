import { formatAge } from './formatAge';

const now = Date.parse('2024-05-10T12:00:00.000Z');

describe('formatAge', () => {
  it.each([
    ['2024-05-10T11:59:30.000Z', '30 seconds ago'],
    ['2024-05-10T11:55:00.000Z', '5 minutes ago'],
    ['2024-05-10T09:00:00.000Z', '3 hours ago'],
    ['2024-05-09T12:00:00.000Z', 'yesterday'],
    ['2024-04-26T12:00:00.000Z', '2 weeks ago'],
    ['2023-05-10T12:00:00.000Z', 'last year'],
    ['2024-05-10T12:00:00.000Z', 'now'],
  ])('formats %s as "%s"', (iso, expected) => {
    expect(formatAge(iso, now)).toBe(expected);
  });

  it('returns text that is not a date unchanged', () => {
    expect(formatAge('unknown', now)).toBe('unknown');
  });
});
