import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { RollbackPlan } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  ENTITY_REF,
  gateRun,
  IMAGE,
  mockPromotionApi,
  promotion,
  responseError,
} from '../../testUtils/fixtures';
import {
  CURRENT,
  DIGEST_OLDEST,
  history,
  OLDEST,
  PREVIOUS,
  rollbackPlan,
} from '../../testUtils/rollbackFixtures';
import { RollbackDialog } from './RollbackDialog';

const REASON = 'checkout errors since 1.2.0';

function renderDialog(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  onConfirm = jest.fn(async () => {}),
) {
  const onCancel = jest.fn();
  renderInTestApp(
    <RollbackDialog
      entityRef={ENTITY_REF}
      environment="staging"
      openRequests={[promotion({ id: 'p-open', status: 'gating' })]}
      onCancel={onCancel}
      onConfirm={onConfirm}
    />,
    {
      apis: [[promotionApiRef, promotionApi]],
      // People are links to their catalog pages.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { dialog: within(screen.getByRole('dialog')), onConfirm, onCancel };
}

function apiWith(plan: RollbackPlan = rollbackPlan()) {
  const promotionApi = mockPromotionApi();
  promotionApi.getHistory.mockResolvedValue(history());
  promotionApi.planRollback.mockResolvedValue(plan);
  return promotionApi;
}

const confirmButton = (dialog: ReturnType<typeof within>) =>
  dialog.getByRole('button', {
    name: 'Confirm rollback of payments in staging',
  });

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('RollbackDialog', () => {
  it('lists the history newest first and plans the build before the current one', async () => {
    const promotionApi = apiWith();

    const { dialog } = renderDialog(promotionApi);

    expect(
      dialog.getByRole('heading', { name: 'Roll back payments in staging' }),
    ).toBeInTheDocument();
    const group = await dialog.findByRole('radiogroup', {
      name: 'Build to go back to in staging',
    });
    const radios = within(group).getAllByRole('radio');
    expect(radios).toHaveLength(3);
    expect(radios[0]).toHaveAccessibleName('1.2.0 1111111111aa');
    expect(radios[0]).toBeDisabled();
    expect(radios[0]).toHaveAccessibleDescription(
      /^Runs now; pinned by .+, 3 hours ago, commit/,
    );
    expect(radios[1]).toHaveAccessibleName('1.1.0 2222222222bb');
    expect(radios[1]).toBeChecked();
    expect(radios[1]).toHaveAccessibleDescription(/2 days ago/);
    expect(radios[2]).toHaveAccessibleName('1.0.0 3333333333cc');
    expect(radios[2]).toBeEnabled();
    expect(radios[2]).toHaveAccessibleDescription(
      /^pinned by Jane Doe, last week, commit 100ffff/,
    );

    await dialog.findByTestId('rollback-impact');
    expect(promotionApi.getHistory).toHaveBeenCalledWith(ENTITY_REF, 'staging');
    expect(promotionApi.planRollback).toHaveBeenCalledTimes(1);
    expect(promotionApi.planRollback).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      environment: 'staging',
      digest: DIGEST_OLD,
    });
  });

  it('shows the impact: recommendation, reasons, builds backed out, later environments, windows, approvals, superseded requests and the diff', async () => {
    const promotionApi = apiWith(
      rollbackPlan(
        {
          artifact: OLDEST.artifact,
          gateRuns: [
            gateRun({
              gate: 'window',
              status: 'pending',
              message: 'staging deploys on weekdays 09:00–17:00',
            }),
          ],
          approvalsRequired: 2,
          delivery: 'pull-request',
          supersedes: ['p-open'],
        },
        {
          target: OLDEST,
          backedOut: [CURRENT, PREVIOUS],
          commitsBetween: 2,
          downstream: [{ environment: 'prod', artifact: PREVIOUS.artifact }],
          recommendation: 'risky',
          reasons: [
            'Backs out 2 builds (1.2.0, 1.1.0), not just the latest',
            'prod runs 1.1.0, which this backs out',
          ],
        },
      ),
    );

    const { dialog } = renderDialog(promotionApi);
    const impact = within(await dialog.findByTestId('rollback-impact'));

    const chip = impact.getByTestId('rollback-recommendation');
    expect(chip).toHaveTextContent('Risky');
    expect(chip).toHaveAttribute('data-recommendation', 'risky');
    expect(
      within(impact.getByRole('list', { name: 'Why' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'Backs out 2 builds (1.2.0, 1.1.0), not just the latest',
      'prod runs 1.1.0, which this backs out',
    ]);

    expect(
      within(impact.getByRole('region', { name: 'Goes back to' })).getByText(
        '1.0.0 (3333333333cc)',
      ),
    ).toBeInTheDocument();
    const backedOut = within(
      impact.getByRole('list', { name: 'Builds backed out' }),
    ).getAllByRole('listitem');
    expect(backedOut.map(item => item.textContent)).toEqual([
      expect.stringMatching(
        /^1\.2\.0 \(1111111111aa\), promoted by .+, 3 hours ago$/,
      ),
      expect.stringMatching(
        /^1\.1\.0 \(2222222222bb\), promoted by .+, 2 days ago$/,
      ),
    ]);
    expect(
      impact.getByText(/2 commits have changed the pin since 1\.0\.0/),
    ).toBeInTheDocument();
    expect(
      within(
        impact.getByRole('list', { name: 'Later environments affected' }),
      ).getByRole('listitem'),
    ).toHaveTextContent('prod runs 1.1.0 (2222222222bb), which this backs out');

    const windows = within(impact.getByRole('list', { name: 'Gates' }));
    expect(windows.getByText('window')).toBeInTheDocument();
    expect(windows.getByRole('img', { name: 'Pending' })).toBeInTheDocument();
    expect(
      impact.getByText(
        'The rollback will wait until they pass, or until it expires.',
      ),
    ).toBeInTheDocument();
    expect(impact.getByText('Needs 2 approvals')).toBeInTheDocument();
    expect(impact.getByText('Delivered as a pull request')).toBeInTheDocument();
    expect(impact.getByTestId('supersede-notice')).toHaveTextContent(
      /the request for 1111111111aa from dev/,
    );

    const diff = impact.getByLabelText(
      'Diff of apps/payments/staging/kustomization.yaml',
    );
    const removed = Array.from(diff.children).find(
      line => line.textContent === `-    digest: ${DIGEST_NEW}`,
    );
    expect(removed).toHaveAttribute('data-diff-line', 'removed');
  });

  it('plans the build the person picks instead', async () => {
    const promotionApi = apiWith();
    const { dialog } = renderDialog(promotionApi);
    await dialog.findByTestId('rollback-impact');

    promotionApi.planRollback.mockResolvedValue(
      rollbackPlan({ artifact: OLDEST.artifact }, { target: OLDEST }),
    );
    await userEvent.click(dialog.getByRole('radio', { name: /^1\.0\.0/ }));

    await waitFor(() =>
      expect(promotionApi.planRollback).toHaveBeenLastCalledWith({
        entityRef: ENTITY_REF,
        environment: 'staging',
        digest: DIGEST_OLDEST,
      }),
    );
    expect(await dialog.findByText('1.0.0 (3333333333cc)')).toBeInTheDocument();
  });

  it('keeps Confirm disabled until the plan is shown and the reason has 10 characters', async () => {
    const promotionApi = apiWith();
    const planned = deferred<RollbackPlan>();
    promotionApi.planRollback.mockReturnValue(planned.promise);

    const { dialog } = renderDialog(promotionApi);
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, REASON);

    await waitFor(() => expect(promotionApi.planRollback).toHaveBeenCalled());
    expect(
      dialog.getByText('Analysing the impact and preparing the change…'),
    ).toBeInTheDocument();
    expect(confirmButton(dialog)).toBeDisabled();

    planned.resolve(rollbackPlan());
    await dialog.findByTestId('rollback-impact');
    expect(confirmButton(dialog)).toBeEnabled();

    await userEvent.clear(reason);
    // Nine characters once trimmed, as the backend counts them.
    await userEvent.type(reason, '  too short ');
    expect(confirmButton(dialog)).toBeDisabled();
    await userEvent.type(reason, '!');
    expect(confirmButton(dialog)).toBeEnabled();
  });

  it('keeps Confirm disabled when the analysis blocks the rollback', async () => {
    const promotionApi = apiWith(
      rollbackPlan(
        {},
        {
          recommendation: 'blocked',
          reasons: ["Tag 'latest' may not be deployed (denyTags: 'latest')"],
        },
      ),
    );

    const { dialog } = renderDialog(promotionApi);
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      REASON,
    );
    await dialog.findByTestId('rollback-impact');

    expect(dialog.getByTestId('rollback-recommendation')).toHaveTextContent(
      'Blocked',
    );
    expect(
      dialog.getByText("Tag 'latest' may not be deployed (denyTags: 'latest')"),
    ).toBeInTheDocument();
    expect(confirmButton(dialog)).toBeDisabled();
  });

  it('says why when the backend refuses the plan, and keeps Confirm disabled', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getHistory.mockResolvedValue(history());
    promotionApi.planRollback.mockRejectedValue(
      await responseError(
        403,
        'NotAllowedError',
        'You may not roll back component:default/payments in staging',
      ),
    );

    const { dialog } = renderDialog(promotionApi);
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      REASON,
    );

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'This rollback cannot be requested: You may not roll back component:default/payments in staging',
    );
    expect(confirmButton(dialog)).toBeDisabled();
  });

  it('says so when the environment ran no earlier build', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.getHistory.mockResolvedValue(history([CURRENT]));

    const { dialog } = renderDialog(promotionApi);

    expect(
      await dialog.findByText(
        'staging has run no earlier build; there is nothing to go back to.',
      ),
    ).toBeInTheDocument();
    expect(promotionApi.planRollback).not.toHaveBeenCalled();
    expect(confirmButton(dialog)).toBeDisabled();
  });

  it('sends the planned digest with the trimmed reason', async () => {
    const promotionApi = apiWith();
    const { dialog, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('rollback-impact');

    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      `  ${REASON}  `,
    );
    await userEvent.click(confirmButton(dialog));

    expect(onConfirm).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      environment: 'staging',
      digest: DIGEST_OLD,
      reason: REASON,
    });
  });

  it('asks for the change ticket the environment needs, and sends it', async () => {
    const promotionApi = apiWith({
      ...rollbackPlan(),
      changeTicket: { required: true },
    });
    const { dialog, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('rollback-impact');

    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      REASON,
    );
    expect(confirmButton(dialog)).toBeDisabled();
    await userEvent.type(
      dialog.getByRole('textbox', { name: 'Change ticket' }),
      'INC-7731',
    );
    await userEvent.click(confirmButton(dialog));

    expect(onConfirm).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      environment: 'staging',
      digest: DIGEST_OLD,
      reason: REASON,
      changeTicket: 'INC-7731',
    });
  });

  it('asks for a tag-only pin by its tag', async () => {
    const promotionApi = mockPromotionApi();
    const tagOnly = { ...PREVIOUS, artifact: { image: IMAGE, tag: '1.1.0' } };
    promotionApi.getHistory.mockResolvedValue(
      history([
        { ...CURRENT, artifact: { image: IMAGE, tag: '1.2.0' } },
        tagOnly,
      ]),
    );
    promotionApi.planRollback.mockResolvedValue(
      rollbackPlan({ artifact: tagOnly.artifact }, { target: tagOnly }),
    );

    const { dialog, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('rollback-impact');
    expect(promotionApi.planRollback).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      environment: 'staging',
      tag: '1.1.0',
    });

    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      REASON,
    );
    await userEvent.click(confirmButton(dialog));

    expect(onConfirm).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      environment: 'staging',
      tag: '1.1.0',
      reason: REASON,
    });
  });

  it('disables everything while the request is sent', async () => {
    const promotionApi = apiWith();
    const sent = deferred<void>();
    const { dialog } = renderDialog(
      promotionApi,
      jest.fn(() => sent.promise),
    );
    await dialog.findByTestId('rollback-impact');
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, REASON);

    await userEvent.click(confirmButton(dialog));

    expect(confirmButton(dialog)).toBeDisabled();
    expect(dialog.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(reason).toBeDisabled();
    expect(dialog.getByRole('radio', { name: /^1\.0\.0/ })).toBeDisabled();
    sent.resolve();
  });

  it('stays open with the reason and shows the refusal when the request fails', async () => {
    const promotionApi = apiWith();
    const onConfirm = jest.fn(async () => {
      throw await responseError(
        409,
        'ConflictError',
        'staging has a promotion executing; wait for it to finish',
      );
    });
    const { dialog } = renderDialog(promotionApi, onConfirm);
    await dialog.findByTestId('rollback-impact');
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, REASON);

    await userEvent.click(confirmButton(dialog));

    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'The rollback was refused: staging has a promotion executing; wait for it to finish',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(reason).toHaveValue(REASON);
    expect(confirmButton(dialog)).toBeEnabled();
  });

  it('closes on Cancel without asking for anything', async () => {
    const promotionApi = apiWith();
    const { dialog, onCancel, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('rollback-impact');

    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));

    expect(onCancel).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
    expect(promotionApi.requestRollback).not.toHaveBeenCalled();
  });
});
