import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { promotion } from '../../testUtils/fixtures';
import { rollback } from '../../testUtils/rollbackFixtures';
import { BypassDialog } from './BypassDialog';
import { CancelButton } from './CancelButton';
import { CancelDialog } from './CancelDialog';
import { DecisionDialog } from './DecisionDialog';

function actions() {
  return {
    cancel: jest.fn(async () => ({ ok: true as const })),
    busy: {},
  };
}

async function openCancel(request: Promotion) {
  await renderInTestApp(<CancelButton request={request} actions={actions()} />);
  await userEvent.click(
    screen.getByRole('button', { name: /^Cancel (promotion|rollback) of/ }),
  );
  return within(screen.getByRole('dialog'));
}

describe('Cancel', () => {
  it('is offered for a request awaiting its merge and says the pull request is closed unmerged', async () => {
    const dialog = await openCancel(
      promotion({ status: 'awaiting-merge', allowedActions: ['cancel'] }),
    );

    expect(
      dialog.getByText(
        /Its pull request will be closed without merging, so nothing changes in the environment\./,
      ),
    ).toBeInTheDocument();
    expect(dialog.queryByText(/Nothing has been written yet/)).toBeNull();
  });

  it('says nothing has been written for a request that has not run', async () => {
    const dialog = await openCancel(
      promotion({ status: 'gating', allowedActions: ['cancel'] }),
    );

    expect(
      dialog.getByText(/^Nothing has been written yet\./),
    ).toBeInTheDocument();
  });

  it.each(['awaiting-merge', 'approved'] as const)(
    'is not offered in %s when the server does not allow it',
    async status => {
      await renderInTestApp(
        <CancelButton
          request={promotion({ status, allowedActions: ['approve'] })}
          actions={actions()}
        />,
      );
      expect(screen.queryByRole('button', { name: /^Cancel/ })).toBeNull();
    },
  );

  it('is not offered for a request that is executing, whatever the server lists', async () => {
    await renderInTestApp(
      <CancelButton
        request={promotion({ status: 'executing', allowedActions: ['cancel'] })}
        actions={actions()}
      />,
    );
    expect(screen.queryByRole('button', { name: /^Cancel/ })).toBeNull();
  });
});

describe('Dialogs about a rollback', () => {
  const request = rollback();

  function expectRollbackSummary(dialog: ReturnType<typeof within>) {
    const summary = within(dialog.getByTestId('request-summary'));
    expect(summary.getByTestId('request-kind-rollback')).toHaveTextContent(
      'Rollback',
    );
    expect(dialog.getByTestId('request-summary')).toHaveTextContent(
      'Rollback payments in staging back to 1.1.0 (2222222222bb)',
    );
    expect(dialog.queryByText(/^from$|from staging/)).toBeNull();
  }

  it('names the rollback when approving it', async () => {
    await renderInTestApp(
      <DecisionDialog
        request={request}
        decision="approve"
        onCancel={jest.fn()}
        onConfirm={jest.fn(async () => {})}
      />,
    );
    const dialog = within(screen.getByRole('dialog'));

    expect(
      dialog.getByRole('heading', {
        name: 'Approve the rollback of payments in staging',
      }),
    ).toBeInTheDocument();
    expectRollbackSummary(dialog);
    expect(
      dialog.getByText(
        'The rollback runs once it has all the approvals it needs.',
      ),
    ).toBeInTheDocument();
  });

  it('names the rollback when cancelling it', async () => {
    await renderInTestApp(
      <CancelDialog
        request={request}
        onKeep={jest.fn()}
        onConfirm={jest.fn(async () => {})}
      />,
    );
    const dialog = within(screen.getByRole('dialog'));

    expect(
      dialog.getByRole('heading', {
        name: 'Cancel the rollback of payments in staging?',
      }),
    ).toBeInTheDocument();
    expectRollbackSummary(dialog);
    expect(
      dialog.getByText(/to go back to this build later, request it again/),
    ).toBeInTheDocument();
  });

  it('names the rollback when bypassing it', async () => {
    await renderInTestApp(
      <BypassDialog
        request={request}
        onCancel={jest.fn()}
        onConfirm={jest.fn(async () => {})}
      />,
    );
    const dialog = within(screen.getByRole('dialog'));

    expect(
      dialog.getByRole('heading', {
        name: 'Emergency bypass of the rollback of payments in staging',
      }),
    ).toBeInTheDocument();
    expectRollbackSummary(dialog);
    expect(dialog.getByText(/starts the rollback now/)).toBeInTheDocument();
  });

  it('still describes a promotion by where it moves the build from and to', async () => {
    await renderInTestApp(
      <DecisionDialog
        request={promotion({ status: 'awaiting-approval' })}
        decision="approve"
        onCancel={jest.fn()}
        onConfirm={jest.fn(async () => {})}
      />,
    );
    const dialog = within(screen.getByRole('dialog'));

    expect(
      dialog.getByRole('heading', {
        name: 'Approve the promotion of payments to staging',
      }),
    ).toBeInTheDocument();
    expect(dialog.getByTestId('request-summary')).toHaveTextContent(
      /^payments from dev to staging: 1111111111aa/,
    );
    expect(dialog.queryByTestId('request-kind-rollback')).toBeNull();
  });
});

describe('Decisions on a tag-only pin', () => {
  it('shows it by the digest its tag resolved to, and binds the approval to it', async () => {
    const resolved = `sha256:3333333333cc${'0'.repeat(52)}`;
    const onConfirm = jest.fn(async () => {});
    await renderInTestApp(
      <DecisionDialog
        request={promotion({
          status: 'awaiting-approval',
          artifact: { image: 'ghcr.io/acme/payments', tag: '1.4.0' },
          resolvedDigest: resolved,
        })}
        decision="approve"
        onCancel={jest.fn()}
        onConfirm={onConfirm}
      />,
    );
    const dialog = within(screen.getByRole('dialog'));

    expect(dialog.getByTestId('request-summary')).toHaveTextContent(
      /^payments from dev to staging: 3333333333cc.* \(1\.4\.0\)$/,
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Confirm approval' }),
    );
    expect(onConfirm).toHaveBeenCalledWith({
      decision: 'approve',
      digest: resolved,
    });
  });
});
