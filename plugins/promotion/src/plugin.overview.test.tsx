import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { promotionApiRef } from './api';
import { PromotionOverviewPage } from './plugin';
import { mockPromotionApi } from './testUtils/fixtures';

describe('PromotionOverviewPage in a legacy app', () => {
  it('draws its header and the overview from the API', async () => {
    const api = mockPromotionApi();
    api.getOverview.mockResolvedValue({
      environments: ['dev'],
      items: [
        {
          entityRef: 'component:default/payments',
          environments: [
            {
              name: 'dev',
              artifact: { image: 'ghcr.io/acme/payments', tag: '1.2.0' },
            },
          ],
        },
      ],
      totalItems: 1,
      offset: 0,
      limit: 50,
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [promotionApiRef, api],
          [catalogApiRef, catalogApiMock({ entities: [] })],
        ]}
      >
        <Routes>
          <Route
            path="/promotion"
            element={<PromotionOverviewPage tabPath="deployments" />}
          />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/promotion'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'Promotions' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'payments' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/deployments',
    );
    expect(screen.getByText('1.2.0')).toBeInTheDocument();
  });
});
