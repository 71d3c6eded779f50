import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  OverviewEntity,
  PromotionOverview,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  mockPromotionApi,
} from '../../testUtils/fixtures';
import { OverviewContent, OverviewPage } from './OverviewPage';

const request = {
  kind: 'promotion' as const,
  requestedBy: 'user:default/alice',
  requesterKind: 'user' as const,
  createdAt: '2026-12-01T10:00:00.000Z',
  gateRuns: [],
};

const payments: OverviewEntity = {
  entityRef: 'component:default/payments',
  title: 'Payments API',
  owner: 'group:default/team-a',
  environments: [
    {
      name: 'dev',
      artifact: {
        image: 'ghcr.io/acme/payments',
        digest: DIGEST_NEW,
        tag: '1.2.0',
      },
    },
    {
      name: 'staging',
      artifact: { image: 'ghcr.io/acme/payments', tag: '1.1.0' },
      activeRequest: {
        ...request,
        id: 'p-1',
        status: 'gating',
        sourceEnvironment: 'dev',
        artifact: {
          image: 'ghcr.io/acme/payments',
          digest: DIGEST_NEW,
          tag: '1.2.0',
        },
        approvals: { given: 0, required: 0 },
        waiting: {
          reason: 'gate',
          gate: 'scanner',
          status: 'failed',
          message: '2 critical vulnerabilities',
        },
      },
    },
    {
      name: 'prod',
      artifact: { image: 'ghcr.io/acme/payments', digest: DIGEST_OLD },
      hold: {
        setBy: 'user:default/bob',
        reason: 'rolled back: 5xx',
        createdAt: '2026-12-01T09:00:00.000Z',
      },
      activeRequest: {
        ...request,
        id: 'p-2',
        status: 'awaiting-approval',
        sourceEnvironment: 'staging',
        artifact: { image: 'ghcr.io/acme/payments', tag: '1.1.0' },
        approvals: { given: 1, required: 2 },
        waiting: { reason: 'approval', given: 1, required: 2 },
      },
    },
  ],
};

const billing: OverviewEntity = {
  entityRef: 'component:finance/billing',
  owner: 'group:default/team-b',
  environments: [
    { name: 'dev', artifact: null },
    { name: 'staging', artifact: null, error: 'is not valid YAML' },
  ],
};

const broken: OverviewEntity = {
  entityRef: 'component:default/broken',
  environments: [],
  error: 'lists unknown environment(s) qa',
};

const overview = (
  items: OverviewEntity[],
  extra: Partial<PromotionOverview> = {},
): PromotionOverview => ({
  environments: ['dev', 'staging', 'prod'],
  items,
  totalItems: items.length,
  offset: 0,
  limit: 50,
  ...extra,
});

function renderPage(
  promotionApi = mockPromotionApi(),
  element = <OverviewContent />,
) {
  const catalogApi = catalogApiMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-b', title: 'Backend team' },
        spec: { type: 'team', children: [] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-a' },
        spec: { type: 'team', children: [] },
      },
    ],
  });
  renderInTestApp(element, {
    apis: [
      [promotionApiRef, promotionApi],
      [catalogApiRef, catalogApi],
      mockApis.identity({
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
      }),
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return promotionApi;
}

/** The table's data rows. */
async function rows() {
  await screen.findByText(/^Promotions \(\d+\)$/);
  return screen
    .getAllByRole('row')
    .filter(row => within(row).queryAllByRole('cell').length > 0);
}

describe('OverviewPage', () => {
  it('shows what runs in each environment of each entity, and why requests wait', async () => {
    const api = mockPromotionApi();
    api.getOverview.mockResolvedValue(
      overview([billing, broken, payments], { totalItems: 3 }),
    );
    renderPage(api);

    const [billingRow, brokenRow, paymentsRow] = await rows();
    expect(api.getOverview).toHaveBeenCalledWith({ limit: 50, offset: 0 });
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      ['Entity', 'Owner', 'dev', 'staging', 'prod'],
    );

    const [entity, owner, dev, staging, prod] =
      within(paymentsRow).getAllByRole('cell');
    expect(entity).toHaveTextContent('Payments API');
    expect(within(entity).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/promotion',
    );
    expect(owner).toHaveTextContent('team-a');
    // The short digest on screen, the full one for screen readers, and the tag.
    expect(dev).toHaveTextContent(`1111111111aa${DIGEST_NEW} 1.2.0`);
    expect(within(staging).getByTestId('active-request')).toHaveTextContent(
      'Checking gates',
    );
    expect(
      within(staging).getByRole('link', { name: 'Blocked by gate scanner' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/promotion');
    expect(staging).toHaveTextContent('2 critical vulnerabilities');
    expect(staging).toHaveTextContent('1.2.0 from dev');
    expect(prod).toHaveTextContent('Held: rolled back: 5xx');
    expect(
      within(prod).getByRole('link', { name: 'Awaiting approval 1 of 2' }),
    ).toBeInTheDocument();
    expect(prod).toHaveTextContent('Awaiting approval');

    const billingCells = within(billingRow).getAllByRole('cell');
    expect(billingCells[0]).toHaveTextContent('billing');
    expect(within(billingCells[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/finance/component/billing/promotion',
    );
    expect(billingCells[2]).toHaveTextContent('Nothing pinned');
    expect(billingCells[3]).toHaveTextContent('Could not read');
    expect(billingCells[4]).toHaveTextContent('Not in its pipeline');

    expect(brokenRow).toHaveTextContent('lists unknown environment(s) qa');
  });

  it('asks the backend again with the words, the group, or what the user owns', async () => {
    const api = mockPromotionApi();
    api.getOverview.mockResolvedValue(overview([payments]));
    renderPage(api);
    await rows();

    await userEvent.type(screen.getByLabelText('Filter by name'), 'pay');
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({
        q: 'pay',
        limit: 50,
        offset: 0,
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: /^Owner/ }));
    const options = await screen.findAllByRole('option');
    // Everyone's, the user's own, then the catalog's groups by name.
    expect(options.map(o => o.textContent)).toEqual([
      'All owners',
      'Owned by me',
      'Backend team',
      'team-a',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'Backend team' }));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({
        owner: ['group:default/team-b'],
        q: 'pay',
        limit: 50,
        offset: 0,
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: /^Owner/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Owned by me' }),
    );
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({
        owner: ['user:default/alice', 'group:default/team-a'],
        q: 'pay',
        limit: 50,
        offset: 0,
      }),
    );
  });

  it('pages through the entities', async () => {
    const api = mockPromotionApi();
    api.getOverview.mockImplementation(async query =>
      overview([payments], { totalItems: 120, offset: query?.offset ?? 0 }),
    );
    renderPage(api);
    await rows();
    expect(screen.getByText('1-50 of 120')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({
        limit: 50,
        offset: 50,
      }),
    );
    expect(await screen.findByText('51-100 of 120')).toBeInTheDocument();
  });

  it('says what went wrong when the overview cannot be read', async () => {
    const api = mockPromotionApi();
    api.getOverview.mockRejectedValue(new Error('the backend is down'));
    renderPage(api, <OverviewPage />);

    expect(
      (await screen.findAllByText(/the backend is down/)).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('heading', { name: 'Promotions' }),
    ).toBeInTheDocument();
  });
});
