import { rolloutProgress, shortRevision } from './deploymentText';

describe('rolloutProgress', () => {
  it('says which canary step runs and how much traffic the canary takes', () => {
    expect(
      rolloutProgress({ name: 'payments', step: 2, steps: 5, weight: 20 }),
    ).toBe('Canary step 2 of 5 · 20% traffic');
  });

  it('says the steps are done once the step reached is the number of steps', () => {
    expect(
      rolloutProgress({ name: 'payments', step: 5, steps: 5, weight: 100 }),
    ).toBe('All 5 canary steps done · 100% traffic');
  });

  it('shows what the source reports and nothing it does not', () => {
    expect(rolloutProgress({ name: 'payments', weight: 0 })).toBe('0% traffic');
    expect(rolloutProgress({ name: 'payments', step: 1 })).toBe(
      'Canary step 1',
    );
    expect(rolloutProgress({ name: 'payments', phase: 'Healthy' })).toBe(
      undefined,
    );
  });
});

describe('shortRevision', () => {
  const SHA = 'abcdef1234567890abcdef1234567890abcdef12';

  it.each([
    [SHA, 'abcdef1'],
    [`main@sha1:${SHA}`, 'main@abcdef1'],
    ['1.4.2', '1.4.2'],
  ])('shortens %s to %s', (revision, expected) => {
    expect(shortRevision(revision)).toBe(expected);
  });
});
