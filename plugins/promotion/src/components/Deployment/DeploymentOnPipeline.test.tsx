import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { PipelineEnvironment } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef, SyncOutcome } from '../../api';
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
  ARGO_URL,
  deployment,
  minutesAgo,
  RUNNING_IMAGE,
} from '../../testUtils/deploymentFixtures';
import { EntityPromotionContent } from '../EntityPromotionContent';

const REASON = 'release 1.2.0 inside the change window';
const SYNC_DIALOG = 'Sync payments-prod in Argo CD?';

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

function prod(extra: Partial<PipelineEnvironment> = {}) {
  return environment('prod', DIGEST_NEW, {
    allowedActions: ['rollback', 'sync'],
    deployment: deployment(),
    ...extra,
  });
}

function withProd(extra: Partial<PipelineEnvironment> = {}) {
  return pipeline(
    environment('staging', DIGEST_NEW, {
      deployment: deployment({
        resource: 'payments-staging',
        url: undefined,
        manualSync: false,
        sync: 'out-of-sync',
        health: 'degraded',
        images: [],
      }),
    }),
    prod(extra),
  );
}

function syncing(): SyncOutcome {
  return {
    entityRef: ENTITY_REF,
    environment: 'prod',
    application: 'payments-prod',
    deployment: deployment({
      sync: 'out-of-sync',
      health: 'progressing',
      operationRunning: true,
    }),
  };
}

async function deploymentOf(name: string) {
  return within(await screen.findByTestId(`deployment-${name}`));
}

async function openSyncDialog() {
  await userEvent.click(await screen.findByRole('button', { name: 'Sync' }));
  return within(screen.getByRole('dialog', { name: SYNC_DIALOG }));
}

describe('Deployment on the Promotion tab', () => {
  it('shows sync, health and where it runs, with a link to Argo CD', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(withProd());

    renderContent(promotionApi);

    const view = await deploymentOf('prod');
    expect(
      view.getByRole('list', { name: 'Sync and health' }),
    ).toHaveTextContent(/^SyncedHealthy$/);
    expect(
      view.getByRole('link', { name: /^Argo CD · payments-prod/ }),
    ).toHaveAttribute('href', ARGO_URL);
    expect(view.getByText(/Manual sync/)).toBeInTheDocument();

    // Each card reports its own state; one without a URL names it unlinked.
    const staging = await deploymentOf('staging');
    expect(
      staging.getByRole('list', { name: 'Sync and health' }),
    ).toHaveTextContent(/^Out of syncDegraded$/);
    expect(staging.getByText('Argo CD · payments-staging')).toBeInTheDocument();
    expect(staging.queryByRole('link')).toBeNull();
    expect(staging.queryByText(/Manual sync/)).toBeNull();
  });

  it('shows the images that run, short, with the full reference on hover', async () => {
    const promotionApi = mockPromotionApi();
    const sidecar = 'docker.io/envoyproxy/envoy:v1.30.1';
    promotionApi.getPipeline.mockResolvedValue(
      withProd({
        deployment: deployment({ images: [RUNNING_IMAGE, sidecar] }),
      }),
    );

    renderContent(promotionApi);

    const images = within(await screen.findByTestId('deployment-prod-images'));
    const running = images.getByText('payments:1.2.0 (1111111111aa)');
    expect(running.closest('[title]')).toHaveAttribute('title', RUNNING_IMAGE);
    expect(
      images.getByText('envoy:v1.30.1').closest('[title]'),
    ).toHaveAttribute('title', sidecar);
  });

  it('shows the last sync and since when it is healthy as relative times, with the exact time on hover', async () => {
    const promotionApi = mockPromotionApi();
    const lastSyncedAt = minutesAgo(5);
    const healthySince = minutesAgo(180);
    promotionApi.getPipeline.mockResolvedValue(
      withProd({ deployment: deployment({ lastSyncedAt, healthySince }) }),
    );

    renderContent(promotionApi);

    const view = await deploymentOf('prod');
    const lastSync = view.getByText('5 minutes ago');
    expect(lastSync).toHaveAttribute('title', lastSyncedAt);
    expect(lastSync).toHaveAttribute('dateTime', lastSyncedAt);
    expect(view.getByText('Last sync').nextSibling).toContainElement(lastSync);
    const healthy = view.getByText('3 hours ago');
    expect(healthy).toHaveAttribute('title', healthySince);
    expect(view.getByText('Healthy since').nextSibling).toContainElement(
      healthy,
    );
  });

  it('shows where a canary rollout has got to, and what the source says', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withProd({
        deployment: deployment({
          health: 'suspended',
          message: 'Rollout is paused',
          rollout: {
            name: 'payments',
            phase: 'Paused',
            step: 2,
            steps: 5,
            weight: 20,
            message: 'CanaryPauseStep',
          },
        }),
      }),
    );

    renderContent(promotionApi);

    const view = await deploymentOf('prod');
    expect(view.getByText('Rollout').nextSibling).toHaveTextContent(
      /^payments \(Paused\): Canary step 2 of 5 · 20% trafficCanaryPauseStep$/,
    );
    expect(view.getByText('Rollout is paused')).toBeInTheDocument();
    expect(
      view.getByRole('list', { name: 'Sync and health' }),
    ).toHaveTextContent(/^SyncedSuspended$/);
  });

  it('says why when the source could not be read, instead of unknown chips', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withProd({
        allowedActions: ['rollback'],
        deployment: {
          source: 'argocd',
          resource: 'payments-prod',
          sync: 'unknown',
          health: 'unknown',
          images: [],
          manualSync: false,
          error: "Argo CD 'main' refused the token (401)",
        },
      }),
    );

    renderContent(promotionApi);

    const view = await deploymentOf('prod');
    expect(view.getByTestId('deployment-prod-error')).toHaveTextContent(
      "What runs is not known. Argo CD 'main' refused the token (401)",
    );
    expect(view.getByText('Argo CD · payments-prod')).toBeInTheDocument();
    expect(view.queryByRole('list', { name: 'Sync and health' })).toBeNull();
    expect(view.queryByText('Sync unknown')).toBeNull();
    expect(view.queryByText('Health unknown')).toBeNull();
  });

  it('shows nothing of a deployment where the environment has no source', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_OLD), prod()),
    );

    renderContent(promotionApi);

    await deploymentOf('prod');
    expect(screen.queryByTestId('deployment-dev')).toBeNull();
  });

  it('offers Sync only where the backend allows it', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(withProd());

    renderContent(promotionApi);

    const button = await screen.findByRole('button', { name: 'Sync' });
    expect(screen.getByTestId('env-prod')).toContainElement(button);
    expect(screen.getAllByRole('button', { name: 'Sync' })).toHaveLength(1);
  });

  it('offers no Sync without the sync action, even on a manual-sync environment', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withProd({ allowedActions: ['rollback'] }),
    );

    renderContent(promotionApi);

    await deploymentOf('prod');
    expect(
      await screen.findByRole('button', { name: /^Roll back/ }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sync' })).toBeNull();
  });

  it('syncs with the reason after confirmation, says so and reads the pipeline again', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValueOnce(withProd());
    promotionApi.getPipeline.mockResolvedValue(
      withProd({ deployment: syncing().deployment }),
    );
    promotionApi.syncEnvironment.mockResolvedValue(syncing());

    const { alertApi } = renderContent(promotionApi);
    const dialog = await openSyncDialog();
    expect(
      dialog.getByText(/Argo CD applies what git holds for prod now/),
    ).toBeInTheDocument();
    expect(promotionApi.syncEnvironment).not.toHaveBeenCalled();

    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      REASON,
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Sync' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(promotionApi.syncEnvironment).toHaveBeenCalledWith(
      ENTITY_REF,
      'prod',
      { reason: REASON },
    );
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'Argo CD is syncing payments-prod',
        severity: 'success',
      }),
    ]);
    // The card shows the sync under way once the pipeline is read again.
    const view = await deploymentOf('prod');
    await waitFor(() =>
      expect(
        view.getByRole('list', { name: 'Sync and health' }),
      ).toHaveTextContent(/^Out of syncProgressingSync running$/),
    );
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
  });

  it('syncs without a reason, and says when a landed promotion is now followed', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(withProd());
    promotionApi.syncEnvironment.mockResolvedValue({
      ...syncing(),
      promotionId: 'p-1',
    });

    const { alertApi } = renderContent(promotionApi);
    const dialog = await openSyncDialog();
    await userEvent.click(dialog.getByRole('button', { name: 'Sync' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(promotionApi.syncEnvironment).toHaveBeenCalledWith(
      ENTITY_REF,
      'prod',
      {},
    );
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message:
          'Argo CD is syncing payments-prod; the promotion that landed in prod is followed until it runs healthy',
      }),
    ]);
  });

  it('does not sync when the dialog is cancelled', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(withProd());

    renderContent(promotionApi);
    const dialog = await openSyncDialog();
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(promotionApi.syncEnvironment).not.toHaveBeenCalled();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);
  });

  it("keeps the dialog open with the reason and shows Argo CD's refusal", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(withProd());
    promotionApi.syncEnvironment.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        "Not synced: Argo CD 'main' refused the token",
      ),
    );

    const { alertApi } = renderContent(promotionApi);
    const dialog = await openSyncDialog();
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, REASON);
    await userEvent.click(dialog.getByRole('button', { name: 'Sync' }));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      "Not synced: Argo CD 'main' refused the token",
    );
    expect(
      screen.getByRole('dialog', { name: SYNC_DIALOG }),
    ).toBeInTheDocument();
    expect(reason).toHaveValue(REASON);
    expect(alertApi.getAlerts()).toEqual([]);
  });
});
