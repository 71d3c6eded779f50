import { closestKey } from './closestKey';

describe('closestKey', () => {
  const known = ['name', 'approval', 'acceptsFrom', 'acceptsCi', 'id', 'url'];

  it.each([
    ['aproval', 'approval'], // a letter missing
    ['approvall', 'approval'], // a letter doubled
    ['apporval', 'approval'], // two letters swapped
    ['acceptsci', 'acceptsCi'], // case
    ['accepts_from', 'acceptsFrom'], // two edits
    ['nme', 'name'],
    ['uri', 'url'], // short keys: one edit
  ])('takes %s for %s', (key, meant) => {
    expect(closestKey(key, known)).toBe(meant);
  });

  it.each(['owner', 'timeout', 'xy'])(
    'suggests nothing for %s, which is not near any key',
    key => {
      expect(closestKey(key, known)).toBeUndefined();
    },
  );
});
