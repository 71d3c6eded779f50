import { JsonObject } from '@backstage/types';
import {
  versionConstraintGateFactory,
  versionOfTag,
} from './VersionConstraintGate';
import {
  digestOf,
  gateConfig,
  gateContext,
  IMAGE,
} from './__testUtils__/gateContext';

const gate = (block: JsonObject) =>
  versionConstraintGateFactory.create({
    config: gateConfig({ type: 'version-constraint', ...block }),
    environment: 'prod',
  });

const withTag = (tag?: string) =>
  gateContext({ artifact: { image: IMAGE, tag, digest: digestOf('a') } });

describe('VersionConstraintGate', () => {
  const range = gate({ range: '>=1.2.0 <2' });

  it.each([
    ['1.2.0', 'passed'],
    ['v1.9.12', 'passed'],
    ['1.3', 'passed'],
    ['1.1.9', 'failed'],
    ['2.0.0', 'failed'],
    ['v2', 'failed'],
    // Pre-releases stay out unless asked for, as in npm.
    ['1.5.0-rc.1', 'failed'],
  ])('tag %s is %s', async (tag, status) => {
    expect((await range.evaluate(withTag(tag))).status).toBe(status);
  });

  it('says which version is outside which range', async () => {
    expect((await range.evaluate(withTag('v2.1.0'))).message).toBe(
      "Version 2.1.0 (tag 'v2.1.0') is outside >=1.2.0 <2.",
    );
  });

  it('admits pre-releases with includePrerelease', async () => {
    const withPre = gate({ range: '>=1.2.0 <2', includePrerelease: true });
    expect((await withPre.evaluate(withTag('1.5.0-rc.1'))).status).toBe(
      'passed',
    );
  });

  it('fails without a tag or with a tag that is not a version', async () => {
    expect(await range.evaluate(withTag(undefined))).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/pinned without a tag/),
    });
    // semver.coerce would read this as 12345.0.0 and let it pass a >=1 range.
    expect(
      await gate({ range: '>=1' }).evaluate(withTag('sha-abc12345')),
    ).toMatchObject({
      status: 'failed',
      message:
        "Tag 'sha-abc12345' is not a semantic version, so it cannot be checked against >=1.",
    });
  });

  it('reads tags as versions strictly', () => {
    expect(versionOfTag('v1.2.3')).toBe('1.2.3');
    expect(versionOfTag('1.2')).toBe('1.2.0');
    // Build metadata does not order versions, so semver drops it.
    expect(versionOfTag('1.2.3-rc.1+build.5')).toBe('1.2.3-rc.1');
    expect(versionOfTag('latest')).toBeNull();
    expect(versionOfTag('20240101-abc')).toBe('20240101.0.0-abc');
  });

  it('names the key of a bad range', () => {
    expect(() => gate({ range: 'one or two' })).toThrow(
      "range: expected a semver range like '>=1.2.0 <2'",
    );
    expect(() => gate({})).toThrow(/^range: /);
  });
});
