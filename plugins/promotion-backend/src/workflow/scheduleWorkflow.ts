import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_PROMOTION_IMAGE } from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionWorkflow } from './PromotionWorkflow';

/** Annotated entities looked at per catalog request by automatic promotion. */
export const AUTO_PROMOTE_PAGE_SIZE = 200;

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
      if (!workflow.promotesAutomatically()) return;
      const credentials = await auth.getOwnServiceCredentials();
      // Page by page, so that a large catalog is never one answer in memory.
      let created = 0;
      let cursor: string | undefined;
      do {
        const page = await catalog.queryEntities(
          cursor
            ? { cursor, limit: AUTO_PROMOTE_PAGE_SIZE }
            : {
                filter: {
                  [`metadata.annotations.${ANNOTATION_PROMOTION_IMAGE}`]:
                    CATALOG_FILTER_EXISTS,
                },
                limit: AUTO_PROMOTE_PAGE_SIZE,
              },
          { credentials },
        );
        created += (await workflow.autoPromote(page.items)).length;
        cursor = page.pageInfo.nextCursor;
      } while (cursor);
      if (created > 0)
        logger.info(`Requested ${created} automatic promotion(s)`);
    },
  });
}
