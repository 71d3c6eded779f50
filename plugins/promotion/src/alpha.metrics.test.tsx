import { screen } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import promotionPlugin, {
  promotionDoraMetricsCard,
  promotionMetricsPage,
} from './alpha';
import { promotionApiRef } from './api';
import { metricsRouteRef } from './routes';
import { doraMetrics } from './testUtils/doraMetricsFixtures';
import { entity, mockPromotionApi } from './testUtils/fixtures';

describe('DORA metrics in the new frontend system', () => {
  it('adds the card only on entities with the image annotation', () => {
    const tester = createExtensionTester(promotionDoraMetricsCard);

    expect(
      promotionPlugin.getExtension('entity-card:promotion/dora-metrics'),
    ).toMatchObject({ kind: 'entity-card', name: 'dora-metrics' });
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(entity)).toBe(true);
    expect(
      filter?.({ ...entity, metadata: { name: 'billing' } } as Entity),
    ).toBe(false);
  });

  it("loads the card with the entity's metrics", async () => {
    const api = mockPromotionApi();
    api.getDoraMetrics.mockResolvedValue(doraMetrics());
    renderInTestApp(
      <EntityProvider entity={entity}>
        {createExtensionTester(promotionDoraMetricsCard).reactElement()}
      </EntityProvider>,
      { apis: [[promotionApiRef, api]] },
    );

    expect(await screen.findByText('1.5 / day')).toBeInTheDocument();
    expect(api.getDoraMetrics).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
    });
  });

  it('adds the page at /promotion/metrics, titled for the nav with an icon', () => {
    const tester = createExtensionTester(promotionMetricsPage);

    expect(
      promotionPlugin.getExtension('page:promotion/metrics'),
    ).toMatchObject({ kind: 'page', name: 'metrics' });
    expect(tester.get(coreExtensionData.routePath)).toBe('/promotion/metrics');
    expect(tester.get(coreExtensionData.routeRef)).toBe(metricsRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Promotion metrics');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
    expect(promotionPlugin.routes.metrics).toBe(metricsRouteRef);
  });

  it('renders the metrics page at /promotion/metrics', async () => {
    const api = mockPromotionApi();
    api.getDoraMetrics.mockResolvedValue(
      doraMetrics({ scope: { kind: 'all', entityCount: 3 } }),
    );
    api.getOverview.mockResolvedValue({
      environments: [],
      items: [],
      totalItems: 0,
      offset: 0,
      limit: 50,
    });
    api.listPromotions.mockResolvedValue({ items: [] });
    renderTestApp({
      features: [promotionPlugin],
      initialRouteEntries: ['/promotion/metrics'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [promotionApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: [] })],
      ],
    });

    expect(
      await screen.findByText('3 entities you may see that changed production'),
    ).toBeInTheDocument();
    expect(api.getDoraMetrics).toHaveBeenCalledWith({ window: '30d' });
    expect(api.getOverview).not.toHaveBeenCalled();
  });
});
