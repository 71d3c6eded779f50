import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { PipelineEnvironment } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  ENTITY_REF,
  entity,
  environment,
  mockPromotionApi,
  pipeline,
  responseError,
} from '../../testUtils/fixtures';
import {
  history,
  rollback,
  rollbackPlan,
} from '../../testUtils/rollbackFixtures';
import { EntityPromotionContent } from '../EntityPromotionContent';

const REASON = 'checkout errors since 1.2.0';
const HELD_SINCE = new Date(Date.now() - 2 * 3600 * 1000).toISOString();

function renderContent(promotionApi: ReturnType<typeof mockPromotionApi>) {
  const alertApi = mockApis.alert();
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityPromotionContent />
    </EntityProvider>,
    {
      apis: [[promotionApiRef, promotionApi], alertApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { alertApi };
}

function staging(extra: Partial<PipelineEnvironment> = {}) {
  return environment('staging', DIGEST_NEW, {
    allowedActions: ['promote', 'rollback'],
    ...extra,
  });
}

const held = (extra: Partial<PipelineEnvironment> = {}) =>
  staging({
    hold: {
      setBy: 'user:default/alice',
      reason: REASON,
      promotionId: 'r-1',
      createdAt: HELD_SINCE,
    },
    ...extra,
  });

describe('Rollback on the Promotion tab', () => {
  it('offers Roll back only where the backend allows it', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        staging(),
        environment('prod', DIGEST_OLD, { allowedActions: [] }),
      ),
    );

    renderContent(promotionApi);

    expect(
      await screen.findByRole('button', {
        name: 'Roll back payments in staging',
      }),
    ).toBeEnabled();
    expect(
      within(screen.getByTestId('env-staging')).getByRole('button', {
        name: /^Roll back/,
      }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /in dev$/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /in prod$/ })).toBeNull();
  });

  it('requests the chosen build with the reason, closes and reads the pipeline again', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValueOnce(
      pipeline(environment('dev', DIGEST_NEW), staging()),
    );
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        held({ activeRequests: [rollback()] }),
      ),
    );
    promotionApi.getHistory.mockResolvedValue(history());
    promotionApi.planRollback.mockResolvedValue(rollbackPlan());
    promotionApi.requestRollback.mockResolvedValue(rollback());

    const { alertApi } = renderContent(promotionApi);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Roll back payments in staging',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    await dialog.findByTestId('rollback-impact');
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      REASON,
    );
    await userEvent.click(
      dialog.getByRole('button', {
        name: 'Confirm rollback of payments in staging',
      }),
    );

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(promotionApi.requestRollback).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      environment: 'staging',
      digest: DIGEST_OLD,
      reason: REASON,
    });
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message:
          'Requested the rollback of payments in staging, back to 1.1.0 (2222222222bb): awaiting approval',
        severity: 'success',
      }),
    ]);

    // The request and the hold it set show on the card once read again.
    const card = within(screen.getByTestId('env-staging'));
    const request = within(await card.findByTestId('request-r-1'));
    expect(request.getByTestId('request-kind-rollback')).toHaveTextContent(
      'Rollback',
    );
    expect(
      request.getByText(/back to 1\.1\.0 \(2222222222bb\)/),
    ).toBeInTheDocument();
    expect(card.getByTestId('hold-staging')).toBeInTheDocument();
  });

  it('keeps the dialog open with the reason when the backend refuses the rollback', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW), staging()),
    );
    promotionApi.getHistory.mockResolvedValue(history());
    promotionApi.planRollback.mockResolvedValue(rollbackPlan());
    promotionApi.requestRollback.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        'staging has a promotion executing; wait for it to finish',
      ),
    );

    const { alertApi } = renderContent(promotionApi);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Roll back payments in staging',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    await dialog.findByTestId('rollback-impact');
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, REASON);
    await userEvent.click(
      dialog.getByRole('button', {
        name: 'Confirm rollback of payments in staging',
      }),
    );

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'staging has a promotion executing; wait for it to finish',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(reason).toHaveValue(REASON);
    expect(alertApi.getAlerts()).toEqual([]);
  });

  it('shows a hold: since when, by whom and why', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW), held()),
    );

    renderContent(promotionApi);

    const notice = await screen.findByTestId('hold-staging');
    expect(notice).toHaveTextContent(
      /^Automatic promotion held since .+ \(2 hours ago\) by alice: checkout errors since 1\.2\.0$/,
    );
    expect(
      within(notice).getByRole('link', { name: 'alice' }),
    ).toBeInTheDocument();
    // Releasing is a separate permission from rolling back.
    expect(screen.queryByRole('button', { name: /^Release hold/ })).toBeNull();
    expect(screen.queryByTestId('hold-dev')).toBeNull();
  });

  it('releases a hold after confirmation and reads the pipeline again', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValueOnce(
      pipeline(
        environment('dev', DIGEST_NEW),
        held({ allowedActions: ['promote', 'rollback', 'release-hold'] }),
      ),
    );
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW), staging()),
    );
    promotionApi.releaseHold.mockResolvedValue();

    const { alertApi } = renderContent(promotionApi);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Release hold on payments in staging',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByRole('heading', {
        name: 'Release the hold on payments in staging?',
      }),
    ).toBeInTheDocument();
    expect(promotionApi.releaseHold).not.toHaveBeenCalled();

    await userEvent.click(dialog.getByRole('button', { name: 'Release hold' }));

    await waitFor(() =>
      expect(screen.queryByTestId('hold-staging')).toBeNull(),
    );
    expect(promotionApi.releaseHold).toHaveBeenCalledWith(
      ENTITY_REF,
      'staging',
    );
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message:
          'Released the hold on payments in staging: automatic promotion goes on',
        severity: 'success',
      }),
    ]);
  });

  it('keeps the hold when Keep is chosen, and shows a refused release in the dialog', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        held({ allowedActions: ['rollback', 'release-hold'] }),
      ),
    );
    promotionApi.releaseHold.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        'staging of component:default/payments is not held',
      ),
    );

    renderContent(promotionApi);
    const release = await screen.findByRole('button', {
      name: 'Release hold on payments in staging',
    });

    await userEvent.click(release);
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Keep the hold',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(promotionApi.releaseHold).not.toHaveBeenCalled();

    await userEvent.click(release);
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Release hold' }));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'The hold was not released: staging of component:default/payments is not held',
    );
    expect(screen.getByTestId('hold-staging')).toBeInTheDocument();
  });

  it('keeps an open rollback dialog when a refresh no longer allows rolling back', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        pipeline(environment('dev', DIGEST_NEW), staging()),
      )
      .mockResolvedValue(
        pipeline(
          environment('dev', DIGEST_NEW),
          staging({ allowedActions: ['promote'] }),
        ),
      );
    promotionApi.getHistory.mockResolvedValue(history());
    promotionApi.planRollback.mockResolvedValue(rollbackPlan());

    renderContent(promotionApi);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Roll back payments in staging',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    await dialog.findByTestId('rollback-impact');
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, REASON);

    // The person comes back to the page: it is read again.
    fireEvent.focus(window);
    await waitFor(() =>
      expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Roll back payments in staging' }),
      ).toBeNull(),
    );

    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(reason).toHaveValue(REASON);
  });

  it("keeps an open release dialog when the hold is gone, and shows the backend's answer", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        pipeline(
          environment('dev', DIGEST_NEW),
          held({ allowedActions: ['rollback', 'release-hold'] }),
        ),
      )
      .mockResolvedValue(
        pipeline(
          environment('dev', DIGEST_NEW),
          staging({ allowedActions: ['rollback', 'release-hold'] }),
        ),
      );
    promotionApi.releaseHold.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        'staging of component:default/payments is not held',
      ),
    );

    const { alertApi } = renderContent(promotionApi);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Release hold on payments in staging',
      }),
    );

    // Someone else released it meanwhile; the page is read again.
    fireEvent.focus(window);
    await waitFor(() =>
      expect(screen.queryByTestId('hold-staging')).toBeNull(),
    );
    expect(
      screen.queryByRole('button', {
        name: 'Release hold on payments in staging',
      }),
    ).toBeNull();

    const dialog = within(screen.getByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Release hold' }));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'The hold was not released: staging of component:default/payments is not held',
    );
    expect(alertApi.getAlerts()).toEqual([]);

    await userEvent.click(
      dialog.getByRole('button', { name: 'Keep the hold' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
