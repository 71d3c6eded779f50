import { runningImageName } from './runningImage';

const DIGEST = `sha256:1111111111aa${'1'.repeat(52)}`;

describe('runningImageName', () => {
  it.each([
    [`ghcr.io/acme/payments:1.2.0@${DIGEST}`, 'payments:1.2.0 (1111111111aa)'],
    [`ghcr.io/acme/payments@${DIGEST}`, 'payments (1111111111aa)'],
    ['ghcr.io/acme/payments:1.2.0', 'payments:1.2.0'],
    ['nginx', 'nginx'],
    // A registry's port is not a tag.
    ['localhost:5000/payments', 'payments'],
    [
      `localhost:5000/acme/payments:1.2.0@${DIGEST}`,
      'payments:1.2.0 (1111111111aa)',
    ],
  ])('shortens %s to %s', (reference, expected) => {
    expect(runningImageName(reference)).toBe(expected);
  });
});
