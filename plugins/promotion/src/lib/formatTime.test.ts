import { formatTime } from './formatTime';

describe('formatTime', () => {
  it('formats a time for people, with its date and without seconds', () => {
    const text = formatTime('2024-05-10T14:05:42.000Z');
    expect(text).toMatch(/2024/);
    expect(text).not.toMatch(/42/);
    expect(text).not.toContain('T14');
  });

  it('returns text that is not a date unchanged', () => {
    expect(formatTime('soon')).toBe('soon');
  });
});
