import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_PROMOTION_IMAGE } from '@internal/plugin-promotion-common';
import { PromotionWorkflow } from './PromotionWorkflow';

/**
 * Schedules the workflow's background work on Backstage's scheduler with
 * global scope, so that one replica at a time runs each round: pending gates
 * and open pull requests are looked at again, requests expire, expired
 * execution leases are taken over, and automatic promotions are requested.
 */
export async function scheduleWorkflow(options: {
  scheduler: SchedulerService;
  workflow: PromotionWorkflow;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}) {
  const { scheduler, workflow, catalog, auth, logger } = options;
  await scheduler.scheduleTask({
    id: 'promotion-advance-requests',
    scope: 'global',
    frequency: { seconds: 15 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 5 },
    fn: async () => {
      const count = await workflow.runDue();
      if (count > 0) logger.debug(`Advanced ${count} promotion request(s)`);
    },
  });
  await scheduler.scheduleTask({
    id: 'promotion-auto-promote',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 10 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const { items } = await catalog.getEntities(
        { filter: { [`metadata.annotations.${ANNOTATION_PROMOTION_IMAGE}`]: CATALOG_FILTER_EXISTS } },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      const created = await workflow.autoPromote(items);
      if (created.length > 0) logger.info(`Requested ${created.length} automatic promotion(s)`);
    },
  });
}
