import { sourceMatchGateFactory } from './SourceMatchGate';
import {
  digestOf,
  gateConfig,
  gateContext,
  IMAGE,
} from './__testUtils__/gateContext';

const gate = sourceMatchGateFactory.create({
  config: gateConfig({ type: 'source-match' }),
  environment: 'prod',
});

describe('SourceMatchGate', () => {
  it('passes when the source runs the same digest, whatever its tag', async () => {
    const context = gateContext({
      artifact: { image: IMAGE, tag: '1.2.3', digest: digestOf('a') },
      source: {
        name: 'staging',
        artifact: {
          image: IMAGE,
          tag: 'release-candidate',
          digest: digestOf('a'),
        },
      },
    });
    expect(await gate.evaluate(context)).toMatchObject({ status: 'passed' });
  });

  it('fails on another digest under the same tag, saying what runs there', async () => {
    const context = gateContext({
      artifact: { image: IMAGE, tag: '1.2.3', digest: digestOf('a') },
      source: {
        name: 'staging',
        artifact: { image: IMAGE, tag: '1.2.3', digest: digestOf('c') },
      },
    });
    const result = await gate.evaluate(context);
    expect(result.status).toBe('failed');
    expect(result.message).toBe(
      `staging runs ${IMAGE}:1.2.3@sha256:cccccccccccc now, not ${IMAGE}:1.2.3@sha256:aaaaaaaaaaaa.`,
    );
  });

  it('compares tags when the source is pinned by tag alone', async () => {
    const source = (tag: string) => ({
      name: 'staging',
      artifact: { image: IMAGE, tag },
    });
    const artifact = {
      image: IMAGE,
      tag: 'sha-abc12345',
      digest: digestOf('a'),
    };
    expect(
      await gate.evaluate(
        gateContext({ artifact, source: source('sha-abc12345') }),
      ),
    ).toMatchObject({ status: 'passed' });
    expect(
      await gate.evaluate(
        gateContext({ artifact, source: source('sha-def67890') }),
      ),
    ).toMatchObject({ status: 'failed' });
  });

  it('fails when there is nothing to compare', async () => {
    const empty = await gate.evaluate(
      gateContext({ source: { name: 'staging', artifact: null } }),
    );
    expect(empty.status).toBe('failed');
    expect(empty.message).toMatch(/^Nothing runs in staging yet/);

    // A digest on one side and only a tag on the other cannot be matched.
    const incomparable = await gate.evaluate(
      gateContext({
        artifact: { image: IMAGE, digest: digestOf('a') },
        source: { name: 'staging', artifact: { image: IMAGE, tag: '1.2.3' } },
      }),
    );
    expect(incomparable.status).toBe('failed');
  });

  it('refuses settings it does not have', () => {
    expect(() =>
      sourceMatchGateFactory.create({
        config: gateConfig({ type: 'source-match', from: 'dev' }),
        environment: 'prod',
      }),
    ).toThrow('from: unknown key; the settings here are type, mode, name');
  });
});
