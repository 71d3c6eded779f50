import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Entity } from '@backstage/catalog-model';
import { promotionApiRef } from '../../api';
import { doraMetrics } from '../../testUtils/doraMetricsFixtures';
import { mockPromotionApi, responseError } from '../../testUtils/fixtures';
import { PromotionMetricsPage } from './PromotionMetricsPage';

const group = (name: string, displayName?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'team',
    children: [],
    ...(displayName ? { profile: { displayName } } : {}),
  },
});

const overall = doraMetrics({ scope: { kind: 'all', entityCount: 12 } });
const teamA = doraMetrics({
  scope: {
    kind: 'group',
    group: 'group:default/team-a',
    entityRefs: ['component:default/payments', 'component:default/checkout'],
  },
  deploymentFrequency: { total: 2, perDay: 0.5, series: [1, 0, 1, 0] },
});

function renderPage(promotionApi: ReturnType<typeof mockPromotionApi>) {
  return renderInTestApp(<PromotionMetricsPage />, {
    apis: [
      [promotionApiRef, promotionApi],
      [
        catalogApiRef,
        catalogApiMock({
          entities: [
            group('team-b', 'Billing'),
            group('team-a', 'Alpha'),
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'payments' },
            },
          ],
        }),
      ],
    ],
  });
}

describe('PromotionMetricsPage', () => {
  it('shows the metrics of every entity the user may see at first', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getDoraMetrics.mockResolvedValue(overall);

    renderPage(promotionApi);

    expect(
      await screen.findByText(
        '12 entities you may see that changed production',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('1.5 / day')).toBeInTheDocument();
    expect(promotionApi.getDoraMetrics).toHaveBeenCalledWith({ window: '30d' });
    expect(
      screen.getByRole('heading', { name: 'Promotion metrics' }),
    ).toBeInTheDocument();
  });

  it("offers the catalog's groups by name and shows the picked group's metrics", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getDoraMetrics.mockImplementation(async query =>
      query?.group ? teamA : overall,
    );

    renderPage(promotionApi);
    await screen.findByText('1.5 / day');

    await userEvent.click(screen.getByRole('button', { name: /All entities/ }));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(option => option.textContent)).toEqual([
      'All entities',
      'Alpha',
      'Billing',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'Alpha' }));

    expect(
      await screen.findByText('2 entities owned by group:default/team-a'),
    ).toBeInTheDocument();
    expect(screen.getByText('3.5 / week')).toBeInTheDocument();
    expect(promotionApi.getDoraMetrics).toHaveBeenLastCalledWith({
      window: '30d',
      group: 'group:default/team-a',
    });
  });

  it('asks for another window when one is picked', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getDoraMetrics.mockResolvedValue(overall);

    renderPage(promotionApi);
    await screen.findByText('1.5 / day');

    await userEvent.click(screen.getByRole('button', { name: /Last 30 days/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Last 90 days' }));

    await waitFor(() =>
      expect(promotionApi.getDoraMetrics).toHaveBeenLastCalledWith({
        window: '90d',
      }),
    );
  });

  it('shows why the metrics could not be loaded', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getDoraMetrics.mockRejectedValue(
      await responseError(
        503,
        'ServiceUnavailableError',
        'The database is down',
      ),
    );

    renderPage(promotionApi);

    expect(await screen.findByText(/The database is down/)).toBeInTheDocument();
  });
});
