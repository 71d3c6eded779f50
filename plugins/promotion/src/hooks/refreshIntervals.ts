import {
  DeploymentStatus,
  Pipeline,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';

/** For a request about to move on by itself: gates being evaluated, execution. */
export const FAST_REFRESH_MS = 3000;

/**
 * For a request that moves by itself, but not soon (a soak time, a deployment
 * window, a pull request to be merged), and for trying again after a failed
 * read.
 */
export const SLOW_REFRESH_MS = 30_000;

/**
 * How soon an open request may change without anyone on this page acting,
 * or undefined when only people move it on (approvals, fixing a failed gate
 * and re-running it); then the page reads again after its own actions and
 * when the person comes back to it, not on a timer.
 */
export function requestRefreshMs(request: Promotion): number | undefined {
  switch (request.status) {
    case 'approved':
    case 'executing':
      return FAST_REFRESH_MS;
    case 'awaiting-merge':
      return SLOW_REFRESH_MS;
    case 'gating': {
      const runs = request.gateRuns ?? [];
      if (runs.some(run => run.status === 'pending')) {
        return SLOW_REFRESH_MS;
      }
      // Gates not evaluated yet, or all passed: the request moves on in a
      // moment. Only failed gates wait for a person.
      return runs.some(run => run.status === 'failed')
        ? undefined
        : FAST_REFRESH_MS;
    }
    default:
      return undefined;
  }
}

/**
 * How soon what an environment's deployment source reports may change by
 * itself: while a sync runs or the workload is progressing (a rollout, pods
 * starting), the card follows it closely. A degraded or out-of-sync
 * environment waits for a person; nothing to follow on a timer.
 */
export function deploymentRefreshMs(
  deployment: DeploymentStatus | undefined,
): number | undefined {
  if (!deployment || deployment.error) return undefined;
  return deployment.operationRunning || deployment.health === 'progressing'
    ? FAST_REFRESH_MS
    : undefined;
}

/**
 * How long after an answer to read the pipeline again: as soon as the
 * soonest-moving open request or deployment needs, and on the slow interval
 * after a failed read, so a backend that was down is picked up again.
 */
export function pipelineRefreshMs(
  pipeline: Pipeline | undefined,
  failed: boolean,
): number | undefined {
  const environments = pipeline?.environments ?? [];
  const intervals = [
    ...environments
      .flatMap(environment => environment.activeRequests)
      .map(requestRefreshMs),
    ...environments.map(environment =>
      deploymentRefreshMs(environment.deployment),
    ),
  ].filter((ms): ms is number => ms !== undefined);
  if (failed) {
    intervals.push(SLOW_REFRESH_MS);
  }
  return intervals.length > 0 ? Math.min(...intervals) : undefined;
}
