import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OverviewEntity,
  OverviewQuery,
  PromotionOverview,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig, PromotionConfig } from '../config';
import { PromotionStore } from '../database';
import { GitOpsService } from '../gitops';
import { catalogRequest } from './catalogRequest';
import { overviewRequest } from './overviewRequest';

/**
 * The owner as a whole entity ref: `spec.owner` may leave out the kind
 * (a group) and the namespace (the entity's), as the catalog reads it.
 */
function ownerOf(entity: Entity): { owner?: string } {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return {};
  try {
    return {
      owner: stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ),
    };
  } catch {
    return {};
  }
}

/** What the overview needs of the workflow: the requests' gate runs and approvals. */
export interface RequestDetails {
  withDetails(promotions: Promotion[]): Promise<Promotion[]>;
}

/**
 * The promotions overview: a page of the annotated entities the caller may
 * see, and for each environment of each what its manifest pins now and the
 * request into it that has not ended, with why that request waits.
 *
 * The cost of a page is one catalog query, one walk of each GitOps
 * repository's trees at its tip (through the mirror's batch process, parsing
 * only manifests whose content is new) and four SQL queries (active requests,
 * holds, their gate runs and their approvals), whatever the number of entities
 * on it. It leaves out what would cost a git walk per environment: the commit
 * that pinned the build (since when, by whom); the entity's tab shows that.
 */
export class PromotionOverviewReader {
  constructor(
    private readonly options: {
      config: PromotionConfig;
      catalog: CatalogService;
      store: PromotionStore;
      gitops: GitOpsService;
      requests: RequestDetails;
    },
  ) {}

  async read(
    query: OverviewQuery,
    credentials: BackstageCredentials,
  ): Promise<PromotionOverview> {
    const { config, catalog, store, gitops, requests } = this.options;
    const request = catalogRequest(query);
    const page = await catalog.queryEntities(request, { credentials });
    const entities = page.items.map(entity => ({
      entity,
      entityRef: stringifyEntityRef(entity),
      ...pipelineOf(gitops, entity),
    }));
    const refs = entities.map(e => e.entityRef);
    const reads = entities.flatMap(({ entity, environments }) =>
      environments.map(environment => ({ entity, environment })),
    );
    const [pins, active, holds] = await Promise.all([
      // A page many people keep open: what a fetch within maxReadAge saw.
      gitops.readPins(reads, { snapshot: gitops.snapshot('recent') }),
      store
        .listActivePromotionsFor(refs)
        .then(promotions => requests.withDetails(promotions)),
      store.listHoldsFor(refs),
    ]);

    const activeOf = new Map<string, Promotion>();
    // Newest first: should a target have two, the newest is the one that holds it.
    for (const promotion of active) {
      const key = `${promotion.entityRef}\0${promotion.targetEnvironment}`;
      if (!activeOf.has(key)) activeOf.set(key, promotion);
    }
    let pinIndex = 0;
    const items = entities.map(
      ({ entity, entityRef, environments, error }): OverviewEntity => ({
        entityRef,
        ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
        ...ownerOf(entity),
        environments: environments.map(environment => {
          const pin = pins[pinIndex++];
          const promotion = activeOf.get(`${entityRef}\0${environment.name}`);
          const hold = holds.get(entityRef)?.get(environment.name);
          return {
            name: environment.name,
            ...('error' in pin
              ? { artifact: null, error: pin.error }
              : { artifact: pin.artifact }),
            ...(promotion ? { activeRequest: overviewRequest(promotion) } : {}),
            ...(hold ? { hold } : {}),
          };
        }),
        ...(error ? { error } : {}),
      }),
    );
    return {
      environments: config.environments.map(env => env.name),
      items,
      totalItems: page.totalItems,
      offset: request.offset ?? 0,
      limit: request.limit ?? items.length,
    };
  }
}

/** The entity's environments; none, with the reason, when its annotations do not make a pipeline. */
function pipelineOf(
  gitops: GitOpsService,
  entity: Entity,
): { environments: EnvironmentConfig[]; error?: string } {
  try {
    return { environments: gitops.targets.environmentsFor(entity) };
  } catch (error) {
    return { environments: [], error: (error as Error).message };
  }
}
