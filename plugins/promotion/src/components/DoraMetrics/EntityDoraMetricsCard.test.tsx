import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { promotionApiRef } from '../../api';
import { doraMetrics } from '../../testUtils/doraMetricsFixtures';
import {
  entity,
  mockPromotionApi,
  responseError,
} from '../../testUtils/fixtures';
import { EntityDoraMetricsCard } from './EntityDoraMetricsCard';

function renderCard(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  subject: Entity = entity,
) {
  return renderInTestApp(
    <EntityProvider entity={subject}>
      <EntityDoraMetricsCard />
    </EntityProvider>,
    { apis: [[promotionApiRef, promotionApi]] },
  );
}

const tile = (name: string) => screen.getByRole('region', { name });

describe('EntityDoraMetricsCard', () => {
  it("shows the entity's four metrics over the last 30 days", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getDoraMetrics.mockResolvedValue(doraMetrics());

    renderCard(promotionApi);

    expect(await screen.findByText('1.5 / day')).toBeInTheDocument();
    expect(promotionApi.getDoraMetrics).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
    });
    expect(tile('Deployment frequency')).toHaveTextContent(
      '6 deployments to prod',
    );
    expect(tile('Lead time for changes')).toHaveTextContent(
      '3.5 hMedian of 5 builds; p90 2 d',
    );
    expect(tile('Change failure rate')).toHaveTextContent(
      '25%2 of 8 changes failed or rolled back',
    );
    expect(tile('Time to restore')).toHaveTextContent(
      '45 minMedian of 1 restore; 1 not restored yet',
    );
    expect(
      screen.getByText(/Changes to prod over the last 4 days, per day/),
    ).toBeInTheDocument();
  });

  it('draws a bar per day, as high as its count, each saying its day and value', async () => {
    const promotionApi = mockPromotionApi();
    const metrics = doraMetrics();
    promotionApi.getDoraMetrics.mockResolvedValue(metrics);

    renderCard(promotionApi);

    const chart = await screen.findByRole('img', {
      name: 'Deployments per day',
    });
    const bars = within(chart).getAllByTestId('bar');
    // 2, 0, 3, 1 of a tallest 3, in a chart 32 high.
    expect(bars.map(bar => Number(bar.getAttribute('height')))).toEqual([
      (2 / 3) * 32,
      0,
      32,
      (1 / 3) * 32,
    ]);
    const day = new Date(metrics.buckets[2].start).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    expect(bars[2]).toHaveTextContent(`${day}: 3 deployments`);

    // Failure rates are drawn against 100%; a day without changes has no bar.
    const rates = within(
      screen.getByRole('img', { name: 'Change failure rate per day' }),
    ).getAllByTestId('bar');
    expect(rates.map(bar => Number(bar.getAttribute('height')))).toEqual([
      0, 0, 16, 0,
    ]);
    expect(rates[1]).toHaveTextContent('no changes');
    expect(rates[2]).toHaveTextContent('50% (2 of 4)');

    // Lead time: a point for each day with a value, none for the day without.
    const points = within(
      screen.getByRole('img', { name: 'Median lead time per day' }),
    ).getAllByTestId('point');
    expect(points.map(point => point.textContent)).toEqual([
      expect.stringMatching(/: 4 h$/),
      expect.stringMatching(/: 3 h$/),
      expect.stringMatching(/: 2 h$/),
    ]);
  });

  it('says when nothing reached production', async () => {
    const promotionApi = mockPromotionApi();
    const empty = doraMetrics();
    promotionApi.getDoraMetrics.mockResolvedValue({
      ...empty,
      deploymentFrequency: { total: 0, perDay: 0, series: [0, 0, 0, 0] },
      leadTime: { count: 0, medianMs: null, p90Ms: null, series: [] },
      changeFailureRate: {
        attempts: 0,
        failures: 0,
        rate: null,
        series: empty.changeFailureRate.series.map(() => ({
          attempts: 0,
          failures: 0,
          rate: null,
        })),
      },
      timeToRestore: {
        count: 0,
        open: 0,
        medianMs: null,
        p90Ms: null,
        series: [],
      },
    });

    renderCard(promotionApi);

    expect(await screen.findByText('none')).toBeInTheDocument();
    expect(tile('Lead time for changes')).toHaveTextContent(
      '—No build reached production',
    );
    expect(tile('Time to restore')).toHaveTextContent('—No failures');
  });

  it('shows why the metrics could not be loaded', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getDoraMetrics.mockRejectedValue(
      await responseError(
        404,
        'NotFoundError',
        'No entity component:default/payments',
      ),
    );

    renderCard(promotionApi);

    expect(
      await screen.findByText(/No entity component:default\/payments/),
    ).toBeInTheDocument();
  });

  it('asks for the image annotation on an entity without it, and asks the API nothing', async () => {
    const promotionApi = mockPromotionApi();

    await renderCard(promotionApi, {
      ...entity,
      metadata: { name: 'billing' },
    });

    expect(
      (await screen.findAllByText(/promotion\.backstage\.io\/image/)).length,
    ).toBeGreaterThan(0);
    expect(promotionApi.getDoraMetrics).not.toHaveBeenCalled();
  });
});
