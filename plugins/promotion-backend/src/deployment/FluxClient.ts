import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import { describeFetchError } from '../gates/describeFetchError';
import {
  DeploymentSourceError,
  describeRefusal,
} from './DeploymentSourceError';
import { describeFluxObject, FluxKind, FluxObject } from './fluxStatus';
import { KubernetesCluster } from './kubernetesClusters';
import { kubernetesRequest, KubernetesResponse } from './kubernetesRequest';

/** A Flux object to read. */
export interface FluxResource {
  kind: FluxKind;
  namespace: string;
  name: string;
}

/** The parts of a DeploymentList (`apps/v1`) that tell what runs. */
interface DeploymentList {
  items?: Array<{
    spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } };
  }>;
}

const REQUEST_TIMEOUT_MS = 10_000;
const UNKNOWN_ISSUER = /SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/;

/**
 * Where each kind lives and the labels its controller puts on every object it
 * applies (kustomize-controller and helm-controller both label their
 * inventory with the owner's name and namespace).
 */
const KINDS: Record<FluxKind, { path: string; plural: string; label: string }> =
  {
    Kustomization: {
      path: 'apis/kustomize.toolkit.fluxcd.io/v1',
      plural: 'kustomizations',
      label: 'kustomize.toolkit.fluxcd.io',
    },
    HelmRelease: {
      path: 'apis/helm.toolkit.fluxcd.io/v2',
      plural: 'helmreleases',
      label: 'helm.toolkit.fluxcd.io',
    },
  };

/**
 * Reads Flux Kustomizations and HelmReleases through a cluster's Kubernetes
 * API with the cluster's service account token. The token needs `get` on
 * the Flux kind and `list` on `deployments` (apps) in all namespaces; without
 * the latter the status is still read, only without images.
 */
export class FluxClient {
  private readonly url: string;

  constructor(
    private readonly cluster: KubernetesCluster,
    /**
     * Default: `node:https`, which honours the cluster's `caData` and
     * `skipTLSVerify`. A fetch given here is used as is, without them.
     */
    private readonly fetchImpl?: typeof fetch,
  ) {
    this.url = cluster.url.replace(/\/+$/, '');
  }

  private get sourceName() {
    return `Kubernetes cluster ${this.cluster.name}`;
  }

  /** What the Flux object reports now, with the images of the Deployments it applied. */
  async read(
    resource: FluxResource,
    signal?: AbortSignal,
  ): Promise<DeploymentStatus> {
    const { kind, namespace, name } = resource;
    const kindInfo = KINDS[kind];
    const what = `${kind} ${namespace}/${name}`;
    const base = {
      source: 'flux' as const,
      resource: `${kind}/${namespace}/${name}`,
      manualSync: false,
    };

    const answer = await this.get(
      `/${kindInfo.path}/namespaces/${encodeURIComponent(namespace)}/${
        kindInfo.plural
      }/${encodeURIComponent(name)}`,
      signal,
    );
    if (answer.status === 404 && isMissingObject(answer.body, name)) {
      return {
        ...base,
        sync: 'unknown',
        health: 'missing',
        images: [],
        message: `${what} does not exist in ${this.sourceName}`,
      };
    }
    const object = this.parse<FluxObject>(answer, what);
    const status = describeFluxObject(kind, object);

    const selector = [
      `${kindInfo.label}/name=${name}`,
      `${kindInfo.label}/namespace=${namespace}`,
    ].join(',');
    const listed = await this.get(
      `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(selector)}`,
      signal,
    );
    let images: string[] = [];
    let message = status.message;
    if (listed.status === 403) {
      // The status is still worth showing; only the images are unknown.
      const note = `images unknown: the token may not list Deployments (403)`;
      message = message ? `${message}; ${note}` : note;
    } else {
      const deployments = this.parse<DeploymentList>(
        listed,
        `the Deployments of ${what}`,
      );
      images = [
        ...new Set(
          (deployments.items ?? []).flatMap(
            d =>
              d.spec?.template?.spec?.containers?.flatMap(c =>
                c.image ? [c.image] : [],
              ) ?? [],
          ),
        ),
      ].sort();
    }

    return {
      ...base,
      ...status,
      images,
      ...(message ? { message } : {}),
    };
  }

  /** Any answer; throws only when the cluster cannot be asked at all. */
  private async get(
    path: string,
    signal?: AbortSignal,
  ): Promise<KubernetesResponse> {
    const token = this.cluster.serviceAccountToken;
    if (!token) {
      throw new DeploymentSourceError(
        `${this.sourceName} has no token for the backend: Flux deployment sources need authProvider serviceAccount with serviceAccountToken in its kubernetes.clusterLocatorMethods entry`,
      );
    }
    const url = `${this.url}${path}`;
    try {
      if (!this.fetchImpl) {
        return await kubernetesRequest(url, {
          token,
          caData: this.cluster.caData,
          skipTLSVerify: this.cluster.skipTLSVerify,
          signal,
          timeoutMs: REQUEST_TIMEOUT_MS,
        });
      }
      const response = await this.fetchImpl(url, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
        },
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
          : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      // The caller gave up; that is its own reason, not the cluster's fault.
      if (signal?.aborted) throw signal.reason;
      const reason = describeFetchError(error);
      // An API server's certificate is often signed by the cluster's own CA.
      const hint = UNKNOWN_ISSUER.test(reason)
        ? "; set the cluster's caData to its CA"
        : '';
      throw new DeploymentSourceError(
        `${this.sourceName} at ${this.url} could not be reached (${reason})${hint}`,
      );
    }
  }

  /** The JSON of a 2xx answer; any other answer is the reason to throw. */
  private parse<T>(answer: KubernetesResponse, what: string): T {
    if (answer.status === 404) {
      // The object would have been named in the answer: the API is missing.
      throw new DeploymentSourceError(
        `${this.sourceName} does not serve the API of ${what} (404); is Flux v2 installed there?`,
        404,
      );
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new DeploymentSourceError(
        describeRefusal(this.sourceName, what, answer.status, answer.body),
        answer.status,
      );
    }
    try {
      return JSON.parse(answer.body) as T;
    } catch {
      throw new DeploymentSourceError(
        `${this.sourceName} answered ${what} with something that is not JSON`,
        answer.status,
      );
    }
  }
}

/**
 * Whether a 404 says the object is missing (a `Status` naming it) rather
 * than the API: a cluster without Flux's CRDs answers `404 page not found`
 * or a Status naming no object.
 */
function isMissingObject(body: string, name: string): boolean {
  try {
    const status = JSON.parse(body) as {
      kind?: string;
      reason?: string;
      details?: { name?: string };
    };
    return (
      status.kind === 'Status' &&
      status.reason === 'NotFound' &&
      status.details?.name === name
    );
  } catch {
    return false;
  }
}
