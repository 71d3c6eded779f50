import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { LifecycleGateFactory } from './LifecycleGate';

const entity = (lifecycle: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api' },
  spec: { lifecycle },
});

const context = (lifecycle: string) => ({
  entity: entity(lifecycle),
  entityRef: 'component:default/payments-api',
  artifact: { image: 'ghcr.io/acme/payments-api', digest: 'sha256:1' },
  source: { name: 'staging', artifact: null },
  target: { name: 'prod', artifact: null },
  now: new Date(),
  signal: new AbortController().signal,
});

describe('LifecycleGate', () => {
  const gate = new LifecycleGateFactory().create({
    config: new ConfigReader({ type: 'lifecycle', allowed: ['production'] }),
  });

  it('passes entities with an allowed lifecycle', async () => {
    await expect(gate.evaluate(context('production'))).resolves.toEqual(
      expect.objectContaining({ status: 'passed' }),
    );
  });

  it('fails the others, saying what the environment takes', async () => {
    await expect(gate.evaluate(context('experimental'))).resolves.toEqual(
      expect.objectContaining({
        status: 'failed',
        message:
          'payments-api is experimental; prod takes only production services',
      }),
    );
  });

  it('refuses config without allowed lifecycles', () => {
    expect(() =>
      new LifecycleGateFactory().create({
        config: new ConfigReader({ type: 'lifecycle', allowed: [] }),
      }),
    ).toThrow(/allowed/);
  });
});
