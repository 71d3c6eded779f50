import { buildName, sameBuild } from './buildName';

const IMAGE = 'ghcr.io/acme/payments';
const DIGEST = `sha256:2222222222bb${'2'.repeat(52)}`;

describe('buildName', () => {
  it('names a build by its tag and short digest', () => {
    expect(buildName({ image: IMAGE, tag: '1.1.0', digest: DIGEST })).toBe(
      '1.1.0 (2222222222bb)',
    );
  });

  it('uses what the pin has', () => {
    expect(buildName({ image: IMAGE, tag: '1.1.0' })).toBe('1.1.0');
    expect(buildName({ image: IMAGE, digest: DIGEST })).toBe('2222222222bb');
    expect(buildName({ image: IMAGE })).toBe(IMAGE);
  });
});

describe('sameBuild', () => {
  it('compares digests when both pins have one, whatever the tags say', () => {
    expect(
      sameBuild(
        { image: IMAGE, tag: 'a', digest: DIGEST },
        { image: IMAGE, tag: 'b', digest: DIGEST },
      ),
    ).toBe(true);
    expect(
      sameBuild(
        { image: IMAGE, tag: 'a', digest: DIGEST },
        { image: IMAGE, tag: 'a', digest: `sha256:${'9'.repeat(64)}` },
      ),
    ).toBe(false);
  });

  it('compares tags only between two tag-only pins', () => {
    expect(
      sameBuild({ image: IMAGE, tag: 'a' }, { image: IMAGE, tag: 'a' }),
    ).toBe(true);
    expect(
      sameBuild(
        { image: IMAGE, tag: 'a' },
        { image: IMAGE, tag: 'a', digest: DIGEST },
      ),
    ).toBe(false);
  });
});
