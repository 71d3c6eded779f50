import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { deployedGateFactory } from './DeployedGate';
import {
  deploymentStatus,
  digestOf,
  gateConfig,
  gateContext,
  IMAGE,
} from './__testUtils__/gateContext';

const gate = deployedGateFactory.create({
  config: gateConfig({ type: 'deployed' }),
  environment: 'prod',
});

const withSource = (status: DeploymentStatus) => {
  const reads: number[] = [];
  const context = gateContext();
  return {
    reads,
    context: {
      ...context,
      source: {
        ...context.source,
        readDeployment: async () => {
          reads.push(1);
          return status;
        },
      },
    },
  };
};

describe('DeployedGate', () => {
  it('passes when the source runs the build by digest, synced and healthy', async () => {
    const { context, reads } = withSource(deploymentStatus());
    const result = await gate.evaluate(context);
    expect(reads).toHaveLength(1);
    expect(result.status).toBe('passed');
    expect(result.message).toBe(
      `staging runs ${IMAGE}:1.2.3@sha256:aaaaaaaaaaaa, in sync and healthy since 2026-03-02T10:20:00.000Z.`,
    );
  });

  it('waits, looking again in a minute, while the source runs another build', async () => {
    const { context } = withSource(
      deploymentStatus({ images: [`${IMAGE}@${digestOf('b')}`] }),
    );
    const result = await gate.evaluate(context);
    expect(result.status).toBe('pending');
    expect(result.retryAt).toEqual(new Date('2026-03-02T12:01:00.000Z'));
    expect(result.message).toContain('does not run');
  });

  it('waits while the build is progressing or out of sync', async () => {
    for (const status of [
      deploymentStatus({ health: 'progressing' }),
      deploymentStatus({ sync: 'out-of-sync' }),
    ]) {
      const { context } = withSource(status);
      expect((await gate.evaluate(context)).status).toBe('pending');
    }
  });

  it('fails when the source runs the build degraded, with the reason', async () => {
    const { context } = withSource(
      deploymentStatus({
        health: 'degraded',
        message: 'Deployment "payments" exceeded its progress deadline',
      }),
    );
    expect(await gate.evaluate(context)).toMatchObject({
      status: 'failed',
      message: expect.stringContaining(
        'degraded: Deployment "payments" exceeded its progress deadline',
      ),
    });
  });

  it('waits with a clear message when the source cannot be read', async () => {
    const { context } = withSource(
      deploymentStatus({
        sync: 'unknown',
        health: 'unknown',
        images: [],
        error:
          "Argo CD 'main' refused the token configured for it (401); renew it",
      }),
    );
    expect(await gate.evaluate(context)).toMatchObject({
      status: 'pending',
      message:
        "What runs in staging (payments-staging) is not known: Argo CD 'main' refused the token configured for it (401); renew it",
    });
  });

  it('fails when the source environment has no deployment source', async () => {
    expect(await gate.evaluate(gateContext())).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('staging has no deployment source'),
    });
  });

  it('takes a tag-only build as running when the tag runs', async () => {
    const context = withSource(
      deploymentStatus({ images: [`${IMAGE}:1.2.3`] }),
    ).context;
    const tagOnly = { ...context, artifact: { image: IMAGE, tag: '1.2.3' } };
    expect((await gate.evaluate(tagOnly)).status).toBe('passed');
  });

  it('refuses options it does not have, naming the key', () => {
    expect(() =>
      deployedGateFactory.create({
        config: gateConfig({ type: 'deployed', environment: 'qa' }),
        environment: 'prod',
      }),
    ).toThrow(/environment/);
  });
});
