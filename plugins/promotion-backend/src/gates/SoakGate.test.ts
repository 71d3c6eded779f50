import { JsonObject } from '@backstage/types';
import { soakGateFactory } from './SoakGate';
import {
  deploymentStatus,
  digestOf,
  gateConfig,
  gateContext,
  IMAGE,
} from './__testUtils__/gateContext';

const soak = (block: JsonObject) =>
  soakGateFactory.create({
    config: gateConfig({ type: 'soak', ...block }),
    environment: 'prod',
  });

// Staging has run the artifact since 10:00.
const since = '2026-03-02T10:00:00.000Z';
const at = (iso: string) =>
  gateContext({
    now: new Date(iso),
    source: { name: 'staging', artifact: gateContext().artifact, since },
  });

describe('SoakGate', () => {
  const gate = soak({ duration: { minutes: 30 } });

  it('is named after its duration', () => {
    expect(gate.name).toBe('soak 30m');
    expect(soak({ duration: { days: 1, hours: 12 } }).name).toBe('soak 1d 12h');
  });

  it('waits until the duration has passed since the pin, with that time as retryAt', async () => {
    const result = await gate.evaluate(at('2026-03-02T10:10:00.000Z'));
    expect(result.status).toBe('pending');
    expect(result.retryAt).toEqual(new Date('2026-03-02T10:30:00.000Z'));
    expect(result.message).toContain('for 10m of 30m');
  });

  it('passes from the moment the duration is reached', async () => {
    expect(await gate.evaluate(at('2026-03-02T10:29:59.999Z'))).toMatchObject({
      status: 'pending',
    });
    const result = await gate.evaluate(at('2026-03-02T10:30:00.000Z'));
    expect(result.status).toBe('passed');
    expect(result.retryAt).toBeUndefined();
  });

  it('fails when the source does not run the artifact, as no soak is happening', async () => {
    const result = await gate.evaluate(
      gateContext({
        now: new Date('2026-03-09T00:00:00.000Z'),
        source: {
          name: 'staging',
          artifact: { image: IMAGE, tag: '1.2.4', digest: digestOf('d') },
          since,
        },
      }),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /^staging runs ghcr.io\/acme\/payments:1.2.4@sha256:dddddddddddd now/,
    );
  });

  it('fails when it is not known since when the source runs it', async () => {
    const result = await gate.evaluate(
      gateContext({
        source: { name: 'staging', artifact: gateContext().artifact },
      }),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/soak cannot be measured/);
  });

  it('reads durations the way the rest of Backstage does', () => {
    expect(soak({ duration: '2h' }).name).toBe('soak 2h');
    expect(soak({ duration: 'PT45M' }).name).toBe('soak 45m');
  });

  it('names the key of a missing or malformed duration', () => {
    expect(() => soak({})).toThrow(
      'duration: expected a duration like { minutes: 30 }',
    );
    expect(() => soak({ duration: { minuets: 30 } })).toThrow(
      'duration: expected a duration like { minutes: 30 }',
    );
    expect(() => soak({ duration: 30 })).toThrow(
      'duration: expected a duration like { minutes: 30 }',
    );
    expect(() => soak({ duration: 'soon' })).toThrow(
      /^duration: expected a duration like \{ minutes: 30 \}; Invalid duration 'soon'/,
    );
  });
});

describe('SoakGate with a deployment source', () => {
  const gate = soak({ duration: { minutes: 30 } });
  // Pinned at 10:00, healthy on the build only from 10:20.
  const deployed = (iso: string, status = deploymentStatus()) => {
    const context = at(iso);
    return {
      ...context,
      source: { ...context.source, readDeployment: async () => status },
    };
  };

  it('counts from when the source became healthy running the build, not from the pin', async () => {
    const early = await gate.evaluate(deployed('2026-03-02T10:40:00.000Z'));
    expect(early.status).toBe('pending');
    expect(early.retryAt).toEqual(new Date('2026-03-02T10:50:00.000Z'));
    expect(early.message).toContain('for 20m of 30m');
    expect(
      (await gate.evaluate(deployed('2026-03-02T10:50:00.000Z'))).status,
    ).toBe('passed');
  });

  it('never counts from before the pin when the source was healthy on the build before', async () => {
    const result = await gate.evaluate(
      deployed(
        '2026-03-02T10:20:00.000Z',
        deploymentStatus({ healthySince: '2026-03-01T08:00:00.000Z' }),
      ),
    );
    expect(result.status).toBe('pending');
    expect(result.retryAt).toEqual(new Date('2026-03-02T10:30:00.000Z'));
  });

  it('has not started while the build is not running healthy there', async () => {
    const result = await gate.evaluate(
      deployed(
        '2026-03-02T12:00:00.000Z',
        deploymentStatus({ health: 'progressing' }),
      ),
    );
    expect(result.status).toBe('pending');
    expect(result.message).toContain('is not soaking yet');
    expect(result.retryAt).toEqual(new Date('2026-03-02T12:01:00.000Z'));
  });
});
