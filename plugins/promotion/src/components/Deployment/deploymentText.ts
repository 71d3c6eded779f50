import {
  DeploymentHealth,
  DeploymentRollout,
  DeploymentStatus,
  DeploymentSync,
} from '@promotion-for-backstage/plugin-promotion-common';

/** The sync state in words; the chip's colour and icon repeat it, they never carry it alone. */
export const SYNC_TEXT: Record<DeploymentSync, string> = {
  synced: 'Synced',
  'out-of-sync': 'Out of sync',
  unknown: 'Sync unknown',
};

/** The health in words, as Argo CD names it. */
export const HEALTH_TEXT: Record<DeploymentHealth, string> = {
  healthy: 'Healthy',
  progressing: 'Progressing',
  degraded: 'Degraded',
  suspended: 'Suspended',
  missing: 'Missing',
  unknown: 'Health unknown',
};

export const SOURCE_TEXT: Record<DeploymentStatus['source'], string> = {
  argocd: 'Argo CD',
  flux: 'Flux',
};

/**
 * Where a rollout has got to, e.g. `Canary step 2 of 5 · 20% traffic`, or
 * undefined when the source reports neither steps nor weight. `step` is the
 * index of the next step to run, which is also how many have run, so it is
 * shown as Argo Rollouts' own `Step 2/5` shows it.
 */
export function rolloutProgress(
  rollout: DeploymentRollout,
): string | undefined {
  const parts: string[] = [];
  const { step, steps, weight } = rollout;
  if (step !== undefined && steps !== undefined) {
    parts.push(
      step >= steps
        ? `All ${steps} canary steps done`
        : `Canary step ${step} of ${steps}`,
    );
  } else if (step !== undefined) {
    parts.push(`Canary step ${step}`);
  }
  if (weight !== undefined) {
    parts.push(`${weight}% traffic`);
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * A git revision as a card has room for: a full commit sha to its first 7
 * characters, also inside Flux's `main@sha1:…`; a chart version as it is.
 */
export function shortRevision(revision: string): string {
  return revision.replace(/(?:sha1:|sha256:)?([0-9a-f]{7})[0-9a-f]{33,}/, '$1');
}
