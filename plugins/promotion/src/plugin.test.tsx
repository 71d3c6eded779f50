import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { PromotionClient, promotionApiRef } from './api';
import { EntityPromotionContent, promotionPlugin } from './plugin';
import {
  approvalsRouteRef,
  metricsRouteRef,
  overviewRouteRef,
  rootRouteRef,
} from './routes';
import {
  DIGEST_NEW,
  entity,
  environment,
  mockPromotionApi,
  pipeline,
} from './testUtils/fixtures';

describe('promotionPlugin', () => {
  it('provides the promotion client, built from discovery and fetch', () => {
    const factory = [...promotionPlugin.getApis()].find(
      api => api.api.id === promotionApiRef.id,
    );
    expect(factory).toBeDefined();
    expect(
      Object.values(factory!.deps)
        .map(dep => dep.id)
        .sort(),
    ).toEqual(['core.discovery', 'core.fetch']);
    const client = factory!.factory({
      discoveryApi: {
        getBaseUrl: async () => 'http://localhost/api/promotion',
      },
      fetchApi: { fetch },
    });
    expect(client).toBeInstanceOf(PromotionClient);
  });

  it('has routes for the tab and the approvals page', () => {
    expect(promotionPlugin.routes).toEqual({
      root: rootRouteRef,
      approvals: approvalsRouteRef,
      overview: overviewRouteRef,
      metrics: metricsRouteRef,
    });
  });

  it('loads and renders the tab in a legacy app', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW), environment('staging', null)),
    );

    // Mounted as an app mounts it: on a route of the entity page.
    await renderInTestApp(
      <TestApiProvider apis={[[promotionApiRef, promotionApi]]}>
        <EntityProvider entity={entity}>
          <Routes>
            <Route path="/*" element={<EntityPromotionContent />} />
          </Routes>
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    expect(await screen.findByTestId('env-dev')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeInTheDocument();
  });
});
