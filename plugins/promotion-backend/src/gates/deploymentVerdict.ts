import {
  Artifact,
  DeploymentStatus,
} from '@promotion-for-backstage/plugin-promotion-common';
import { runsArtifact } from '../deployment/runsArtifact';
import { describeArtifact } from './artifacts';

/** How often a gate waiting on a deployment looks again. */
export const DEPLOYMENT_RETRY_MS = 60_000;

/**
 * Whether an environment's deployment source says it runs the build, in
 * sync and healthy; else why not, and whether waiting can change it
 * (`degraded` cannot by itself: a person has to act).
 */
export function deploymentVerdict(
  environment: string,
  status: DeploymentStatus,
  artifact: Artifact,
): { ready: true } | { ready: false; final: boolean; message: string } {
  const where = `${environment} (${status.resource})`;
  if (status.error) {
    return {
      ready: false,
      final: false,
      message: `What runs in ${where} is not known: ${status.error}`,
    };
  }
  const wanted = describeArtifact(artifact);
  if (!runsArtifact(status.images, artifact)) {
    const running =
      status.images.length > 0 ? status.images.join(', ') : 'no image reported';
    return {
      ready: false,
      final: false,
      message: `${where} does not run ${wanted} yet (runs ${running}).`,
    };
  }
  if (status.health === 'degraded') {
    return {
      ready: false,
      final: true,
      message: `${where} runs ${wanted} but is degraded${
        status.message ? `: ${status.message}` : '.'
      }`,
    };
  }
  if (status.sync !== 'synced' || status.health !== 'healthy') {
    return {
      ready: false,
      final: false,
      message: `${where} runs ${wanted} but is ${status.sync} and ${
        status.health
      }${status.message ? `: ${status.message}` : '.'}`,
    };
  }
  return { ready: true };
}
