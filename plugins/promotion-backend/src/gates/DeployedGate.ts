import {
  Gate,
  GateContext,
  GateFactory,
  GateResult,
} from '@promotion-for-backstage/plugin-promotion-node';
import { describeArtifact } from './artifacts';
import { DEPLOYMENT_RETRY_MS, deploymentVerdict } from './deploymentVerdict';
import { gateBlockSchema, readGateConfig } from './readGateConfig';

/**
 * `type: deployed` — the source environment's deployment source (Argo CD or
 * Flux, its `deployment`) reports the build running there, in sync and
 * healthy: being on the source's branch is not enough to move on.
 */
export class DeployedGate implements Gate {
  readonly name = 'deployed';

  async evaluate({ source, artifact, now }: GateContext): Promise<GateResult> {
    if (!source.readDeployment) {
      return {
        status: 'failed',
        message: `${
          source.name
        } has no deployment source (its deployment in promotion.environments), so it cannot be known whether ${describeArtifact(
          artifact,
        )} runs there.`,
      };
    }
    const status = await source.readDeployment();
    const details = {
      source: source.name,
      resource: status.resource,
      sync: status.sync,
      health: status.health,
      images: status.images,
    };
    const verdict = deploymentVerdict(source.name, status, artifact);
    if (!verdict.ready) {
      return verdict.final
        ? { status: 'failed', message: verdict.message, details }
        : {
            status: 'pending',
            message: verdict.message,
            details,
            retryAt: new Date(now.getTime() + DEPLOYMENT_RETRY_MS),
          };
    }
    return {
      status: 'passed',
      message: `${source.name} runs ${describeArtifact(
        artifact,
      )}, in sync and healthy${
        status.healthySince ? ` since ${status.healthySince}` : ''
      }.`,
      details,
    };
  }
}

/** Makes {@link DeployedGate}s from `{ type: deployed }`. */
export const deployedGateFactory: GateFactory = {
  type: 'deployed',
  create({ config }) {
    readGateConfig(config, gateBlockSchema({}));
    return new DeployedGate();
  },
};
