import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { GateContext } from '@promotion-for-backstage/plugin-promotion-node';

export const IMAGE = 'ghcr.io/acme/payments';
export const digestOf = (char: string) => `sha256:${char.repeat(64)}`;

/**
 * A gate context for a promotion of payments from staging to prod, where
 * staging has run the artifact since 10:00 and it is noon; tests override
 * what they are about.
 */
export function gateContext(overrides: Partial<GateContext> = {}): GateContext {
  const artifact = { image: IMAGE, tag: '1.2.3', digest: digestOf('a') };
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments', namespace: 'default' },
      spec: {},
    },
    entityRef: 'component:default/payments',
    artifact,
    source: { name: 'staging', artifact, since: '2026-03-02T10:00:00.000Z' },
    target: {
      name: 'prod',
      artifact: { image: IMAGE, tag: '1.2.2', digest: digestOf('b') },
      since: '2026-02-20T09:00:00.000Z',
    },
    now: new Date('2026-03-02T12:00:00.000Z'),
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** A gate config block as the runner hands it to a factory. */
export const gateConfig = (block: JsonObject) => new ConfigReader(block);

/** What an Argo CD Application reports for staging, running the context's artifact, synced and healthy since 10:20. */
export function deploymentStatus(
  overrides: Partial<DeploymentStatus> = {},
): DeploymentStatus {
  return {
    source: 'argocd',
    resource: 'payments-staging',
    sync: 'synced',
    health: 'healthy',
    images: [`${IMAGE}:1.2.3@${digestOf('a')}`],
    lastSyncedAt: '2026-03-02T10:19:30.000Z',
    healthySince: '2026-03-02T10:20:00.000Z',
    manualSync: false,
    ...overrides,
  };
}
