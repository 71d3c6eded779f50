import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionConfig } from '../../plugins/promotion-backend/src/config';
import { KnexPromotionStore } from '../../plugins/promotion-backend/src/database';
import { GitOpsService } from '../../plugins/promotion-backend/src/gitops';
import { PromotionWorkflow } from '../../plugins/promotion-backend/src/workflow';

/**
 * The plugin's request path, as its router takes it, for whichever workflow
 * API this checkout has: `requestPromotion(entity, request, requester)`, or
 * `resolve(...)` then `request(...)` with gates. The one file to touch when
 * the workflow's API moves again.
 */
export interface PluginPath {
  /** Asks for staging ← dev of the entity; resolves when the request is stored and answered. */
  requestPromotion(entity: Entity): Promise<Promotion>;
  /** Resolves once the background work started so far has finished. */
  settle(): Promise<void>;
}

type AnyWorkflow = PromotionWorkflow & Record<string, (...args: any[]) => any>;

const GATES_MODULE = '../../plugins/promotion-backend/src/gates';

/** The gate runner with the built-in gates, on checkouts that have gates. */
function createGateRunner(): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const gates = require(GATES_MODULE);
    return new gates.GateRunner(gates.builtInGateFactories());
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
      String(error).includes('/src/gates')
    ) {
      return undefined;
    }
    throw error;
  }
}

export function createPluginPath(options: {
  config: PromotionConfig;
  store: KnexPromotionStore;
  gitops: GitOpsService;
  logger: LoggerService;
  entities: Map<string, Entity>;
}): PluginPath {
  // A superset of what each version of the constructor takes; each ignores the rest.
  const workflow = new PromotionWorkflow({
    config: options.config,
    store: options.store,
    gitops: options.gitops,
    gates: createGateRunner(),
    logger: options.logger,
    loadEntity: async (ref: string) => options.entities.get(ref),
    instanceId: 'promotion-latency-bench',
    appBaseUrl: 'http://localhost:3000',
  } as any) as AnyWorkflow;
  const requester = { ref: 'user:default/bench', kind: 'user' as const };

  return {
    async requestPromotion(entity) {
      const entityRef = stringifyEntityRef(entity);
      options.entities.set(entityRef, entity);
      if (typeof workflow.requestPromotion === 'function') {
        return workflow.requestPromotion(
          entity,
          { targetEnvironment: 'staging' },
          requester,
        );
      }
      // What the router's POST /promotions does once the caller may promote.
      const resolved = await workflow.resolve(
        entity,
        { entityRef, targetEnvironment: 'staging' },
        requester.kind,
      );
      return workflow.request(entity, resolved, requester);
    },
    settle: () => workflow.settle(),
  };
}
