import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PromotionClient, promotionApiRef } from './api';
import {
  approvalsRouteRef,
  metricsRouteRef,
  overviewRouteRef,
  rootRouteRef,
} from './routes';

/**
 * The promotion plugin for apps on the legacy frontend system. Apps on the
 * new frontend system use the default export of `@promotion-for-backstage/plugin-promotion/alpha`.
 *
 * @public
 */
export const promotionPlugin = createPlugin({
  id: 'promotion',
  routes: {
    root: rootRouteRef,
    approvals: approvalsRouteRef,
    overview: overviewRouteRef,
    metrics: metricsRouteRef,
  },
  apis: [
    createApiFactory({
      api: promotionApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PromotionClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The Promotion tab for the entity page.
 *
 * @public
 */
export const EntityPromotionContent = promotionPlugin.provide(
  createRoutableExtension({
    name: 'EntityPromotionContent',
    component: () =>
      import('./components/EntityPromotionContent').then(
        m => m.EntityPromotionContent,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The promotion summary card for the entity overview.
 *
 * @public
 */
export const EntityPromotionCard = promotionPlugin.provide(
  createComponentExtension({
    name: 'EntityPromotionCard',
    component: {
      lazy: () =>
        import('./components/EntityPromotionCard').then(
          m => m.EntityPromotionCard,
        ),
    },
  }),
);

/**
 * The approvals page: every promotion request the signed-in user may approve
 * now, with Approve and Reject. Mount it on a route of the app, e.g.
 * `/promotion/approvals`, and link it from the sidebar.
 *
 * @public
 */
export const PromotionApprovalsPage = promotionPlugin.provide(
  createRoutableExtension({
    name: 'PromotionApprovalsPage',
    component: () =>
      import('./components/ApprovalsPage').then(m => m.ApprovalsPage),
    mountPoint: approvalsRouteRef,
  }),
);

/**
 * The promotions overview: every entity with the `promotion.backstage.io/image`
 * annotation that the signed-in user may see × environment, what runs where,
 * and each request that waits, with why; filtered by owner and by name. Mount
 * it on a route of the app, e.g. `/promotion`, and link it from the sidebar.
 *
 * @public
 */
export const PromotionOverviewPage = promotionPlugin.provide(
  createRoutableExtension({
    name: 'PromotionOverviewPage',
    component: () =>
      import('./components/OverviewPage').then(m => m.OverviewPage),
    mountPoint: overviewRouteRef,
  }),
);

/**
 * The entity's DORA metrics for the overview page: deployment frequency,
 * lead time for changes, change failure rate and time to restore over the
 * last 30 days, each with a small chart.
 *
 * @public
 */
export const EntityDoraMetricsCard = promotionPlugin.provide(
  createComponentExtension({
    name: 'EntityDoraMetricsCard',
    component: {
      lazy: () =>
        import('./components/DoraMetrics').then(m => m.EntityDoraMetricsCard),
    },
  }),
);

/**
 * The DORA metrics page: per group picked from the catalog, or of every
 * entity the signed-in user may see. Mount it on a route of the app, e.g.
 * `/promotion/metrics`, and link it from the sidebar.
 *
 * @public
 */
export const PromotionMetricsPage = promotionPlugin.provide(
  createRoutableExtension({
    name: 'PromotionMetricsPage',
    component: () =>
      import('./components/DoraMetrics').then(m => m.PromotionMetricsPage),
    mountPoint: metricsRouteRef,
  }),
);
