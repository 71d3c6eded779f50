import {
  Artifact,
  PipelineEnvironment,
  Promotion,
  SUPERSEDABLE_PROMOTION_STATUSES,
} from '@promotion-for-backstage/plugin-promotion-common';

/**
 * Open requests into the target that a new request would supersede: the
 * backend replaces a request that has not started executing (gating,
 * awaiting approval, approved) with the newer one.
 */
export function supersededBy(targetRequests: Promotion[]): Promotion[] {
  return targetRequests.filter(isSupersedable);
}

function isSupersedable(request: Promotion): boolean {
  return SUPERSEDABLE_PROMOTION_STATUSES.includes(request.status);
}

/**
 * Why `source` cannot be promoted into `target` right now, or undefined when
 * it can. The backend enforces the same rules (and computes the caller's
 * permission as `allowedActions`); this only spares people a request that is
 * bound to be refused, or one that would only replace an identical one.
 */
export function promoteBlocker(
  source: PipelineEnvironment,
  target: PipelineEnvironment,
  targetRequests: Promotion[],
): string | undefined {
  const build = source.artifact;
  if (!build) {
    return `Nothing is deployed to ${source.name} yet`;
  }
  if (!target.allowedActions.includes('promote')) {
    return `You may not promote to ${target.name}`;
  }
  // Once a request executes or waits for its merge, the backend refuses a
  // new one (409) until it ends.
  if (!targetRequests.every(isSupersedable)) {
    return `A promotion to ${target.name} is under way; promote again once it ends`;
  }
  // Superseding a request for the same build would only throw away its
  // gate results and approvals.
  if (targetRequests.some(request => sameBuild(build, request.artifact))) {
    return `A promotion of this build to ${target.name} is already open`;
  }
  if (target.artifact && sameBuild(build, target.artifact)) {
    return `${target.name} already runs this build`;
  }
  return undefined;
}

// The digest identifies a build; a tag only does when no digest is pinned.
function sameBuild(a: Artifact, b: Artifact): boolean {
  if (a.digest || b.digest) {
    return a.digest === b.digest;
  }
  return a.image === b.image && a.tag === b.tag;
}
