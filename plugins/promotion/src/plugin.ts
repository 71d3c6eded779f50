import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { PromotionClient, promotionApiRef } from './api';
import { approvalsRouteRef, rootRouteRef } from './routes';

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
