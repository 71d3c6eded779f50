import {
  DeploymentHealth,
  DeploymentRollout,
  DeploymentStatus,
  DeploymentSync,
} from '@promotion-for-backstage/plugin-promotion-common';
import { describeFetchError } from '../gates/describeFetchError';
import {
  DeploymentSourceError,
  describeRefusal,
} from './DeploymentSourceError';

/** An Argo CD API server and the token the backend uses there. */
export interface ArgoCdInstance {
  id: string;
  url: string;
  token: string;
}

/** The parts of an Application (`argoproj.io/v1alpha1`) that tell what runs. */
interface Application {
  metadata?: { name?: string; namespace?: string };
  spec?: { syncPolicy?: { automated?: unknown } };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string; lastTransitionTime?: string };
    summary?: { images?: string[] };
    operationState?: {
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
    };
    resources?: Array<{
      group?: string;
      kind?: string;
      namespace?: string;
      name?: string;
    }>;
  };
}

/** The parts of a Rollout (`argoproj.io/v1alpha1`) that tell how far a canary is. */
interface Rollout {
  metadata?: { name?: string };
  spec?: { strategy?: { canary?: { steps?: Array<{ setWeight?: number }> } } };
  status?: {
    phase?: string;
    message?: string;
    currentStepIndex?: number;
    canary?: { weights?: { canary?: { weight?: number } } };
  };
}

const REQUEST_TIMEOUT_MS = 10_000;
const OPERATION_RUNNING = ['Running', 'Terminating'];

const SYNC: Record<string, DeploymentSync> = {
  Synced: 'synced',
  OutOfSync: 'out-of-sync',
};

const HEALTH: Record<string, DeploymentHealth> = {
  Healthy: 'healthy',
  Progressing: 'progressing',
  Degraded: 'degraded',
  Suspended: 'suspended',
  Missing: 'missing',
};

/**
 * Reads and syncs Argo CD Applications through Argo CD's REST API
 * (`/api/v1/applications`) with a bearer token: the token of an Argo CD
 * account or project role with `applications, get` (and `sync` for the
 * Sync action) on the Applications of the promoted environments.
 */
export class ArgoCdClient {
  private readonly url: string;

  constructor(
    private readonly instance: ArgoCdInstance,
    /** Default: the global fetch, looked up per request (so test fakes of it apply). */
    private readonly fetchImpl?: typeof fetch,
  ) {
    this.url = instance.url.replace(/\/+$/, '');
  }

  private get sourceName() {
    return `Argo CD '${this.instance.id}'`;
  }

  /** What the Application reports now; a Rollout among its resources adds its canary step. */
  async read(
    application: string,
    signal?: AbortSignal,
  ): Promise<DeploymentStatus> {
    const path = `/api/v1/applications/${encodeURIComponent(application)}`;
    const app = await this.request<Application>(
      'GET',
      path,
      `Application ${application}`,
      signal,
    );
    const status = app.status ?? {};
    const health = HEALTH[status.health?.status ?? ''] ?? 'unknown';
    const operation = status.operationState;
    const lastSyncedAt = operation?.finishedAt;
    const rolloutRef = status.resources?.find(
      r => r.group === 'argoproj.io' && r.kind === 'Rollout',
    );
    const rollout = rolloutRef?.name
      ? await this.readRollout(
          application,
          rolloutRef.name,
          rolloutRef.namespace,
          signal,
        )
      : undefined;
    const message =
      operation?.phase && !['Succeeded', 'Running'].includes(operation.phase)
        ? `Last sync ${operation.phase.toLocaleLowerCase('en-US')}: ${
            operation.message ?? 'no message'
          }`
        : status.health?.message;
    return {
      source: 'argocd',
      resource: app.metadata?.name ?? application,
      url: `${this.url}/applications/${encodeURIComponent(
        app.metadata?.namespace ?? 'argocd',
      )}/${encodeURIComponent(application)}`,
      sync: SYNC[status.sync?.status ?? ''] ?? 'unknown',
      health,
      ...(status.sync?.revision ? { revision: status.sync.revision } : {}),
      images: [...new Set(status.summary?.images ?? [])].sort(),
      ...(lastSyncedAt ? { lastSyncedAt } : {}),
      ...(health === 'healthy'
        ? healthySince(status.health?.lastTransitionTime, lastSyncedAt)
        : {}),
      manualSync: !app.spec?.syncPolicy?.automated,
      ...(operation?.phase && OPERATION_RUNNING.includes(operation.phase)
        ? { operationRunning: true }
        : {}),
      ...(rollout ? { rollout } : {}),
      ...(message ? { message } : {}),
    };
  }

  /** Asks Argo CD to apply the branch's newest commit to the Application now. */
  async sync(application: string, signal?: AbortSignal): Promise<void> {
    await this.request(
      'POST',
      `/api/v1/applications/${encodeURIComponent(application)}/sync`,
      `Application ${application}`,
      signal,
      // Pruning stays the Application's own decision (its sync options).
      { prune: false, dryRun: false },
    );
  }

  /**
   * The canary's step and weight. A Rollout that cannot be read leaves the
   * card without them; it never hides the Application's own state.
   */
  private async readRollout(
    application: string,
    name: string,
    namespace: string | undefined,
    signal?: AbortSignal,
  ): Promise<DeploymentRollout | undefined> {
    const query = new URLSearchParams({
      resourceName: name,
      ...(namespace ? { namespace } : {}),
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Rollout',
    });
    let rollout: Rollout;
    try {
      const answer = await this.request<{ manifest?: string }>(
        'GET',
        `/api/v1/applications/${encodeURIComponent(
          application,
        )}/resource?${query}`,
        `Rollout ${name}`,
        signal,
      );
      rollout = JSON.parse(answer.manifest ?? '{}') as Rollout;
    } catch {
      return { name };
    }
    return describeRollout(name, rollout);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    outerSignal?: AbortSignal,
    body?: unknown,
  ): Promise<T> {
    const signal = outerSignal
      ? AbortSignal.any([outerSignal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
      : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await (this.fetchImpl ?? fetch)(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.instance.token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal,
      });
    } catch (error) {
      throw new DeploymentSourceError(
        `${this.sourceName} at ${
          this.url
        } could not be reached (${describeFetchError(error)})`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new DeploymentSourceError(
        describeRefusal(this.sourceName, what, response.status, text),
        response.status,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new DeploymentSourceError(
        `${this.sourceName} answered ${what} with something that is not JSON`,
      );
    }
  }
}

/** The later of the last health change and the last sync, when either is known. */
function healthySince(
  healthChangedAt?: string,
  syncedAt?: string,
): { healthySince?: string } {
  const times = [healthChangedAt, syncedAt].filter(
    (t): t is string => !!t && !Number.isNaN(Date.parse(t)),
  );
  if (times.length === 0) return {};
  return {
    healthySince: new Date(
      Math.max(...times.map(t => Date.parse(t))),
    ).toISOString(),
  };
}

/**
 * Step and weight of a canary. Without traffic routing Argo Rollouts does not
 * report a weight, so it is the last `setWeight` among the steps done.
 */
export function describeRollout(
  name: string,
  rollout: Rollout,
): DeploymentRollout {
  const steps = rollout.spec?.strategy?.canary?.steps;
  const step = rollout.status?.currentStepIndex;
  let weight = rollout.status?.canary?.weights?.canary?.weight;
  if (weight === undefined && steps && step !== undefined) {
    const done = steps.slice(0, Math.min(step + 1, steps.length));
    const setWeights = done
      .map(s => s.setWeight)
      .filter((w): w is number => w !== undefined);
    if (step >= steps.length) weight = 100;
    else if (setWeights.length > 0) weight = setWeights[setWeights.length - 1];
  }
  return {
    name: rollout.metadata?.name ?? name,
    ...(rollout.status?.phase ? { phase: rollout.status.phase } : {}),
    ...(step !== undefined ? { step } : {}),
    ...(steps ? { steps: steps.length } : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(rollout.status?.message ? { message: rollout.status.message } : {}),
  };
}
