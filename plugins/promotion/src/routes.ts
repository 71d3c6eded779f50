import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the legacy app mounts the Promotion tab. */
export const rootRouteRef = createRouteRef({
  id: 'promotion',
});

/** The approvals page: what waits for the signed-in user's decision. */
export const approvalsRouteRef = createRouteRef({
  id: 'promotion:approvals',
});

/** The promotions overview: every annotated entity × environment. */
export const overviewRouteRef = createRouteRef({
  id: 'promotion:overview',
});

/** The DORA metrics page: per group, or of everything the user may see. */
export const metricsRouteRef = createRouteRef({
  id: 'promotion:metrics',
});

/** The Promotion tab's path below the entity page, unless the app changes it. */
export const PROMOTION_TAB_PATH = 'promotion';

/** The id of the tab's extension in the new frontend system. */
export const PROMOTION_TAB_EXTENSION_ID = 'entity-content:promotion';
