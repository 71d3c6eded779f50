import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { promotionEntityContent } from '../../alpha';
import { promotionApiRef } from '../../api';
import { SLOW_REFRESH_MS } from '../../hooks';
import {
  approval,
  DIGEST_NEW,
  gateRun,
  mockPromotionApi,
  promotion,
  responseError,
} from '../../testUtils/fixtures';
import { ApprovalsContent, ApprovalsPage } from './ApprovalsPage';

const HOUR = 3600 * 1000;

const paymentsToProd = promotion({
  id: 'p-1',
  status: 'awaiting-approval',
  sourceEnvironment: 'staging',
  targetEnvironment: 'prod',
  artifact: {
    image: 'ghcr.io/acme/payments',
    digest: DIGEST_NEW,
    tag: '1.4.0',
  },
  requestedBy: 'user:default/alice',
  createdAt: new Date(Date.now() - 3 * HOUR).toISOString(),
  approvalsRequired: 2,
  approvals: [approval({ approver: 'user:default/carol' })],
  gateRuns: [
    gateRun({ gate: 'soak' }),
    gateRun({ gate: 'version', status: 'warning', message: 'skips a minor' }),
  ],
  allowedActions: ['approve', 'reject', 'cancel'],
});

const billingToStaging = promotion({
  id: 'p-2',
  status: 'awaiting-approval',
  entityRef: 'component:finance/billing',
  sourceEnvironment: 'dev',
  targetEnvironment: 'staging',
  requestedBy: 'external:github-actions',
  requesterKind: 'service',
  createdAt: new Date(Date.now() - 5 * HOUR).toISOString(),
  approvalsRequired: 1,
  approvals: [],
  gateRuns: [gateRun()],
  // Say the policy allows rejecting but not approving here.
  allowedActions: ['reject'],
});

function renderPage(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  element = <ApprovalsContent />,
) {
  const alertApi = mockApis.alert();
  renderInTestApp(element, {
    apis: [[promotionApiRef, promotionApi], alertApi],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return { alertApi };
}

/** The table's data rows, oldest request first. */
async function rows() {
  await screen.findByText(/^Waiting for your approval \(\d+\)$/);
  return screen
    .getAllByRole('row')
    .filter(row => within(row).queryAllByRole('cell').length > 0);
}

describe('ApprovalsPage', () => {
  it('lists what waits for the signed-in user, oldest first, with its details', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({
      items: [paymentsToProd, billingToStaging],
    });

    renderPage(promotionApi);

    const [billing, payments] = await rows();
    expect(promotionApi.listPromotions).toHaveBeenCalledWith({
      awaitingMyApproval: true,
    });
    expect(
      screen.getByText('Waiting for your approval (2)'),
    ).toBeInTheDocument();

    const cells = within(payments)
      .getAllByRole('cell')
      .map(cell => cell.textContent);
    expect(cells.slice(0, 7)).toEqual([
      'payments',
      'prodfrom staging',
      // The short digest on screen, the full one for screen readers.
      `1111111111aa${DIGEST_NEW} 1.4.0`,
      'alice',
      '3 hours ago',
      '1/2',
      'Warning1 warning, 1 passed',
    ]);
    expect(
      within(payments).getByText('1111111111aa').parentElement,
    ).toHaveAttribute('title', DIGEST_NEW);

    expect(billing).toHaveTextContent('finance/billing');
    expect(billing).toHaveTextContent('CI (external:github-actions)');
    expect(billing).toHaveTextContent('0/1');
    expect(billing).toHaveTextContent('Passed');
  });

  it('links each entity to its Promotion tab', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({
      items: [paymentsToProd, billingToStaging],
    });

    renderPage(promotionApi);

    const [billing, payments] = await rows();
    expect(
      within(payments).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/promotion');
    // Outside the default namespace the name says which.
    expect(
      within(billing).getByRole('link', { name: 'finance/billing' }),
    ).toHaveAttribute('href', '/catalog/finance/component/billing/promotion');
  });

  it('offers Approve and Reject as each request allows', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({
      items: [paymentsToProd, billingToStaging],
    });

    renderPage(promotionApi);

    const [billing, payments] = await rows();
    // Each name says which entity and environment it decides, as screen
    // readers list the buttons of every row out of context.
    expect(
      within(payments).getByRole('button', {
        name: 'Approve promotion of payments to prod',
      }),
    ).toBeEnabled();
    expect(
      within(payments).getByRole('button', {
        name: 'Reject promotion of payments to prod',
      }),
    ).toBeEnabled();
    expect(
      within(billing).queryByRole('button', { name: /^Approve/ }),
    ).not.toBeInTheDocument();
    expect(
      within(billing).getByRole('button', {
        name: 'Reject promotion of finance/billing to staging',
      }),
    ).toBeEnabled();
    // Cancel and bypass belong on the entity's tab, not in this list.
    expect(
      within(payments).queryByRole('button', { name: /^Cancel/ }),
    ).not.toBeInTheDocument();
  });

  it('approves with a comment, then reads the list again', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions
      .mockResolvedValueOnce({ items: [paymentsToProd] })
      .mockResolvedValue({ items: [] });
    promotionApi.decide.mockResolvedValue({
      ...paymentsToProd,
      status: 'approved',
    });
    const { alertApi } = renderPage(promotionApi);

    const [payments] = await rows();
    await userEvent.click(
      within(payments).getByRole('button', {
        name: 'Approve promotion of payments to prod',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText('Approve the promotion of payments to prod'),
    ).toBeTruthy();
    await userEvent.type(dialog.getByLabelText('Comment (optional)'), 'go');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm approval' }),
    );

    // Bound to the build the row showed: the backend refuses the decision
    // if the request carries another one.
    expect(promotionApi.decide).toHaveBeenCalledWith('p-1', {
      decision: 'approve',
      comment: 'go',
      digest: DIGEST_NEW,
    });
    expect(
      await screen.findByText('Nothing waits for your approval'),
    ).toBeInTheDocument();
    expect(promotionApi.listPromotions).toHaveBeenCalledTimes(2);
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'success',
        message: 'Approved the promotion of payments to prod; it runs now',
      }),
    ]);
  });

  it('says when nothing waits', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({ items: [] });

    renderPage(promotionApi);

    expect(
      await screen.findByText('Nothing waits for your approval'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Approve/ })).toBeNull();
  });

  it('shows why the list could not be read', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockRejectedValue(
      await responseError(503, 'ServiceUnavailableError', 'backend restarting'),
    );

    renderPage(promotionApi);

    expect(await screen.findByText(/backend restarting/)).toBeInTheDocument();
    expect(
      screen.queryByText('Nothing waits for your approval'),
    ).not.toBeInTheDocument();
  });

  it('keeps the list and warns when reading it again fails', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions
      .mockResolvedValueOnce({ items: [paymentsToProd] })
      .mockRejectedValueOnce(
        await responseError(
          503,
          'ServiceUnavailableError',
          'backend restarting',
        ),
      );
    promotionApi.decide.mockRejectedValue(
      await responseError(409, 'ConflictError', 'You already decided'),
    );
    renderPage(promotionApi);

    const [payments] = await rows();
    await userEvent.click(
      within(payments).getByRole('button', { name: /^Reject/ }),
    );
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'not during the sale',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm rejection' }),
    );

    expect(
      await screen.findByText(
        /Could not refresh the list; showing what it was/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/backend restarting/).length).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: 'payments' })).toBeInTheDocument();
  });

  it('links to the tab where the app configured it', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({ items: [paymentsToProd] });
    renderInTestApp(<ApprovalsContent />, {
      apis: [[promotionApiRef, promotionApi]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      features: [
        createFrontendPlugin({
          pluginId: 'promotion',
          extensions: [promotionEntityContent],
        }),
      ],
      config: {
        app: {
          extensions: [
            {
              'entity-content:promotion': { config: { path: '/deployments' } },
            },
          ],
        },
      },
    });

    expect(
      await screen.findByRole('link', { name: 'payments' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/deployments',
    );
  });

  it('links to the tab where a legacy app mounts it', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({ items: [paymentsToProd] });

    renderPage(promotionApi, <ApprovalsPage tabPath="/deploy" />);

    expect(
      await screen.findByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/deploy');
  });

  it('has its own header on the legacy frontend system', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listPromotions.mockResolvedValue({ items: [] });

    renderPage(promotionApi, <ApprovalsPage />);

    expect(
      await screen.findByRole('heading', { name: 'Approvals' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByText('Nothing waits for your approval'),
      ).toBeInTheDocument(),
    );
  });

  describe('refresh', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('reads the list again every half minute and when the person comes back', async () => {
      const promotionApi = mockPromotionApi();
      promotionApi.listPromotions
        .mockResolvedValueOnce({ items: [paymentsToProd] })
        .mockResolvedValueOnce({ items: [paymentsToProd, billingToStaging] })
        .mockResolvedValue({ items: [] });

      renderPage(promotionApi);

      expect(
        await screen.findByText('Waiting for your approval (1)'),
      ).toBeInTheDocument();
      await act(async () => {
        jest.advanceTimersByTime(SLOW_REFRESH_MS - 100);
      });
      expect(promotionApi.listPromotions).toHaveBeenCalledTimes(1);
      await act(async () => {
        jest.advanceTimersByTime(100);
      });
      expect(
        await screen.findByText('Waiting for your approval (2)'),
      ).toBeInTheDocument();

      act(() => {
        window.dispatchEvent(new Event('focus'));
      });
      expect(
        await screen.findByText('Nothing waits for your approval'),
      ).toBeInTheDocument();
      expect(promotionApi.listPromotions).toHaveBeenCalledTimes(3);
    });
  });
});
