import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import ViewModuleIcon from '@material-ui/icons/ViewModule';
import TimelineIcon from '@material-ui/icons/Timeline';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { PromotionClient, promotionApiRef } from './api';
import { isPromotionAvailable } from './isPromotionAvailable';
import {
  approvalsRouteRef,
  metricsRouteRef,
  overviewRouteRef,
  PROMOTION_TAB_PATH,
} from './routes';

/** @alpha */
export const promotionApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: promotionApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PromotionClient({ discoveryApi, fetchApi }),
    }),
});

/** @alpha */
export const promotionEntityContent = EntityContentBlueprint.make({
  params: {
    path: PROMOTION_TAB_PATH,
    title: 'Promotion',
    group: 'deployment',
    filter: isPromotionAvailable,
    loader: () =>
      import('./components/EntityPromotionContent').then(m => (
        <m.EntityPromotionContent />
      )),
  },
});

/** @alpha */
export const promotionEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isPromotionAvailable,
    loader: () =>
      import('./components/EntityPromotionCard').then(m => (
        <m.EntityPromotionCard />
      )),
  },
});

/**
 * The approvals page. A page with a title and an icon is also the app's nav
 * item for it, so there is no separate nav item extension.
 *
 * @alpha
 */
export const promotionApprovalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/promotion/approvals',
    title: 'Approvals',
    icon: <AssignmentTurnedInIcon />,
    routeRef: approvalsRouteRef,
    loader: () =>
      import('./components/ApprovalsPage').then(m => <m.ApprovalsContent />),
  },
});

/**
 * The promotions overview, at `/promotion`: every annotated entity ×
 * environment, with its nav item. The approvals page at
 * `/promotion/approvals` stays a page of its own: the longer path wins.
 *
 * @alpha
 */
export const promotionOverviewPage = PageBlueprint.make({
  name: 'overview',
  params: {
    path: '/promotion',
    title: 'Promotions',
    icon: <ViewModuleIcon />,
    routeRef: overviewRouteRef,
    loader: () =>
      import('./components/OverviewPage').then(m => <m.OverviewContent />),
  },
});

/** @alpha */
export const promotionDoraMetricsCard = EntityCardBlueprint.make({
  name: 'dora-metrics',
  params: {
    filter: isPromotionAvailable,
    loader: () =>
      import('./components/DoraMetrics').then(m => <m.EntityDoraMetricsCard />),
  },
});

/**
 * The DORA metrics page, per group or of everything, with its nav item.
 *
 * @alpha
 */
export const promotionMetricsPage = PageBlueprint.make({
  name: 'metrics',
  params: {
    path: '/promotion/metrics',
    title: 'Promotion metrics',
    icon: <TimelineIcon />,
    routeRef: metricsRouteRef,
    loader: () =>
      import('./components/DoraMetrics').then(m => (
        <m.PromotionMetricsContent />
      )),
  },
});

/**
 * The promotion plugin for apps on the new frontend system: the Promotion
 * tab and overview card on entities with the `promotion.backstage.io/image`
 * annotation, the overview and approvals pages with their nav items, and
 * the API client they use.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'promotion',
  title: 'Promotion',
  info: { packageJson: () => import('../package.json') },
  routes: {
    approvals: approvalsRouteRef,
    overview: overviewRouteRef,
    metrics: metricsRouteRef,
  },
  extensions: [
    promotionApi,
    promotionEntityContent,
    promotionEntityCard,
    promotionApprovalsPage,
    promotionOverviewPage,
    promotionDoraMetricsCard,
    promotionMetricsPage,
  ],
});
