import { screen } from '@testing-library/react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import promotionPlugin, { promotionOverviewPage } from './alpha';
import { promotionApiRef } from './api';
import { overviewRouteRef } from './routes';
import { mockPromotionApi } from './testUtils/fixtures';

function promotionApi() {
  const api = mockPromotionApi();
  api.getOverview.mockResolvedValue({
    environments: ['dev', 'prod'],
    items: [],
    totalItems: 0,
    offset: 0,
    limit: 50,
  });
  api.listPromotions.mockResolvedValue({ items: [] });
  return api;
}

describe('the promotions overview in the new frontend system', () => {
  it('is the page at /promotion, titled for the nav with an icon', () => {
    const tester = createExtensionTester(promotionOverviewPage);

    expect(
      promotionPlugin.getExtension('page:promotion/overview'),
    ).toMatchObject({ kind: 'page', name: 'overview' });
    expect(tester.get(coreExtensionData.routePath)).toBe('/promotion');
    expect(tester.get(coreExtensionData.routeRef)).toBe(overviewRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Promotions');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
    expect(promotionPlugin.routes.overview).toBe(overviewRouteRef);
  });

  it.each([
    ['/promotion', 'No entities to show', 'getOverview', 'listPromotions'],
    [
      '/promotion/approvals',
      'Nothing waits for your approval',
      'listPromotions',
      'getOverview',
    ],
  ] as const)(
    'renders the right page at %s',
    async (path, text, asked, notAsked) => {
      const api = promotionApi();
      renderTestApp({
        features: [promotionPlugin],
        initialRouteEntries: [path],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        apis: [
          [promotionApiRef, api],
          [catalogApiRef, catalogApiMock({ entities: [] })],
        ],
      });

      expect(
        await screen.findByText(text, {}, { timeout: 10_000 }),
      ).toBeInTheDocument();
      expect(api[asked]).toHaveBeenCalled();
      expect(api[notAsked]).not.toHaveBeenCalled();
    },
  );
});
