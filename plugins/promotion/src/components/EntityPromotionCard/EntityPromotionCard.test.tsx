import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  entity,
  environment,
  mockPromotionApi,
  pipeline,
  responseError,
} from '../../testUtils/fixtures';
import { EntityPromotionCard } from './EntityPromotionCard';

function renderCard(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  subject: Entity = entity,
) {
  renderInTestApp(
    <EntityProvider entity={subject}>
      <EntityPromotionCard />
    </EntityProvider>,
    {
      apis: [[promotionApiRef, promotionApi]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityPromotionCard', () => {
  it('lists the environments in order with short digest and age', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
        environment('prod', null),
      ),
    );

    renderCard(promotionApi);

    const items = await screen.findAllByRole('listitem');
    // Short digests on screen; screen readers get the full one.
    expect(items.map(item => item.textContent)).toEqual([
      `dev1111111111aa${DIGEST_NEW} · 2 hours ago`,
      `staging2222222222bb${DIGEST_OLD} · 2 hours ago`,
      'prodNothing deployed yet',
    ]);
    expect(within(items[0]).getByTitle(DIGEST_NEW)).toBeInTheDocument();
    expect(within(items[0]).getByText('1111111111aa')).toHaveAttribute(
      'aria-hidden',
      'true',
    );
  });

  it('links to the Promotion tab', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW)),
    );

    renderCard(promotionApi);

    expect(
      await screen.findByRole('link', { name: /View Promotion tab/ }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/promotion');
  });

  it('shows why the pipeline could not be loaded', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockRejectedValue(
      await responseError(
        503,
        'ServiceUnavailableError',
        'GitOps repository unreachable',
      ),
    );

    renderCard(promotionApi);

    expect(
      await screen.findByText(/GitOps repository unreachable/),
    ).toBeInTheDocument();
  });

  it('explains the annotation when the entity has none', async () => {
    const promotionApi = mockPromotionApi();
    renderCard(promotionApi, { ...entity, metadata: { name: 'payments' } });

    expect(
      (await screen.findAllByText(/promotion\.backstage\.io\/image/)).length,
    ).toBeGreaterThan(0);
    expect(promotionApi.getPipeline).not.toHaveBeenCalled();
  });
});
