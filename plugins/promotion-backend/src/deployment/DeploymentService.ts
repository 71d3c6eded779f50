import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DeploymentStatus } from '@promotion-for-backstage/plugin-promotion-common';
import {
  DeploymentConfig,
  EnvironmentConfig,
  PromotionConfig,
} from '../config';
import { renderEntityTemplate } from '../gitops/renderPathTemplate';
import { ArgoCdClient } from './ArgoCdClient';
import { DeploymentSourceError } from './DeploymentSourceError';
import { FluxClient } from './FluxClient';
import {
  KubernetesCluster,
  readKubernetesClusters,
} from './kubernetesClusters';

/** How long a read answers the pipeline again: a tab open in many browsers asks once. */
const DEFAULT_CACHE_TTL_MS = 10_000;

/**
 * What runs in each environment according to its deployment source (the
 * environment's `deployment`): Argo CD Applications, or Flux Kustomizations
 * and HelmReleases read through the Kubernetes API of a cluster in
 * Backstage's `kubernetes` config. Reads never throw: a source that cannot
 * be asked gives a status with `error`, so the pipeline still shows git's
 * side and a gate can say what to fix.
 */
export class DeploymentService {
  private readonly argoCd = new Map<string, ArgoCdClient>();
  private readonly flux = new Map<string, FluxClient>();
  private readonly cache = new Map<
    string,
    { at: number; status: Promise<DeploymentStatus> }
  >();
  private readonly cacheTtlMs: number;
  private readonly now: () => number;

  constructor(options: {
    config: PromotionConfig;
    /** Clusters of Backstage's `kubernetes.clusterLocatorMethods` (type `config`). */
    clusters?: KubernetesCluster[];
    fetch?: typeof fetch;
    cacheTtlMs?: number;
    now?: () => number;
  }) {
    const { config, clusters = [] } = options;
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
    for (const instance of config.argocd) {
      this.argoCd.set(instance.id, new ArgoCdClient(instance, options.fetch));
    }
    for (const cluster of clusters) {
      this.flux.set(cluster.name, new FluxClient(cluster, options.fetch));
    }
    // A Flux source naming no known cluster stops the start-up, naming the key.
    config.environments.forEach((environment, index) => {
      const deployment = environment.deployment;
      if (deployment?.source !== 'flux') return;
      const known = [...this.flux.keys()];
      const key = `promotion.environments[${index}].deployment.cluster`;
      if (deployment.cluster === undefined && known.length !== 1) {
        throw new InputError(
          `Invalid promotion config: ${key}: ${
            known.length === 0
              ? 'Flux needs a cluster in kubernetes.clusterLocatorMethods (type config)'
              : `name one of the clusters: ${known.join(', ')}`
          }`,
        );
      }
      if (
        deployment.cluster !== undefined &&
        !this.flux.has(deployment.cluster)
      ) {
        throw new InputError(
          `Invalid promotion config: ${key}: unknown cluster '${
            deployment.cluster
          }'; known: ${
            known.join(', ') ||
            'none (list it in kubernetes.clusterLocatorMethods, type config)'
          }`,
        );
      }
    });
  }

  /** Reads the clusters from Backstage's `kubernetes` config. */
  static fromConfig(
    config: PromotionConfig,
    rootConfig: Config,
  ): DeploymentService {
    return new DeploymentService({
      config,
      clusters: readKubernetesClusters(rootConfig),
    });
  }

  /**
   * What the environment's source reports, or undefined when it has none.
   * `fresh` skips the short cache (the workflow following a change).
   */
  async read(
    entity: Entity,
    environment: EnvironmentConfig,
    options: { fresh?: boolean; signal?: AbortSignal } = {},
  ): Promise<DeploymentStatus | undefined> {
    const deployment = environment.deployment;
    if (!deployment) return undefined;
    const key = `${stringifyEntityRef(entity)}@${environment.name}`;
    const cached = this.cache.get(key);
    if (!options.fresh && cached && this.now() - cached.at < this.cacheTtlMs) {
      return cached.status;
    }
    const status = this.readNow(
      entity,
      environment.name,
      deployment,
      options.signal,
    );
    this.cache.set(key, { at: this.now(), status });
    return status;
  }

  /** Asks Argo CD to sync the environment's Application; throws a DeploymentSourceError when it refuses. */
  async sync(entity: Entity, environment: EnvironmentConfig): Promise<string> {
    const deployment = environment.deployment;
    if (deployment?.source !== 'argocd') {
      throw new InputError(
        `${environment.name} has no Argo CD deployment source, so there is nothing to sync`,
      );
    }
    const application = this.resourceName(entity, environment.name, deployment);
    await this.argoCdClient(deployment.instance).sync(application);
    this.cache.delete(`${stringifyEntityRef(entity)}@${environment.name}`);
    return application;
  }

  private async readNow(
    entity: Entity,
    environment: string,
    deployment: DeploymentConfig,
    signal?: AbortSignal,
  ): Promise<DeploymentStatus> {
    const resource = this.resourceName(entity, environment, deployment);
    try {
      if (deployment.source === 'argocd') {
        return await this.argoCdClient(deployment.instance).read(
          resource,
          signal,
        );
      }
      const cluster = deployment.cluster ?? [...this.flux.keys()][0];
      return await this.flux.get(cluster)!.read(
        {
          kind: deployment.kind,
          namespace: renderEntityTemplate(
            deployment.namespace,
            { entity, environment },
            'the Flux namespace',
          ),
          name: resource,
        },
        signal,
      );
    } catch (error) {
      return {
        source: deployment.source,
        resource,
        sync: 'unknown',
        health: 'unknown',
        images: [],
        manualSync: false,
        error:
          error instanceof DeploymentSourceError
            ? error.message
            : `The deployment source could not be read: ${
                (error as Error).message
              }`,
      };
    }
  }

  private resourceName(
    entity: Entity,
    environment: string,
    deployment: DeploymentConfig,
  ) {
    return renderEntityTemplate(
      deployment.source === 'argocd' ? deployment.application : deployment.name,
      { entity, environment },
      deployment.source === 'argocd' ? 'the Application name' : 'the Flux name',
    );
  }

  private argoCdClient(instance: string | undefined): ArgoCdClient {
    // The config schema made sure the id is known, or that there is only one.
    return instance ? this.argoCd.get(instance)! : [...this.argoCd.values()][0];
  }
}
