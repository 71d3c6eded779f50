import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EnvironmentVersion } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  ENTITY_REF,
  IMAGE,
  mockPromotionApi,
} from '../../testUtils/fixtures';
import { EnvironmentHistoryCard } from './EnvironmentHistoryCard';

const version = (
  tag: string,
  digest: string,
  sha: string,
  extra: Partial<EnvironmentVersion['commit']> = {},
): EnvironmentVersion => ({
  artifact: { image: IMAGE, tag, digest },
  commit: {
    sha: sha.repeat(40),
    author: 'user:default/alice',
    date: new Date(Date.now() - 3600_000).toISOString(),
    ...extra,
  },
});

function renderCard(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  environments = [{ name: 'dev' }, { name: 'staging', pinnedBy: 'b' }],
) {
  return renderInTestApp(
    <EnvironmentHistoryCard
      entityRef={ENTITY_REF}
      environments={environments}
    />,
    {
      apis: [[promotionApiRef, promotionApi]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EnvironmentHistoryCard', () => {
  it("shows the last environment's builds, newest first, marking what runs now", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getHistory.mockResolvedValue({
      entityRef: ENTITY_REF,
      environment: 'staging',
      versions: [
        version('1.2.0', DIGEST_NEW, 'b', {
          bypassedBy: 'user:default/carol',
        }),
        version('1.1.0', DIGEST_OLD, 'a', { author: 'Build Bot' }),
      ],
    });

    await renderCard(promotionApi);

    const list = within(await screen.findByTestId('version-history-staging'));
    const entries = list.getAllByRole('listitem');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent(/^1\.2\.0 1111111111aa.*runs now/);
    expect(entries[0]).toHaveTextContent('emergency bypass by');
    expect(entries[1]).toHaveTextContent(/^1\.1\.0 2222222222bb/);
    expect(entries[1]).toHaveTextContent('pinned by Build Bot');
    expect(entries[1]).toHaveTextContent('commit aaaaaaa');
    expect(entries[1]).not.toHaveTextContent('runs now');
    expect(promotionApi.getHistory).toHaveBeenCalledWith(ENTITY_REF, 'staging');
  });

  it('reads the history of the environment picked', async () => {
    const promotionApi = mockPromotionApi();
    await renderCard(promotionApi);
    await waitFor(() =>
      expect(promotionApi.getHistory).toHaveBeenCalledWith(
        ENTITY_REF,
        'staging',
      ),
    );

    await userEvent.click(screen.getByRole('tab', { name: 'dev' }));

    await waitFor(() =>
      expect(promotionApi.getHistory).toHaveBeenLastCalledWith(
        ENTITY_REF,
        'dev',
      ),
    );
    expect(
      await screen.findByText('Nothing has been pinned in dev yet.'),
    ).toBeInTheDocument();
  });

  it('says why a history could not be read', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getHistory.mockRejectedValue(new Error('git is unreachable'));
    await renderCard(promotionApi);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not read the history of staging: git is unreachable',
    );
  });
});
