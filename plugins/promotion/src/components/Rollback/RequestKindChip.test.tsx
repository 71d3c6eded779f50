import { screen, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { promotionApiRef } from '../../api';
import { mockPromotionApi, promotion } from '../../testUtils/fixtures';
import { rollback } from '../../testUtils/rollbackFixtures';
import { ApprovalsContent } from '../ApprovalsPage';

describe('Rollbacks on the approvals page', () => {
  it('labels a rollback as one, and an ordinary promotion by where it comes from', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({
      items: [
        rollback({ createdAt: '2024-05-01T10:00:00.000Z' }),
        promotion({
          id: 'p-2',
          status: 'awaiting-approval',
          targetEnvironment: 'prod',
          sourceEnvironment: 'staging',
          createdAt: '2024-05-02T10:00:00.000Z',
        }),
      ],
    });

    renderInTestApp(<ApprovalsContent />, {
      apis: [[promotionApiRef, promotionApi], mockApis.alert()],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    await screen.findByText('Waiting for your approval (2)');
    const [rollbackRow, promotionRow] = screen
      .getAllByRole('row')
      .filter(row => within(row).queryAllByRole('cell').length > 0);
    const environmentCell = (row: HTMLElement) =>
      within(row).getAllByRole('cell')[1];

    expect(environmentCell(rollbackRow)).toHaveTextContent(/^stagingRollback$/);
    expect(
      within(rollbackRow).getByTestId('request-kind-rollback'),
    ).toBeInTheDocument();
    expect(environmentCell(promotionRow)).toHaveTextContent(
      /^prodfrom staging$/,
    );
    expect(
      within(promotionRow).queryByTestId('request-kind-rollback'),
    ).toBeNull();
  });
});
