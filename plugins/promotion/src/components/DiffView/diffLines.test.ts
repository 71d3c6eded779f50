import { diffLines } from './diffLines';

describe('diffLines', () => {
  it('tells headers, hunks, context, added and removed lines apart', () => {
    const diff = [
      '--- a/staging/kustomization.yaml',
      '+++ b/staging/kustomization.yaml',
      '@@ -1,3 +1,3 @@',
      ' images:',
      '-  - digest: sha256:222',
      '+  - digest: sha256:111',
      '   name: ghcr.io/acme/payments',
      '',
    ].join('\n');

    expect(diffLines(diff).map(line => line.kind)).toEqual([
      'header',
      'header',
      'hunk',
      'context',
      'removed',
      'added',
      'context',
    ]);
  });

  it('keeps removed and added YAML document markers inside a hunk', () => {
    const diff = [
      '--- a/values.yaml',
      '+++ b/values.yaml',
      '@@ -1,2 +1,2 @@',
      '----',
      '+++++',
      ' image: x',
    ].join('\n');

    expect(diffLines(diff).map(line => line.kind)).toEqual([
      'header',
      'header',
      'hunk',
      'removed',
      'added',
      'context',
    ]);
  });

  it('reads hunks without counts and the no-newline marker', () => {
    const diff = [
      '@@ -3 +3 @@',
      '-tag: 1.3.0',
      '+tag: 1.4.0',
      '\\ No newline at end of file',
      '@@ -9,0 +10,1 @@',
      '+replicas: 2',
    ].join('\n');

    expect(diffLines(diff).map(line => line.kind)).toEqual([
      'hunk',
      'removed',
      'added',
      'header',
      'hunk',
      'added',
    ]);
  });

  it('has no lines for an empty diff', () => {
    expect(diffLines('')).toEqual([]);
  });
});
