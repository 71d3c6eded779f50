import { checkTagTemplates, environmentTags, versionOf } from './tagNames';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const TAGS = {
  immutable: '{{ version }}-{{ environment }}',
  mutable: 'latest-{{ environment }}',
  rollback: '{{ version }}-{{ environment }}-rollback',
};

describe('tag names', () => {
  it('names the version by the tag, or by the first 12 hex digits of the digest', () => {
    expect(
      versionOf(
        { image: 'acme/payments', tag: '1.4.0', digest: DIGEST },
        DIGEST,
      ),
    ).toBe('1.4.0');
    expect(versionOf({ image: 'acme/payments', digest: DIGEST }, DIGEST)).toBe(
      'ab12ab12ab12',
    );
  });

  it('writes the immutable and mutable tags for a promotion, the rollback tag for a rollback', () => {
    const options = { tags: TAGS, environment: 'prod', version: '1.4.0' };
    expect(environmentTags({ ...options, kind: 'promotion' })).toEqual([
      { name: '1.4.0-prod', immutable: true },
      { name: 'latest-prod', immutable: false },
    ]);
    expect(environmentTags({ ...options, kind: 'rollback' })).toEqual([
      { name: '1.4.0-prod-rollback', immutable: true },
      { name: 'latest-prod', immutable: false },
    ]);
  });

  it('writes no tag that is switched off, and none without registry.tags', () => {
    expect(
      environmentTags({
        tags: { ...TAGS, mutable: false },
        environment: 'prod',
        kind: 'promotion',
        version: '1.4.0',
      }),
    ).toEqual([{ name: '1.4.0-prod', immutable: true }]);
    expect(
      environmentTags({
        tags: undefined,
        environment: 'prod',
        kind: 'promotion',
        version: '1.4.0',
      }),
    ).toEqual([]);
  });

  it('refuses a rendered name that is not a valid tag', () => {
    expect(() =>
      environmentTags({
        tags: TAGS,
        environment: 'prod',
        kind: 'promotion',
        version: 'feature/login',
      }),
    ).toThrow("'feature/login-prod' is not a valid tag");
    expect(() =>
      environmentTags({
        tags: TAGS,
        environment: 'prod',
        kind: 'promotion',
        version: 'v'.repeat(130),
      }),
    ).toThrow('at most 128');
  });

  it('reports unknown placeholders by key', () => {
    expect(
      checkTagTemplates({
        ...TAGS,
        mutable: 'latest-{{ env }}',
        rollback: false,
      }),
    ).toEqual([
      {
        key: 'mutable',
        message:
          "unknown placeholder '{{ env }}'; use {{ version }} and {{ environment }}",
      },
    ]);
    expect(checkTagTemplates(undefined)).toEqual([]);
  });
});
