import { formatDottedPath, parseDottedPath } from './dottedPath';

describe('parseDottedPath', () => {
  it.each<[string, Array<string | number>]>([
    ['image', ['image']],
    ['image.digest', ['image', 'digest']],
    ['api.image.tag', ['api', 'image', 'tag']],
    ['containers[0].image', ['containers', 0, 'image']],
    [
      'spec.template.spec.containers[12].image',
      ['spec', 'template', 'spec', 'containers', 12, 'image'],
    ],
    ['matrix[1][2]', ['matrix', 1, 2]],
    ['[0].image', [0, 'image']],
    ['annotations.example\\.com/digest', ['annotations', 'example.com/digest']],
    ['a\\.b\\.c', ['a.b.c']],
    ['weird\\[0\\]', ['weird[0]']],
    ['back\\\\slash', ['back\\slash']],
  ])('parses %s', (path, parts) => {
    expect(parseDottedPath(path)).toEqual(parts);
  });

  it.each([
    ['', 'empty'],
    ['.image', 'empty key'],
    ['image..digest', 'empty key'],
    ['image.', 'empty key'],
    ['containers[0].', 'empty key'],
    ['containers[x]', 'expected [number]'],
    ['containers[-1]', 'expected [number]'],
    ['containers[]', 'expected [number]'],
    ['containers[0', 'expected [number]'],
  ])('refuses %j (%s)', (path, problem) => {
    expect(() => parseDottedPath(path)).toThrow(
      `Invalid path '${path}': ${problem}`,
    );
  });
});

describe('formatDottedPath', () => {
  it.each([
    'image.digest',
    'containers[0].image',
    '[0].image',
    'matrix[1][2]',
    'annotations.example\\.com/digest',
  ])('formats %s back as written', path => {
    expect(formatDottedPath(parseDottedPath(path))).toBe(path);
  });

  it('escapes what the parser would split on, so the result parses back to the same parts', () => {
    const parts = ['a.b', 'weird[0]', 'back\\slash', 3];
    expect(formatDottedPath(parts)).toBe('a\\.b.weird\\[0].back\\\\slash[3]');
    expect(parseDottedPath(formatDottedPath(parts))).toEqual(parts);
  });

  it('formats a prefix of a path, as used to name the missing part', () => {
    expect(formatDottedPath(['deployment', 'containers', 5])).toBe(
      'deployment.containers[5]',
    );
  });
});
