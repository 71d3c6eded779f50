import { changeTicketUrl, matchesChangeTicketPattern } from './changeTickets';
import { changeTicketSchema } from './schemas';

describe('change tickets', () => {
  it("links a ticket to the environment's page, URL-encoded", () => {
    expect(
      changeTicketUrl(
        { url: 'https://itsm.internal/change/{{ ticket }}?view={{ticket}}' },
        'OPS#42/a',
      ),
    ).toBe('https://itsm.internal/change/OPS%2342%2Fa?view=OPS%2342%2Fa');
    expect(changeTicketUrl({}, 'CHG1')).toBeUndefined();
    expect(changeTicketUrl(undefined, 'CHG1')).toBeUndefined();
  });

  it('matches the whole reference against the pattern', () => {
    const rule = { pattern: 'CHG[0-9]{7}|INC[0-9]+' };
    expect(matchesChangeTicketPattern(rule, 'CHG0012345')).toBe(true);
    expect(matchesChangeTicketPattern(rule, 'INC42')).toBe(true);
    expect(matchesChangeTicketPattern(rule, 'XCHG0012345')).toBe(false);
    expect(matchesChangeTicketPattern(rule, 'CHG00123456')).toBe(false);
    expect(matchesChangeTicketPattern({}, 'anything-1')).toBe(true);
  });

  it('takes one token of safe characters, never a line break for a trailer', () => {
    expect(changeTicketSchema.parse('  CHG0012345 ')).toBe('CHG0012345');
    expect(changeTicketSchema.safeParse('CHG1\nPromoted-By: x').success).toBe(
      false,
    );
    expect(changeTicketSchema.safeParse('').success).toBe(false);
    expect(changeTicketSchema.safeParse('a b').success).toBe(false);
    expect(changeTicketSchema.safeParse('x'.repeat(101)).success).toBe(false);
  });
});
