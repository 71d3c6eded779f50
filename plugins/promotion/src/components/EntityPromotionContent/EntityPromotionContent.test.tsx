import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { Pipeline } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import { FAST_REFRESH_MS, SLOW_REFRESH_MS } from '../../hooks';
import {
  approval,
  DIGEST_NEW,
  DIGEST_OLD,
  ENTITY_REF,
  entity,
  environment,
  gateRun,
  IMAGE,
  mockPromotionApi,
  pipeline,
  plan,
  promotion,
  responseError,
} from '../../testUtils/fixtures';
import { EntityPromotionContent } from './EntityPromotionContent';

// A promotion is re-read once a second; leave room for a poll or two.
const POLL_WAIT = { timeout: 4000 };

function renderContent(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  options: { entity?: Entity } = {},
) {
  const alertApi = mockApis.alert();
  renderInTestApp(
    <EntityProvider entity={options.entity ?? entity}>
      <EntityPromotionContent />
    </EntityProvider>,
    {
      apis: [[promotionApiRef, promotionApi], alertApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { alertApi };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Opens the promote dialog and waits until its plan is shown. */
async function openPromoteDialog(target: string) {
  await userEvent.click(
    await screen.findByRole('button', { name: `Promote to ${target}` }),
  );
  const dialog = within(screen.getByRole('dialog'));
  await dialog.findByTestId('promotion-plan');
  return dialog;
}

describe('EntityPromotionContent', () => {
  it('shows each environment with its build, who pinned it and when', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW), environment('staging', null)),
    );

    renderContent(promotionApi);

    const digest = await screen.findByTestId('env-dev-digest');
    // The short digest on screen, the full one on hover and for screen
    // readers, which do not reliably read a title.
    expect(within(digest).getByText('1111111111aa')).toHaveAttribute(
      'aria-hidden',
      'true',
    );
    expect(digest).toHaveAttribute('title', DIGEST_NEW);
    expect(within(digest).getByText(DIGEST_NEW)).toBeInTheDocument();
    const dev = within(screen.getByTestId('env-dev'));
    expect(dev.getByText('dev-tag')).toBeInTheDocument();
    expect(dev.getByText(IMAGE)).toBeInTheDocument();
    // A git author name is no catalog entity: plain text, no link.
    expect(dev.getByText(/by dev-author/)).toBeInTheDocument();
    expect(dev.queryByRole('link')).not.toBeInTheDocument();
    expect(dev.getByText('2 hours ago')).toBeInTheDocument();
    const commit = dev.getByTitle(`d${'0'.repeat(39)}`);
    expect(within(commit).getByText('d000000')).toBeInTheDocument();
    expect(within(commit).getByText(`d${'0'.repeat(39)}`)).toBeInTheDocument();

    expect(screen.getByTestId('env-staging-digest')).toHaveTextContent(/^—$/);
    expect(
      within(screen.getByTestId('env-staging')).getByText(
        'Nothing deployed yet',
      ),
    ).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledWith(ENTITY_REF);
  });

  it("shows, under the pipeline, the last environment's history and the entity's audit log", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
      ),
    );

    renderContent(promotionApi);

    expect(
      await screen.findByText('Nothing has been pinned in staging yet.'),
    ).toBeInTheDocument();
    expect(promotionApi.getHistory).toHaveBeenCalledWith(ENTITY_REF, 'staging');
    expect(screen.getByRole('tab', { name: 'dev' })).toBeInTheDocument();
    expect(
      await screen.findByTestId('audit-chain-verification'),
    ).toHaveTextContent('Chain intact');
    expect(promotionApi.listAuditRecords).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: ENTITY_REF, order: 'desc' }),
    );
  });

  it('marks a build that was promoted with an emergency bypass', async () => {
    const promotionApi = mockPromotionApi();
    const prod = environment('prod', DIGEST_NEW);
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('staging', DIGEST_NEW), {
        ...prod,
        commit: { ...prod.commit!, bypassedBy: 'user:default/morgan' },
      }),
    );

    renderContent(promotionApi);

    const card = within(await screen.findByTestId('env-prod'));
    expect(
      card.getByText(/Promoted with an emergency bypass by/),
    ).toHaveTextContent('Promoted with an emergency bypass by morgan');
    expect(card.getByRole('link', { name: 'morgan' })).toHaveAttribute(
      'href',
      '/catalog/default/user/morgan',
    );
    expect(card.queryByText(/user:default\/morgan/)).not.toBeInTheDocument();
    expect(
      within(screen.getByTestId('env-staging')).queryByText(/emergency bypass/),
    ).toBeNull();
  });

  it('shows who promoted a build as a person when the commit names their entity', async () => {
    const promotionApi = mockPromotionApi();
    const staging = environment('staging', DIGEST_NEW);
    promotionApi.getPipeline.mockResolvedValue(
      pipeline({
        ...staging,
        commit: { ...staging.commit!, author: 'user:development/guest' },
      }),
    );

    renderContent(promotionApi);

    const card = within(await screen.findByTestId('env-staging'));
    // The catalog's display name: outside the default namespace it names it.
    expect(
      card.getByRole('link', { name: 'development/guest' }),
    ).toHaveAttribute('href', '/catalog/development/user/guest');
    expect(card.getByText(/^by/)).toHaveTextContent(
      /^by development\/guest, 2 hours ago$/,
    );
    expect(card.queryByText(/user:development/)).not.toBeInTheDocument();
  });

  it('offers promotion to the next environment only, and not when it runs the same digest', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
        environment('prod', DIGEST_OLD),
      ),
    );

    renderContent(promotionApi);

    expect(
      await screen.findByRole('button', { name: 'Promote to staging' }),
    ).toBeEnabled();
    expect(
      screen.getByRole('button', { name: 'Promote to prod' }),
    ).toBeDisabled();
    expect(
      screen.getByText('prod already runs this build'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('env-prod')).queryByRole('button'),
    ).not.toBeInTheDocument();
  });

  it('shows an open request and does not promote the same build over it', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD, {
          activeRequests: [promotion({ status: 'awaiting-approval' })],
        }),
      ),
    );

    renderContent(promotionApi);

    expect(
      await screen.findByRole('button', { name: 'Promote to staging' }),
    ).toBeDisabled();
    expect(
      screen.getByText('A promotion of this build to staging is already open'),
    ).toBeInTheDocument();
    const staging = within(screen.getByTestId('env-staging'));
    expect(staging.getByText('Awaiting approval')).toBeInTheDocument();
    expect(staging.getByRole('listitem')).toHaveTextContent(
      'Awaiting approval from dev by alice',
    );
  });

  it('promotes a newer build over a request that has not started executing, saying it supersedes it', async () => {
    const promotionApi = mockPromotionApi();
    const older = promotion({
      status: 'awaiting-approval',
      artifact: { image: IMAGE, digest: DIGEST_OLD, tag: '1.3.0' },
      requestedBy: 'user:default/carol',
    });
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', null, { activeRequests: [older] }),
      ),
    );
    promotionApi.planPromotion.mockResolvedValue(plan({ supersedes: ['p-1'] }));
    promotionApi.createPromotion.mockResolvedValue(
      promotion({ id: 'p-2', status: 'gating' }),
    );
    promotionApi.getPromotion.mockResolvedValue(
      promotion({ id: 'p-2', status: 'awaiting-approval' }),
    );
    renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');
    const notice = dialog.getByTestId('supersede-notice');
    expect(notice).toHaveTextContent(
      'This request supersedes an open request to the same environment; it ends as superseded',
    );
    expect(within(notice).getByRole('listitem')).toHaveTextContent(
      'the request for 2222222222bb from dev (awaiting approval, requested by carol)',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    expect(promotionApi.createPromotion).toHaveBeenCalledWith(
      expect.objectContaining({ digest: DIGEST_NEW }),
    );
  });

  it('says nothing about superseding when the plan supersedes nothing', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(environment('dev', DIGEST_NEW), environment('staging', null)),
    );
    promotionApi.planPromotion.mockResolvedValue(plan());
    renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');

    expect(dialog.queryByTestId('supersede-notice')).not.toBeInTheDocument();
  });

  it.each(['executing', 'awaiting-merge'] as const)(
    'does not promote while a request into the target is %s',
    async status => {
      const promotionApi = mockPromotionApi();
      promotionApi.getPipeline.mockResolvedValue(
        pipeline(
          environment('dev', DIGEST_NEW),
          environment('staging', null, {
            activeRequests: [
              promotion({
                status,
                artifact: { image: IMAGE, digest: DIGEST_OLD },
              }),
            ],
          }),
        ),
      );

      renderContent(promotionApi);

      expect(
        await screen.findByRole('button', { name: 'Promote to staging' }),
      ).toBeDisabled();
      expect(
        screen.getByText(
          'A promotion to staging is under way; promote again once it ends',
        ),
      ).toBeInTheDocument();
    },
  );

  it('promotes after confirmation, follows the request and reloads the pipeline', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        pipeline(
          environment('dev', DIGEST_NEW),
          environment('staging', DIGEST_OLD),
        ),
      )
      .mockResolvedValue(
        pipeline(
          environment('dev', DIGEST_NEW),
          environment('staging', DIGEST_NEW),
        ),
      );
    promotionApi.planPromotion.mockResolvedValue(plan());
    promotionApi.createPromotion.mockResolvedValue(
      promotion({ status: 'approved' }),
    );
    promotionApi.getPromotion.mockResolvedValue(
      promotion({ status: 'succeeded', commitSha: 'abc' }),
    );
    const { alertApi } = renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');
    expect(promotionApi.planPromotion).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      sourceEnvironment: 'dev',
      targetEnvironment: 'staging',
    });
    expect(dialog.getByText(/From/)).toHaveTextContent('From dev to staging');
    expect(dialog.getByTestId('promote-dialog-digest')).toHaveTextContent(
      DIGEST_NEW,
    );
    await userEvent.type(dialog.getByLabelText(/Reason/), 'release 1.4');
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    expect(promotionApi.createPromotion).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      sourceEnvironment: 'dev',
      targetEnvironment: 'staging',
      digest: DIGEST_NEW,
      reason: 'release 1.4',
    });
    await waitFor(
      () =>
        expect(screen.getByTestId('env-staging-digest')).toHaveTextContent(
          '1111111111aa',
        ),
      POLL_WAIT,
    );
    expect(promotionApi.getPromotion).toHaveBeenCalledWith('p-1');
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'success',
        message: 'Promoted to staging',
      }),
    ]);
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeDisabled();
  });

  it('shows the progress of a followed promotion on the target card', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
      ),
    );
    promotionApi.planPromotion.mockResolvedValue(plan());
    promotionApi.createPromotion.mockResolvedValue(
      promotion({ status: 'approved' }),
    );
    promotionApi.getPromotion.mockResolvedValue(
      promotion({ status: 'executing' }),
    );
    renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    const staging = within(screen.getByTestId('env-staging'));
    expect(await staging.findByText('Approved')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeDisabled();
    expect(
      await staging.findByText('Promoting', {}, POLL_WAIT),
    ).toBeInTheDocument();
  });

  it('tells the person why an executed promotion failed', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
      ),
    );
    promotionApi.planPromotion.mockResolvedValue(plan());
    promotionApi.createPromotion.mockResolvedValue(
      promotion({ status: 'executing' }),
    );
    promotionApi.getPromotion.mockResolvedValue(
      promotion({
        status: 'failed',
        error: 'push rejected: branch is protected',
      }),
    );
    const { alertApi } = renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    await waitFor(
      () => expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2),
      POLL_WAIT,
    );
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          'Promotion to staging failed: push rejected: branch is protected',
      }),
    ]);
    expect(screen.getByTestId('env-staging-digest')).toHaveTextContent(
      '2222222222bb',
    );
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeEnabled();
  });

  it('keeps the dialog open with the reason when the request is refused', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
      ),
    );
    promotionApi.planPromotion.mockResolvedValue(plan());
    promotionApi.createPromotion.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'You may not promote to staging',
      ),
    );
    renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');
    await userEvent.type(dialog.getByLabelText(/Reason/), 'release 1.4');
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'You may not promote to staging',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(dialog.getByLabelText(/Reason/)).toHaveValue('release 1.4');
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeEnabled();
    expect(promotionApi.getPromotion).not.toHaveBeenCalled();
  });

  it('shows why the pipeline could not be loaded, and loads it again on Retry', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockRejectedValueOnce(
        await responseError(
          404,
          'NotFoundError',
          'No GitOps repository for payments',
        ),
      )
      .mockResolvedValue(pipeline(environment('dev', DIGEST_NEW)));

    renderContent(promotionApi);

    expect(
      await screen.findByText(/No GitOps repository for payments/),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('env-dev')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByTestId('env-dev')).toBeInTheDocument();
    expect(
      screen.queryByText(/No GitOps repository for payments/),
    ).not.toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
  });

  it('explains the annotation when the entity has none', async () => {
    const promotionApi = mockPromotionApi();
    renderContent(promotionApi, {
      entity: { ...entity, metadata: { name: 'payments' } },
    });

    expect(
      (await screen.findAllByText(/promotion\.backstage\.io\/image/)).length,
    ).toBeGreaterThan(0);
    expect(promotionApi.getPipeline).not.toHaveBeenCalled();
  });
});

describe('EntityPromotionContent open requests', () => {
  // Dev runs the new build, staging the old one and has this open request.
  function withStagingRequest(request: ReturnType<typeof promotion>) {
    return pipeline(
      environment('dev', DIGEST_NEW),
      environment('staging', DIGEST_OLD, { activeRequests: [request] }),
    );
  }

  const settled = pipeline(
    environment('dev', DIGEST_NEW),
    environment('staging', DIGEST_OLD),
  );

  it.each([
    ['gating', 'Checking gates'],
    ['awaiting-approval', 'Awaiting approval'],
    ['approved', 'Approved'],
    ['executing', 'Promoting'],
    ['awaiting-merge', 'Awaiting merge'],
  ] as const)('labels a %s request "%s"', async (status, label) => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(promotion({ status })),
    );

    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.getByText(label)).toBeInTheDocument();
    expect(request.getByText(/^from dev by/, { exact: false })).toBeTruthy();
  });

  it('shows why a gating request waits, with when its pending gate may pass', async () => {
    const promotionApi = mockPromotionApi();
    const retryAt = new Date(Date.now() + 3 * 3600 * 1000 + 60_000);
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        promotion({
          status: 'gating',
          gateRuns: [
            gateRun({ gate: 'source-match', message: 'dev runs this build' }),
            gateRun({
              gate: 'soak',
              status: 'pending',
              message: 'dev has run it for 1h of 4h',
              retryAt: retryAt.toISOString(),
            }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.getByText('Checking gates')).toBeInTheDocument();
    expect(
      request.getByText(
        /^soak: dev has run it for 1h of 4h — may pass at .+ \(in 3 hours\)$/,
      ),
    ).toBeInTheDocument();
    // Passed gates are chips only; their message is the chip's tooltip, and
    // what screen readers read with the gate's name.
    expect(request.queryByText(/source-match:/)).not.toBeInTheDocument();
    const chip = request.getByText('source-match').closest('[title]');
    expect(chip).toHaveAttribute('title', 'dev runs this build');
    expect(chip).toHaveTextContent('source-match: dev runs this build');
    expect(
      within(request.getByText('soak').parentElement!).getByRole('img', {
        name: 'Pending',
      }),
    ).toBeInTheDocument();
  });

  it('shows the gate message as the chip tooltip on hover', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        promotion({
          status: 'awaiting-approval',
          gateRuns: [
            gateRun({
              gate: 'version',
              status: 'warning',
              message: 'skips a minor version',
            }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    await userEvent.hover(await screen.findByText('version'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'skips a minor version',
    );
  });

  it('shows the gate message to keyboard users when the chip gets focus', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        promotion({
          status: 'awaiting-approval',
          gateRuns: [
            gateRun({
              gate: 'version',
              status: 'warning',
              message: 'skips a minor version',
            }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    const chip = (await screen.findByText('version')).closest('[title]')!;
    // jsdom does not track how focus arrived; a browser matches
    // :focus-visible after a Tab, which is what opens the tooltip.
    const matches = Element.prototype.matches;
    const focusVisible = jest
      .spyOn(Element.prototype, 'matches')
      .mockImplementation(function fake(this: Element, selector: string) {
        return selector === ':focus-visible'
          ? this === document.activeElement
          : matches.call(this, selector);
      });
    try {
      // The chip is a tab stop of its own: tabbing through the page reaches it.
      for (let i = 0; i < 20 && document.activeElement !== chip; i++) {
        await userEvent.tab();
      }
      expect(chip).toHaveFocus();
      expect(await screen.findByRole('tooltip')).toHaveTextContent(
        'skips a minor version',
      );
    } finally {
      focusVisible.mockRestore();
    }
  });

  it('links the pull request and counts approvals', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        promotion({
          status: 'awaiting-approval',
          pullRequest: {
            url: 'https://github.com/acme/deploy/pull/42',
            number: 42,
          },
          approvalsRequired: 2,
          approvals: [
            {
              approver: 'user:default/bob',
              decision: 'approve',
              createdAt: new Date().toISOString(),
              counts: true,
            },
            {
              approver: 'user:default/alice',
              decision: 'approve',
              createdAt: new Date().toISOString(),
              counts: false,
            },
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(
      request.getByRole('link', { name: /^Pull request #42/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/deploy/pull/42');
    expect(request.getByText('Approvals 1 of 2')).toBeInTheDocument();
  });

  it("links a request's change ticket to the page the environment names", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD, {
          changeTicket: {
            required: true,
            url: 'https://itsm.acme.internal/change/{{ ticket }}',
          },
          activeRequests: [
            promotion({
              status: 'awaiting-approval',
              changeTicket: 'CHG0012345',
            }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.getByTestId('change-ticket')).toHaveTextContent(
      'Change ticket CHG0012345',
    );
    expect(request.getByRole('link', { name: /CHG0012345/ })).toHaveAttribute(
      'href',
      'https://itsm.acme.internal/change/CHG0012345',
    );
  });

  it('says who asked when it was not a person', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD, {
          activeRequests: [
            promotion({
              requesterKind: 'scheduler',
              requestedBy: 'plugin:promotion',
            }),
          ],
        }),
        environment('prod', DIGEST_OLD, {
          activeRequests: [
            promotion({
              id: 'p-2',
              targetEnvironment: 'prod',
              requesterKind: 'service',
              requestedBy: 'external:github-actions',
            }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    expect(await screen.findByTestId('request-p-1')).toHaveTextContent(
      'Approved from dev automatically',
    );
    expect(screen.getByTestId('request-p-2')).toHaveTextContent(
      'by CI (external:github-actions)',
    );
  });

  it('cancels a request, then shows the pipeline without it', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        withStagingRequest(
          promotion({
            status: 'awaiting-approval',
            allowedActions: ['cancel', 'approve', 'reject'],
          }),
        ),
      )
      .mockResolvedValue(settled);
    promotionApi.cancelPromotion.mockResolvedValue(
      promotion({ status: 'cancelled' }),
    );
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(
      request.queryByRole('button', { name: /^Re-run gates/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      request.getByRole('button', {
        name: 'Cancel promotion of payments to staging',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText('Cancel the promotion of payments to staging?'),
    ).toBeInTheDocument();
    expect(promotionApi.cancelPromotion).not.toHaveBeenCalled();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Cancel the request' }),
    );

    expect(promotionApi.cancelPromotion).toHaveBeenCalledWith('p-1');
    await waitFor(() =>
      expect(screen.queryByTestId('request-p-1')).not.toBeInTheDocument(),
    );
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(
      screen.getByRole('button', { name: 'Promote to staging' }),
    ).toBeEnabled();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'success',
        message: 'Cancelled the promotion of payments to staging',
      }),
    ]);
  });

  it('keeps the request when the person does not confirm the cancel', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        promotion({ status: 'approved', allowedActions: ['cancel'] }),
      ),
    );
    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(
      request.getByRole('button', {
        name: 'Cancel promotion of payments to staging',
      }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Keep the request',
      }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(promotionApi.cancelPromotion).not.toHaveBeenCalled();
    expect(screen.getByTestId('request-p-1')).toBeInTheDocument();
  });

  it('re-runs the gates of a gating request and shows where it went', async () => {
    const promotionApi = mockPromotionApi();
    const failing = promotion({
      status: 'gating',
      allowedActions: ['cancel', 'rerun-gates'],
      gateRuns: [
        gateRun({ gate: 'registry', status: 'failed', message: 'not signed' }),
      ],
    });
    const passed = promotion({
      status: 'awaiting-approval',
      allowedActions: ['cancel'],
      gateRuns: [gateRun({ gate: 'registry', message: 'signed' })],
    });
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStagingRequest(failing))
      .mockResolvedValue(withStagingRequest(passed));
    promotionApi.rerunGates.mockResolvedValue(passed);
    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.getByText('registry: not signed')).toBeInTheDocument();
    await userEvent.click(
      request.getByRole('button', {
        name: 'Re-run gates for promotion of payments to staging',
      }),
    );

    expect(promotionApi.rerunGates).toHaveBeenCalledWith('p-1');
    expect(await request.findByText('Awaiting approval')).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(request.queryByText('registry: not signed')).not.toBeInTheDocument();
    expect(
      request.queryByRole('button', { name: /^Re-run gates/ }),
    ).not.toBeInTheDocument();
  });

  it('tells the person when a cancel comes too late, and shows the current state', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        withStagingRequest(
          promotion({ status: 'approved', allowedActions: ['cancel'] }),
        ),
      )
      .mockResolvedValue(
        withStagingRequest(
          promotion({ status: 'executing', allowedActions: [] }),
        ),
      );
    promotionApi.cancelPromotion.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        'Promotion p-1 is executing and can no longer be cancelled',
      ),
    );
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(
      request.getByRole('button', {
        name: 'Cancel promotion of payments to staging',
      }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Cancel the request',
      }),
    );

    expect(await request.findByText('Promoting')).toBeInTheDocument();
    expect(
      request.queryByRole('button', { name: /^Cancel/ }),
    ).not.toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          'Could not cancel the promotion of payments to staging: Promotion p-1 is executing and can no longer be cancelled',
      }),
    ]);
  });

  it('offers only the actions the server allows', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(promotion({ status: 'gating', allowedActions: [] })),
    );

    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.getByText('Checking gates')).toBeInTheDocument();
    expect(request.queryByRole('button')).not.toBeInTheDocument();
  });

  it('disables promotion into an environment the server does not allow', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD, { allowedActions: [] }),
      ),
    );

    renderContent(promotionApi);

    expect(
      await screen.findByRole('button', { name: 'Promote to staging' }),
    ).toBeDisabled();
    expect(
      screen.getByText('You may not promote to staging'),
    ).toBeInTheDocument();
  });

  it('stops following a new request whose gates wait, and leaves it on the card', async () => {
    const promotionApi = mockPromotionApi();
    const waiting = promotion({
      status: 'gating',
      allowedActions: ['cancel', 'rerun-gates'],
      gateRuns: [
        gateRun({
          gate: 'window',
          status: 'pending',
          message: 'staging opens at 09:00',
          retryAt: new Date(Date.now() + 3600 * 1000).toISOString(),
        }),
      ],
    });
    promotionApi.getPipeline
      .mockResolvedValueOnce(settled)
      .mockResolvedValue(withStagingRequest(waiting));
    promotionApi.planPromotion.mockResolvedValue(plan());
    promotionApi.createPromotion.mockResolvedValue(
      promotion({ status: 'gating' }),
    );
    promotionApi.getPromotion.mockResolvedValue(waiting);
    const { alertApi } = renderContent(promotionApi);

    const dialog = await openPromoteDialog('staging');
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    await waitFor(
      () => expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2),
      POLL_WAIT,
    );
    expect(promotionApi.getPromotion).toHaveBeenCalledTimes(1);
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'info',
        message:
          'Promotion to staging waits for its gates: window: staging opens at 09:00',
      }),
    ]);
    const request = within(screen.getByTestId('request-p-1'));
    expect(request.getByText('Checking gates')).toBeInTheDocument();
    expect(
      request.getByRole('button', {
        name: 'Re-run gates for promotion of payments to staging',
      }),
    ).toBeInTheDocument();
  });
});

describe('EntityPromotionContent refresh', () => {
  let hidden = false;

  beforeAll(() => {
    Object.defineProperty(document, 'hidden', {
      configurable: true,
      get: () => hidden,
    });
  });

  afterAll(() => {
    // Back to jsdom's own, from the prototype.
    delete (document as { hidden?: boolean }).hidden;
  });

  beforeEach(() => {
    hidden = false;
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  async function advance(ms: number) {
    await act(async () => {
      jest.advanceTimersByTime(ms);
    });
  }

  function withStaging(request: ReturnType<typeof promotion>) {
    return pipeline(
      environment('dev', DIGEST_NEW),
      environment('staging', DIGEST_OLD, { activeRequests: [request] }),
    );
  }

  const settled = pipeline(
    environment('dev', DIGEST_NEW),
    environment('staging', DIGEST_NEW),
  );

  it('reads the pipeline again every few seconds while a request is about to move on, and stops when none is open', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStaging(promotion({ status: 'gating' })))
      .mockResolvedValueOnce(withStaging(promotion({ status: 'executing' })))
      .mockResolvedValue(settled);

    renderContent(promotionApi);

    expect(await screen.findByText('Checking gates')).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);

    await advance(FAST_REFRESH_MS - 100);
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);
    await advance(100);
    expect(await screen.findByText('Promoting')).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);

    await advance(FAST_REFRESH_MS);
    await waitFor(() =>
      expect(screen.getByTestId('env-staging-digest')).toHaveTextContent(
        '1111111111aa',
      ),
    );
    expect(screen.queryByTestId('request-p-1')).not.toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(3);

    await advance(5 * SLOW_REFRESH_MS);
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(3);
  });

  it.each([
    [
      'gates that wait for time',
      promotion({
        status: 'gating',
        gateRuns: [gateRun({ gate: 'soak', status: 'pending' })],
      }),
    ],
    ['a pull request to merge', promotion({ status: 'awaiting-merge' })],
  ])(
    'reads it again only every half minute while a request waits for %s',
    async (_what, request) => {
      const promotionApi = mockPromotionApi();
      promotionApi.getPipeline.mockResolvedValue(withStaging(request));

      renderContent(promotionApi);

      expect(await screen.findByTestId('request-p-1')).toBeInTheDocument();
      await advance(SLOW_REFRESH_MS - 100);
      expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);
      await advance(100);
      expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    },
  );

  it.each([
    ['awaits approval', promotion({ status: 'awaiting-approval' })],
    [
      'waits for a failed gate to be fixed',
      promotion({
        status: 'gating',
        gateRuns: [gateRun({ gate: 'registry', status: 'failed' })],
      }),
    ],
  ])(
    'does not poll while a request %s, and reads again when the person comes back',
    async (_what, request) => {
      const promotionApi = mockPromotionApi();
      promotionApi.getPipeline
        .mockResolvedValueOnce(withStaging(request))
        .mockResolvedValue(settled);

      renderContent(promotionApi);

      expect(await screen.findByTestId('request-p-1')).toBeInTheDocument();
      await advance(5 * SLOW_REFRESH_MS);
      expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);

      act(() => {
        window.dispatchEvent(new Event('focus'));
      });

      await waitFor(() =>
        expect(screen.queryByTestId('request-p-1')).not.toBeInTheDocument(),
      );
      expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    },
  );

  it('reads nothing while the page is hidden, and reads again when it is shown', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStaging(promotion({ status: 'executing' })))
      .mockResolvedValue(settled);

    renderContent(promotionApi);

    expect(await screen.findByText('Promoting')).toBeInTheDocument();
    hidden = true;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await advance(10 * FAST_REFRESH_MS);
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);

    hidden = false;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });

    await waitFor(() =>
      expect(screen.queryByTestId('request-p-1')).not.toBeInTheDocument(),
    );
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
  });

  it('picks up a request made elsewhere only while one is open', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD),
      ),
    );

    renderContent(promotionApi);

    expect(await screen.findByTestId('env-staging')).toBeInTheDocument();
    await advance(3 * SLOW_REFRESH_MS);
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);
  });

  it('keeps showing the cards when a refresh fails, and tries again', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStaging(promotion({ status: 'executing' })))
      .mockRejectedValueOnce(
        await responseError(
          503,
          'ServiceUnavailableError',
          'backend restarting',
        ),
      )
      .mockResolvedValue(settled);

    renderContent(promotionApi);

    expect(await screen.findByText('Promoting')).toBeInTheDocument();
    await advance(FAST_REFRESH_MS);
    expect(await screen.findByText(/backend restarting/)).toBeInTheDocument();
    expect(screen.getByTestId('request-p-1')).toBeInTheDocument();

    await advance(FAST_REFRESH_MS);
    await waitFor(() =>
      expect(screen.getByTestId('env-staging-digest')).toHaveTextContent(
        '1111111111aa',
      ),
    );
    expect(screen.queryByText(/backend restarting/)).not.toBeInTheDocument();
  });

  it('tries a failed first load again every half minute, and at once on Retry', async () => {
    const promotionApi = mockPromotionApi();
    const down = await responseError(
      503,
      'ServiceUnavailableError',
      'backend restarting',
    );
    promotionApi.getPipeline
      .mockRejectedValueOnce(down)
      .mockRejectedValueOnce(down)
      .mockResolvedValue(settled);

    renderContent(promotionApi);

    expect(
      await screen.findByRole('button', { name: 'Retry' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/backend restarting/).length).toBeGreaterThan(0);
    await advance(SLOW_REFRESH_MS - 100);
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(1);
    await advance(100);
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByTestId('env-staging')).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(3);
  });
});

describe('EntityPromotionContent approvals', () => {
  function withStagingRequest(request: ReturnType<typeof promotion>) {
    return pipeline(
      environment('dev', DIGEST_NEW),
      environment('staging', DIGEST_OLD, { activeRequests: [request] }),
    );
  }

  const APPROVE = 'Approve promotion of payments to staging';
  const REJECT = 'Reject promotion of payments to staging';
  const BYPASS = 'Emergency bypass for promotion of payments to staging';

  const awaiting = (overrides: Parameters<typeof promotion>[0] = {}) =>
    promotion({
      status: 'awaiting-approval',
      approvalsRequired: 2,
      approvals: [],
      allowedActions: ['approve', 'reject', 'cancel'],
      ...overrides,
    });

  it('shows approvals n of m and who decided, marking decisions that do not count', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        awaiting({
          approvals: [
            approval({
              approver: 'user:default/bob',
              comment: 'canary looks healthy',
            }),
            approval({ approver: 'user:default/alice', counts: false }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.getByText('Approvals 1 of 2')).toBeInTheDocument();
    const [bob, alice] = within(
      request.getByRole('list', { name: 'Decisions' }),
    ).getAllByRole('listitem');
    // The decision icon's accessible name leads each item's text.
    expect(within(bob).getByRole('img', { name: 'Approved' })).toBeTruthy();
    expect(bob).toHaveTextContent(/^Approvedbob now/);
    expect(bob).toHaveTextContent('canary looks healthy');
    expect(bob).not.toHaveTextContent('(does not count)');
    expect(alice).toHaveTextContent(/^Approvedalice \(does not count\) now$/);
  });

  it('offers Approve, Reject and Emergency bypass exactly as allowedActions says', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      pipeline(
        environment('dev', DIGEST_NEW),
        environment('staging', DIGEST_OLD, {
          activeRequests: [awaiting({ allowedActions: ['reject'] })],
        }),
        environment('prod', DIGEST_OLD, {
          activeRequests: [
            awaiting({
              id: 'p-2',
              targetEnvironment: 'prod',
              allowedActions: ['approve', 'reject', 'bypass'],
            }),
          ],
        }),
        environment('qa', DIGEST_OLD, {
          activeRequests: [
            awaiting({
              id: 'p-3',
              targetEnvironment: 'qa',
              allowedActions: [],
            }),
          ],
        }),
      ),
    );

    renderContent(promotionApi);

    const staging = within(await screen.findByTestId('request-p-1'));
    expect(
      staging.queryByRole('button', { name: /^Approve/ }),
    ).not.toBeInTheDocument();
    expect(
      staging.getByRole('button', {
        name: 'Reject promotion of payments to staging',
      }),
    ).toBeEnabled();
    expect(
      staging.queryByRole('button', { name: /^Emergency bypass/ }),
    ).not.toBeInTheDocument();

    // Each name says which request it acts on, as screen readers list
    // buttons out of context.
    const prod = within(screen.getByTestId('request-p-2'));
    expect(
      prod.getByRole('button', {
        name: 'Approve promotion of payments to prod',
      }),
    ).toBeEnabled();
    expect(
      prod.getByRole('button', {
        name: 'Reject promotion of payments to prod',
      }),
    ).toBeEnabled();
    expect(
      prod.getByRole('button', {
        name: 'Emergency bypass for promotion of payments to prod',
      }),
    ).toBeEnabled();

    expect(
      within(screen.getByTestId('request-p-3')).queryByRole('button'),
    ).not.toBeInTheDocument();
  });

  it('approves with the comment after confirmation, then shows the reloaded request', async () => {
    const promotionApi = mockPromotionApi();
    const approved = promotion({
      status: 'approved',
      approvalsRequired: 2,
      approvals: [
        approval({ approver: 'user:default/carol' }),
        approval({ approver: 'user:default/bob', comment: 'ship it' }),
      ],
      allowedActions: ['cancel'],
    });
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        withStagingRequest(
          awaiting({
            approvals: [approval({ approver: 'user:default/carol' })],
          }),
        ),
      )
      .mockResolvedValue(withStagingRequest(approved));
    promotionApi.decide.mockResolvedValue(approved);
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: APPROVE }));
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText('Approve the promotion of payments to staging'),
    ).toBeTruthy();
    await userEvent.type(
      dialog.getByLabelText('Comment (optional)'),
      '  ship it ',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm approval' }),
    );

    // The decision names the build the dialog showed, so a request that
    // carries another one is not approved by mistake.
    expect(promotionApi.decide).toHaveBeenCalledWith('p-1', {
      decision: 'approve',
      comment: 'ship it',
      digest: DIGEST_NEW,
    });
    expect(await request.findByText('Approvals 2 of 2')).toBeInTheDocument();
    expect(
      request.getByText('Approved', { ignore: 'script, style, title' }),
    ).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(
      request.queryByRole('button', { name: APPROVE }),
    ).not.toBeInTheDocument();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'success',
        message: 'Approved the promotion of payments to staging; it runs now',
      }),
    ]);
  });

  it('says how many approvals are still missing after an approval', async () => {
    const promotionApi = mockPromotionApi();
    const stillWaiting = awaiting({
      approvals: [approval({ approver: 'user:default/bob' })],
      allowedActions: ['cancel'],
    });
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStagingRequest(awaiting()))
      .mockResolvedValue(withStagingRequest(stillWaiting));
    promotionApi.decide.mockResolvedValue(stillWaiting);
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: APPROVE }));
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Confirm approval',
      }),
    );

    expect(promotionApi.decide).toHaveBeenCalledWith('p-1', {
      decision: 'approve',
      digest: DIGEST_NEW,
    });
    expect(await request.findByText('Approvals 1 of 2')).toBeInTheDocument();
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message:
          'Approved the promotion of payments to staging; it needs 1 more approval',
      }),
    ]);
  });

  it('closes the dialog without deciding when cancelled', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(withStagingRequest(awaiting()));
    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: REJECT }));
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Cancel',
      }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(promotionApi.decide).not.toHaveBeenCalled();
  });

  it('rejects after confirmation and shows the pipeline without the request', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStagingRequest(awaiting()))
      .mockResolvedValue(
        pipeline(
          environment('dev', DIGEST_NEW),
          environment('staging', DIGEST_OLD),
        ),
      );
    promotionApi.decide.mockResolvedValue(promotion({ status: 'rejected' }));
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: REJECT }));
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.getByText(/One rejection ends the request/)).toBeTruthy();
    // A rejection says why: Confirm waits for a reason the backend accepts.
    const confirm = dialog.getByRole('button', { name: 'Confirm rejection' });
    expect(confirm).toBeDisabled();
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, ' too short ');
    expect(confirm).toBeDisabled();
    await userEvent.type(reason, 'breaks the checkout');
    expect(confirm).toBeEnabled();
    await userEvent.clear(reason);
    await userEvent.type(reason, 'breaks the checkout');
    await userEvent.click(confirm);

    expect(promotionApi.decide).toHaveBeenCalledWith('p-1', {
      decision: 'reject',
      comment: 'breaks the checkout',
      digest: DIGEST_NEW,
    });
    await waitFor(() =>
      expect(screen.queryByTestId('request-p-1')).not.toBeInTheDocument(),
    );
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'success',
        message: 'Rejected the promotion of payments to staging',
      }),
    ]);
  });

  it("shows the backend's reason when a decision is refused, and reloads", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStagingRequest(awaiting()))
      .mockResolvedValue(
        withStagingRequest(awaiting({ allowedActions: ['cancel'] })),
      );
    promotionApi.decide.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'You requested this promotion, so your approval does not count; someone else must approve it',
      ),
    );
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: APPROVE }));
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Confirm approval',
      }),
    );

    await waitFor(() =>
      expect(
        request.queryByRole('button', { name: APPROVE }),
      ).not.toBeInTheDocument(),
    );
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          'Could not approve the promotion of payments to staging: You requested this promotion, so your approval does not count; someone else must approve it',
      }),
    ]);
  });

  it('bypasses only with a reason of at least 10 characters, then shows the loud notice', async () => {
    const promotionApi = mockPromotionApi();
    const reason = 'INC-42 checkout down, hotfix';
    const bypassed = promotion({
      status: 'executing',
      approvalsRequired: 2,
      approvals: [],
      bypass: { by: 'user:default/bob', reason, skipped: ['approvals'] },
      allowedActions: [],
    });
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        withStagingRequest(
          awaiting({ allowedActions: ['approve', 'reject', 'bypass'] }),
        ),
      )
      .mockResolvedValue(withStagingRequest(bypassed));
    promotionApi.bypass.mockResolvedValue({ ...bypassed, status: 'approved' });
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    expect(request.queryByTestId('bypass-notice')).not.toBeInTheDocument();
    await userEvent.click(request.getByRole('button', { name: BYPASS }));
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.getByText(/For incidents only/)).toBeTruthy();
    expect(dialog.getByText(/skips the wait for approval/)).toBeTruthy();
    expect(dialog.getByText(/recorded loudly/)).toHaveTextContent(
      /approvers are notified/,
    );
    const confirm = dialog.getByRole('button', { name: 'Confirm bypass' });
    expect(confirm).toBeDisabled();

    const field = dialog.getByRole('textbox', { name: /Reason/ });
    // Nine characters, padded: the backend trims, so this is still too short.
    await userEvent.type(field, '  INC-42 ch  ');
    expect(confirm).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, ` ${reason}  `);
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);

    expect(promotionApi.bypass).toHaveBeenCalledWith('p-1', reason);
    const notice = await request.findByTestId('bypass-notice');
    expect(notice).toHaveTextContent(`Emergency bypass by bob: ${reason}`);
    expect(request.getByText('Promoting')).toBeInTheDocument();
    expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2);
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        severity: 'success',
        message:
          'Emergency bypass recorded: the promotion of payments to staging runs now',
      }),
    ]);
  });

  it('binds a decision on a tag-only pin to the tag it showed', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        awaiting({ artifact: { image: IMAGE, tag: '1.4.0' } }),
      ),
    );
    promotionApi.decide.mockResolvedValue(promotion({ status: 'rejected' }));
    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: REJECT }));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'not during the sale',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm rejection' }),
    );

    expect(promotionApi.decide).toHaveBeenCalledWith('p-1', {
      decision: 'reject',
      comment: 'not during the sale',
      digest: '1.4.0',
    });
  });

  it('keeps the buttons disabled until the pipeline read after an action is on screen', async () => {
    const promotionApi = mockPromotionApi();
    const reloaded = deferred<Pipeline>();
    const failing = promotion({
      status: 'gating',
      allowedActions: ['cancel', 'rerun-gates'],
      gateRuns: [gateRun({ gate: 'registry', status: 'failed' })],
    });
    const passed = awaiting({ allowedActions: ['cancel'] });
    promotionApi.getPipeline
      .mockResolvedValueOnce(withStagingRequest(failing))
      .mockReturnValueOnce(reloaded.promise);
    promotionApi.rerunGates.mockResolvedValue(passed);
    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    const rerun = 'Re-run gates for promotion of payments to staging';
    await userEvent.click(request.getByRole('button', { name: rerun }));

    // The backend answered, the new pipeline has not arrived: the buttons
    // still show the old state and must not be clickable.
    await waitFor(() =>
      expect(promotionApi.getPipeline).toHaveBeenCalledTimes(2),
    );
    expect(request.getByRole('button', { name: rerun })).toBeDisabled();
    expect(
      request.getByRole('button', {
        name: 'Cancel promotion of payments to staging',
      }),
    ).toBeDisabled();

    await act(async () => {
      reloaded.resolve(withStagingRequest(passed));
    });

    expect(await request.findByText('Awaiting approval')).toBeInTheDocument();
    expect(
      request.queryByRole('button', { name: rerun }),
    ).not.toBeInTheDocument();
    await waitFor(() =>
      expect(
        request.getByRole('button', {
          name: 'Cancel promotion of payments to staging',
        }),
      ).toBeEnabled(),
    );
  });

  it('keeps the bypass dialog open with the reason when the backend refuses it', async () => {
    const promotionApi = mockPromotionApi();
    const reason = 'INC-42 checkout down, hotfix';
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        awaiting({ allowedActions: ['approve', 'reject', 'bypass'] }),
      ),
    );
    promotionApi.bypass.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'Your permissions do not allow you to bypass promotions into staging',
      ),
    );
    const { alertApi } = renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: BYPASS }));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      reason,
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm bypass' }),
    );

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'The bypass was refused: Your permissions do not allow you to bypass promotions into staging',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(dialog.getByRole('textbox', { name: /Reason/ })).toHaveValue(reason);
    expect(
      dialog.getByRole('button', { name: 'Confirm bypass' }),
    ).toBeEnabled();
    // The dialog says it; the alert bar does not repeat it.
    expect(alertApi.getAlerts()).toEqual([]);
  });

  it('keeps the bypass dialog open when the request moved on meanwhile', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline
      .mockResolvedValueOnce(
        withStagingRequest(awaiting({ allowedActions: ['bypass'] })),
      )
      .mockResolvedValue(
        withStagingRequest(
          promotion({ status: 'executing', allowedActions: [] }),
        ),
      );
    promotionApi.bypass.mockRejectedValue(
      await responseError(
        409,
        'ConflictError',
        'Promotion p-1 is executing; only a request that waits on gates or approvals can be bypassed',
      ),
    );
    renderContent(promotionApi);

    const request = within(await screen.findByTestId('request-p-1'));
    await userEvent.click(request.getByRole('button', { name: BYPASS }));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'INC-42 checkout down',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm bypass' }),
    );

    expect(await dialog.findByRole('alert')).toHaveTextContent(/is executing/);
    expect(await request.findByText('Promoting')).toBeInTheDocument();
    expect(dialog.getByRole('textbox', { name: /Reason/ })).toHaveValue(
      'INC-42 checkout down',
    );
    expect(
      request.queryByRole('button', { name: BYPASS }),
    ).not.toBeInTheDocument();
  });

  it('marks a bypassed request loudly with who did it and why', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getPipeline.mockResolvedValue(
      withStagingRequest(
        promotion({
          status: 'awaiting-merge',
          bypass: {
            by: 'user:default/carol',
            skipped: ['gates'],
            reason: 'payment provider outage',
          },
        }),
      ),
    );

    renderContent(promotionApi);

    expect(await screen.findByTestId('bypass-notice')).toHaveTextContent(
      'Emergency bypass by carol: payment provider outage',
    );
  });
});
