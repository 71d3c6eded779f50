import {
  CURRENT,
  OLDEST,
  PREVIOUS,
  version,
} from '../../testUtils/rollbackFixtures';
import { defaultChoice, rollbackChoices } from './rollbackChoices';

describe('rollbackChoices', () => {
  it('offers every earlier build and defaults to the one before the current', () => {
    const choices = rollbackChoices([CURRENT, PREVIOUS, OLDEST]);
    expect(choices.map(choice => choice.unavailable)).toEqual([
      'Runs now',
      undefined,
      undefined,
    ]);
    expect(defaultChoice(choices)).toBe(1);
  });

  it('skips entries of the current build and older entries of a build that ran again', () => {
    // 1.2.0 now, 1.1.0, 1.2.0 (pinned before), 1.1.0 (before that), 1.0.0
    const choices = rollbackChoices([
      CURRENT,
      PREVIOUS,
      { ...CURRENT, commit: { ...CURRENT.commit, sha: 'c'.repeat(40) } },
      { ...PREVIOUS, commit: { ...PREVIOUS.commit, sha: 'd'.repeat(40) } },
      OLDEST,
    ]);
    expect(choices.map(choice => choice.unavailable)).toEqual([
      'Runs now',
      undefined,
      'The build that runs now',
      'Ran again later, see above',
      undefined,
    ]);
  });

  it('defaults past re-pins of the current build, as the backend does', () => {
    const repinned = {
      ...CURRENT,
      commit: { ...CURRENT.commit, sha: 'c'.repeat(40) },
    };
    expect(defaultChoice(rollbackChoices([CURRENT, repinned, OLDEST]))).toBe(2);
  });

  it('tells tag-only pins apart by tag', () => {
    const choices = rollbackChoices([
      version('1.2.0', undefined, 'bob', 1),
      version('1.1.0', undefined, 'alice', 2),
    ]);
    expect(defaultChoice(choices)).toBe(1);
  });

  it('has no default when nothing earlier ran', () => {
    expect(defaultChoice(rollbackChoices([CURRENT]))).toBeUndefined();
    expect(defaultChoice(rollbackChoices([]))).toBeUndefined();
  });
});
