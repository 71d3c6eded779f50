import {
  DeploymentHealth,
  DeploymentStatus,
  DeploymentSync,
} from '@promotion-for-backstage/plugin-promotion-common';

/** A status condition as Flux (and Kubernetes) writes it. */
interface Condition {
  type?: string;
  status?: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** One Helm release of a HelmRelease (`helm.toolkit.fluxcd.io/v2`), newest first. */
interface HelmSnapshot {
  name?: string;
  version?: number;
  chartName?: string;
  chartVersion?: string;
  configDigest?: string;
  ociDigest?: string;
  status?: string;
  lastDeployed?: string;
}

/**
 * The parts of a Kustomization (`kustomize.toolkit.fluxcd.io/v1`) or a
 * HelmRelease (`helm.toolkit.fluxcd.io/v2`) that tell what runs.
 */
export interface FluxObject {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { suspend?: boolean };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    /** Kustomization: the source revision last applied, e.g. `main@sha1:4f9c…`. */
    lastAppliedRevision?: string;
    /** Kustomization: a source revision; HelmRelease: a chart version (with `@digest` for OCI). */
    lastAttemptedRevision?: string;
    /** HelmRelease: digest of the values last attempted. */
    lastAttemptedConfigDigest?: string;
    history?: HelmSnapshot[];
  };
}

export type FluxKind = 'Kustomization' | 'HelmRelease';

/** What Flux's own status says, before the workload's images are added. */
export type FluxObjectStatus = Pick<
  DeploymentStatus,
  'sync' | 'health' | 'revision' | 'lastSyncedAt' | 'healthySince' | 'message'
>;

/**
 * Reads sync and health off a Flux object's `Ready` condition and revisions.
 *
 * Flux has no separate sync and health: `Ready` is True once the newest
 * revision is applied and (with health checks) healthy, Unknown while a
 * reconciliation runs, False when it failed. "Out of sync" is told by the
 * revisions instead: a `lastAttemptedRevision` that is not the applied one
 * means the newest revision was tried and is not what runs.
 */
export function describeFluxObject(
  kind: FluxKind,
  object: FluxObject,
): FluxObjectStatus {
  const status = object.status ?? {};
  const ready = status.conditions?.find(c => c.type === 'Ready');
  const applied =
    kind === 'Kustomization'
      ? kustomizationApplied(object)
      : helmApplied(object);

  const suspended = object.spec?.suspend === true;
  const health: DeploymentHealth = suspended ? 'suspended' : readyHealth(ready);

  // A spec changed since the controller last looked (a new path, new values)
  // is not applied yet, whatever the conditions of the old spec say.
  const staleSpec =
    object.metadata?.generation !== undefined &&
    status.observedGeneration !== undefined &&
    status.observedGeneration < object.metadata.generation;

  let sync: DeploymentSync = 'unknown';
  if (applied.divergence || staleSpec) sync = 'out-of-sync';
  else if (ready?.status === 'True') sync = 'synced';

  const notes: string[] = [];
  if (suspended)
    notes.push(`Flux does not reconcile this ${kind}: it is suspended`);
  if (ready && ready.status !== 'True' && ready.message)
    notes.push(ready.message);
  if (applied.divergence) notes.push(applied.divergence);

  // Kustomization: Flux turns Ready Unknown while it applies a new revision
  // and True when done, so a True Ready's lastTransitionTime is when the
  // revision that runs was applied. (`lastHandledReconcileAt` is not a time of
  // applying: it is only the token of the last `flux reconcile` request.)
  // HelmRelease: the Helm release records when it was deployed.
  const readySince =
    ready?.status === 'True' ? ready.lastTransitionTime : undefined;
  const lastSyncedAt = kind === 'HelmRelease' ? applied.deployedAt : readySince;

  return {
    sync,
    health,
    ...(applied.revision ? { revision: applied.revision } : {}),
    ...(lastSyncedAt ? { lastSyncedAt } : {}),
    ...(health === 'healthy' ? latest(readySince, lastSyncedAt) : {}),
    ...(notes.length > 0 ? { message: notes.join('; ') } : {}),
  };
}

function readyHealth(ready: Condition | undefined): DeploymentHealth {
  switch (ready?.status) {
    case 'True':
      return 'healthy';
    case 'False':
      return 'degraded';
    case 'Unknown':
      // Flux's kstatus: Ready Unknown means reconciling (reason Progressing).
      return 'progressing';
    default:
      return 'unknown';
  }
}

interface Applied {
  /** What runs: a source revision, or `chart@version` of the deployed release. */
  revision?: string;
  /** Set when the last attempt is not what runs, saying how. */
  divergence?: string;
  deployedAt?: string;
}

function kustomizationApplied(object: FluxObject): Applied {
  const { lastAppliedRevision: revision, lastAttemptedRevision: attempted } =
    object.status ?? {};
  const diverged = !!attempted && attempted !== revision;
  return {
    revision,
    ...(diverged
      ? {
          divergence: `Flux last attempted ${attempted}, but ${
            revision
              ? `${revision} is what was applied`
              : 'nothing was applied yet'
          }`,
        }
      : {}),
  };
}

/**
 * HelmRelease v2 dropped `lastAppliedRevision`: what runs is the newest
 * release of `history` that Helm marks deployed (a failed upgrade leaves the
 * previous one deployed). Its chart version answers "which chart", its config
 * digest "which values"; either differing from the last attempt means the
 * attempt is not what runs.
 */
function helmApplied(object: FluxObject): Applied {
  const status = object.status ?? {};
  const attempted = status.lastAttemptedRevision;
  const deployed = status.history?.find(s => s.status === 'deployed');
  if (!deployed) {
    return attempted
      ? {
          divergence: `Flux last attempted chart version ${attempted}, but no release of it is deployed`,
        }
      : {};
  }
  const chart = deployed.chartName ?? deployed.name ?? 'chart';
  const revision = deployed.chartVersion
    ? `${chart}@${deployed.chartVersion}`
    : undefined;
  // For an OCI chart the attempted revision is `version@sha256:…`.
  const chartMatches =
    !attempted ||
    attempted === deployed.chartVersion ||
    (!!deployed.ociDigest &&
      attempted === `${deployed.chartVersion}@${deployed.ociDigest}`);
  const valuesMatch =
    !status.lastAttemptedConfigDigest ||
    !deployed.configDigest ||
    status.lastAttemptedConfigDigest === deployed.configDigest;
  let divergence: string | undefined;
  if (!chartMatches) {
    divergence = `Flux last attempted ${chart}@${attempted}, but ${
      revision ?? 'another version'
    } is what was deployed`;
  } else if (!valuesMatch) {
    divergence = `Flux last attempted other values than those deployed with ${
      revision ?? chart
    }`;
  }
  return {
    revision,
    ...(divergence ? { divergence } : {}),
    ...(deployed.lastDeployed ? { deployedAt: deployed.lastDeployed } : {}),
  };
}

/** The later of two times, as `healthySince`, when either is known. */
function latest(...times: Array<string | undefined>): {
  healthySince?: string;
} {
  const known = times
    .filter((t): t is string => !!t && !Number.isNaN(Date.parse(t)))
    .map(t => Date.parse(t));
  return known.length > 0
    ? { healthySince: new Date(Math.max(...known)).toISOString() }
    : {};
}
