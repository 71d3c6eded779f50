import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraMetrics } from '@promotion-for-backstage/plugin-promotion-common';
import { DoraMetricsStore, MetricsEnvironments } from './DoraMetricsStore';
import {
  MetricsWindow,
  MetricsWindowQuery,
  resolveMetricsWindow,
} from './metricsWindow';
import { ownedEntityRefs, visibleEntityRefs } from './visibleEntityRefs';

/**
 * DORA metrics of one entity, of a group's entities, or of every entity,
 * always only of what the caller may see in the catalog now: a group's
 * entities and the overall set are resolved through the catalog with the
 * caller's credentials on every call, never from a copy of ownership.
 */
export class DoraMetricsService {
  constructor(
    private readonly options: {
      store: DoraMetricsStore;
      catalog: CatalogService;
      environments: MetricsEnvironments;
      now?: () => Date;
    },
  ) {}

  /** The metrics of an entity the caller was shown by the catalog. */
  async forEntity(
    entity: Entity,
    query: MetricsWindowQuery,
  ): Promise<DoraMetrics> {
    const entityRef = stringifyEntityRef(entity);
    return {
      scope: { kind: 'entity', entityRef },
      ...(await this.compute([entityRef], this.window(query))),
    };
  }

  /** The metrics of the entities a group owns; NotFoundError when the caller may not see the group. */
  async forGroup(
    groupRef: string,
    credentials: BackstageCredentials,
    query: MetricsWindowQuery,
  ): Promise<DoraMetrics> {
    const { catalog } = this.options;
    const group = await catalog.getEntityByRef(groupRef, { credentials });
    if (!group) throw new NotFoundError(`No group ${groupRef}`);
    const ownerRef = stringifyEntityRef(group);
    const entityRefs = await ownedEntityRefs(catalog, credentials, ownerRef);
    return {
      scope: { kind: 'group', group: ownerRef, entityRefs },
      ...(await this.compute(entityRefs, this.window(query))),
    };
  }

  /** The metrics of every entity the caller may see that changed production in the window or since. */
  async overall(
    credentials: BackstageCredentials,
    query: MetricsWindowQuery,
  ): Promise<DoraMetrics> {
    const { store, catalog, environments } = this.options;
    const window = this.window(query);
    const changed = await store.changedEntities(
      environments.production,
      window.from,
    );
    const entityRefs = await visibleEntityRefs(catalog, credentials, changed);
    return {
      scope: { kind: 'all', entityCount: entityRefs.length },
      ...(await this.compute(entityRefs, window)),
    };
  }

  private window(query: MetricsWindowQuery): MetricsWindow {
    return resolveMetricsWindow(query, this.options.now?.() ?? new Date());
  }

  private compute(entityRefs: string[], window: MetricsWindow) {
    return this.options.store.metrics(
      entityRefs,
      window,
      this.options.environments,
    );
  }
}
