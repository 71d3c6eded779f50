import { shortDigest } from './shortDigest';

describe('shortDigest', () => {
  it('keeps the 12 hex characters after sha256:', () => {
    expect(shortDigest(`sha256:0123456789abcdef${'0'.repeat(48)}`)).toBe(
      '0123456789ab',
    );
  });

  it('works for other algorithms and bare hex', () => {
    expect(shortDigest(`sha512:fedcba9876543210${'1'.repeat(112)}`)).toBe(
      'fedcba987654',
    );
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345');
  });
});
