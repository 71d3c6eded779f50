import { screen } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import promotionPlugin, {
  promotionApprovalsPage,
  promotionEntityCard,
  promotionEntityContent,
} from './alpha';
import { promotionApiRef } from './api';
import { approvalsRouteRef } from './routes';
import {
  DIGEST_NEW,
  environment,
  mockPromotionApi,
  pipeline,
} from './testUtils/fixtures';

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'promotion.backstage.io/image': 'ghcr.io/acme/payments' },
  },
};
const plain: Entity = { ...annotated, metadata: { name: 'billing' } };

function promotionApi() {
  const api = mockPromotionApi();
  api.getPipeline.mockResolvedValue(
    pipeline(environment('dev', DIGEST_NEW), environment('staging', null)),
  );
  api.listPromotions.mockResolvedValue({ items: [] });
  return api;
}

/** Renders what an extension outputs, as the app would, lazy loader and all. */
function renderExtension(element: JSX.Element) {
  const api = promotionApi();
  renderInTestApp(
    <EntityProvider entity={annotated}>{element}</EntityProvider>,
    {
      apis: [[promotionApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return api;
}

describe('promotion plugin for the new frontend system', () => {
  it('is the promotion plugin', () => {
    expect(promotionPlugin.id).toBe('promotion');
  });

  it('adds a Promotion tab at promotion, only on entities with the image annotation', () => {
    const tester = createExtensionTester(promotionEntityContent);

    expect(tester.get(coreExtensionData.routePath)).toBe('promotion');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Promotion');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotated)).toBe(true);
    expect(filter?.(plain)).toBe(false);
  });

  it('puts the tab in the Deployment group', () => {
    const tester = createExtensionTester(promotionEntityContent);

    expect(tester.get(EntityContentBlueprint.dataRefs.group)).toBe(
      'deployment',
    );
  });

  it('loads and renders the tab with the pipeline from the API', async () => {
    const api = renderExtension(
      createExtensionTester(promotionEntityContent).reactElement(),
    );

    expect(await screen.findByTestId('env-dev')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeInTheDocument();
    expect(api.getPipeline).toHaveBeenCalledWith('component:default/payments');
  });

  it('loads and renders the overview card', async () => {
    renderExtension(createExtensionTester(promotionEntityCard).reactElement());

    expect(await screen.findByText('Promotion')).toBeInTheDocument();
    expect(await screen.findByText('1111111111aa')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View Promotion tab/ }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/promotion');
  });

  it('loads and renders the approvals page', async () => {
    const api = renderExtension(
      createExtensionTester(promotionApprovalsPage).reactElement(),
    );

    expect(
      await screen.findByText('Nothing waits for your approval'),
    ).toBeInTheDocument();
    expect(api.listPromotions).toHaveBeenCalledWith({
      awaitingMyApproval: true,
    });
  });

  it('adds an overview card, only on entities with the image annotation', () => {
    const tester = createExtensionTester(promotionEntityCard);

    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotated)).toBe(true);
    expect(filter?.(plain)).toBe(false);
  });

  it('adds the approvals page at /promotion/approvals, titled for the nav with an icon', () => {
    const tester = createExtensionTester(promotionApprovalsPage);

    // The id the app's nav and config know it by.
    expect(
      promotionPlugin.getExtension('page:promotion/approvals'),
    ).toMatchObject({ kind: 'page', name: 'approvals' });
    expect(tester.get(coreExtensionData.routePath)).toBe(
      '/promotion/approvals',
    );
    expect(tester.get(coreExtensionData.routeRef)).toBe(approvalsRouteRef);
    // A page with a route ref, a title and an icon is the app's nav item.
    expect(tester.get(coreExtensionData.title)).toBe('Approvals');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });

  it('exposes the approvals route for other plugins to link to', () => {
    expect(promotionPlugin.routes.approvals).toBe(approvalsRouteRef);
  });
});
