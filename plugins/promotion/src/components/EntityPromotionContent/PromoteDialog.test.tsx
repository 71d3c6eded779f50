import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { PromotionPlan } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  DIGEST_OLD,
  ENTITY_REF,
  gateRun,
  IMAGE,
  mockPromotionApi,
  plan,
  responseError,
} from '../../testUtils/fixtures';
import { PromoteDialog } from './PromoteDialog';

const request = {
  entityRef: ENTITY_REF,
  sourceEnvironment: 'dev',
  targetEnvironment: 'staging',
};

function renderDialog(promotionApi: ReturnType<typeof mockPromotionApi>) {
  const onConfirm = jest.fn(async () => {});
  const onCancel = jest.fn();
  renderInTestApp(
    <PromoteDialog
      request={request}
      artifact={{ image: IMAGE, digest: DIGEST_NEW }}
      onCancel={onCancel}
      onConfirm={onConfirm}
    />,
    { apis: [[promotionApiRef, promotionApi]] },
  );
  return { dialog: within(screen.getByRole('dialog')), onConfirm, onCancel };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

// The line of a diff block whose text is exactly this, spaces included.
function diffLine(block: HTMLElement, text: string) {
  return Array.from(block.children).find(line => line.textContent === text);
}

describe('PromoteDialog', () => {
  it('asks for the dry run on open and enables Promote only once it is shown', async () => {
    const promotionApi = mockPromotionApi();
    const planned = deferred<PromotionPlan>();
    promotionApi.planPromotion.mockReturnValue(planned.promise);

    const { dialog } = renderDialog(promotionApi);

    expect(promotionApi.planPromotion).toHaveBeenCalledWith(request);
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled();
    expect(
      dialog.getByText('Checking gates and preparing the change…'),
    ).toBeInTheDocument();

    planned.resolve(plan());

    expect(await dialog.findByTestId('promotion-plan')).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeEnabled();
  });

  it('shows the gate results, approvals, delivery and the diff of the plan', async () => {
    const promotionApi = mockPromotionApi();
    const retryAt = new Date(Date.now() + 2 * 3600 * 1000 + 60_000);
    promotionApi.planPromotion.mockResolvedValue(
      plan({
        gateRuns: [
          gateRun({ gate: 'source-match', message: 'dev runs this build' }),
          gateRun({
            gate: 'soak',
            status: 'pending',
            message: 'dev has run it for 10m of 3h',
            retryAt: retryAt.toISOString(),
          }),
          gateRun({
            gate: 'registry',
            status: 'failed',
            message: 'the image is not signed',
          }),
          gateRun({
            gate: 'version',
            status: 'warning',
            message: 'skips a minor version',
          }),
        ],
        approvalsRequired: 2,
        delivery: 'pull-request',
      }),
    );

    const { dialog } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');

    const gates = within(dialog.getByRole('list', { name: 'Gates' }))
      .getAllByRole('listitem')
      .map(item => within(item));
    expect(gates).toHaveLength(4);
    expect(gates[0].getByRole('img', { name: 'Passed' })).toBeInTheDocument();
    expect(gates[0].getByText('source-match')).toBeInTheDocument();
    expect(gates[0].getByText('dev runs this build')).toBeInTheDocument();
    expect(gates[1].getByRole('img', { name: 'Pending' })).toBeInTheDocument();
    expect(
      gates[1].getByText(
        /^dev has run it for 10m of 3h — may pass at .+ \(in 2 hours\)$/,
      ),
    ).toBeInTheDocument();
    expect(gates[2].getByRole('img', { name: 'Failed' })).toBeInTheDocument();
    expect(gates[2].getByText('the image is not signed')).toBeInTheDocument();
    expect(gates[3].getByRole('img', { name: 'Warning' })).toBeInTheDocument();
    expect(dialog.getByText(/A gate fails now/)).toBeInTheDocument();

    expect(dialog.getByText('Needs 2 approvals')).toBeInTheDocument();
    expect(dialog.getByText('Delivered as a pull request')).toBeInTheDocument();

    const diff = dialog.getByLabelText(
      'Diff of apps/payments/staging/kustomization.yaml',
    );
    expect(diff.tagName).toBe('PRE');
    expect(diffLine(diff, `+    digest: ${DIGEST_NEW}`)).toHaveAttribute(
      'data-diff-line',
      'added',
    );
    expect(diffLine(diff, `-    digest: ${DIGEST_OLD}`)).toHaveAttribute(
      'data-diff-line',
      'removed',
    );
    expect(diffLine(diff, ' images:')).toHaveAttribute(
      'data-diff-line',
      'context',
    );
    expect(
      dialog.getByText('deployments', { exact: false }),
    ).toBeInTheDocument();
  });

  it('says when no approval is needed and the change is a commit', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.planPromotion.mockResolvedValue(
      plan({ approvalsRequired: 0, delivery: 'commit', gateRuns: [] }),
    );

    const { dialog } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');

    expect(dialog.getByText('No approval needed')).toBeInTheDocument();
    expect(dialog.queryByText(/Needs \d/)).not.toBeInTheDocument();
    expect(dialog.getByText('Delivered as a commit')).toBeInTheDocument();
    expect(dialog.getByText('No gates apply to staging.')).toBeInTheDocument();
    expect(dialog.queryByText(/A gate fails now/)).not.toBeInTheDocument();
  });

  it.each([
    [409, 'ConflictError', 'staging already runs sha256:1111'],
    [
      409,
      'ConflictError',
      'staging ran sha256:1111 before (commit 0123abcd); going back is a rollback: use POST /rollbacks',
    ],
    [400, 'InputError', "'staging' accepts promotions from 'dev' only"],
  ])(
    'keeps Promote disabled and shows why when the plan is refused (%i %s)',
    async (status, name, message) => {
      const promotionApi = mockPromotionApi();
      promotionApi.planPromotion.mockRejectedValue(
        await responseError(status, name, message),
      );

      const { dialog, onConfirm } = renderDialog(promotionApi);

      expect(await dialog.findByRole('alert')).toHaveTextContent(message);
      expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled();
      expect(onConfirm).not.toHaveBeenCalled();
      expect(dialog.queryByTestId('promotion-plan')).not.toBeInTheDocument();
    },
  );

  it('requests the planned build with the reason', async () => {
    const promotionApi = mockPromotionApi();
    // The source moved on after the page loaded; the plan says what goes.
    const planned = `sha256:${'c'.repeat(64)}`;
    promotionApi.planPromotion.mockResolvedValue(
      plan({ artifact: { image: IMAGE, digest: planned } }),
    );

    const { dialog, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');

    expect(dialog.getByTestId('promote-dialog-digest')).toHaveTextContent(
      planned,
    );
    await userEvent.type(dialog.getByLabelText(/Reason/), '  release 1.4 ');
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    await waitFor(() =>
      expect(onConfirm).toHaveBeenCalledWith({
        ...request,
        digest: planned,
        reason: 'release 1.4',
      }),
    );
  });

  it('asks for the change ticket the target needs, plans again with it, and sends it', async () => {
    const promotionApi = mockPromotionApi();
    const changeTicket = { required: true, pattern: 'CHG[0-9]{7}' };
    promotionApi.planPromotion.mockResolvedValue(plan({ changeTicket }));

    const { dialog, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');
    const promote = () => dialog.getByRole('button', { name: 'Promote' });
    const field = dialog.getByRole('textbox', { name: 'Change ticket' });
    expect(field).toBeRequired();
    expect(promote()).toBeDisabled();

    await userEvent.type(field, 'INC42');
    await userEvent.tab();
    expect(dialog.getByText('Must match CHG[0-9]{7}')).toBeInTheDocument();
    expect(promote()).toBeDisabled();
    // A ticket the target would refuse is not planned with.
    expect(promotionApi.planPromotion).toHaveBeenCalledTimes(1);

    await userEvent.clear(field);
    await userEvent.type(field, ' CHG0012345');
    await userEvent.tab();
    // Gates may verify the ticket: the plan is made again with it.
    await waitFor(() =>
      expect(promotionApi.planPromotion).toHaveBeenLastCalledWith({
        ...request,
        changeTicket: 'CHG0012345',
      }),
    );
    await waitFor(() => expect(promote()).toBeEnabled());
    await userEvent.click(promote());

    await waitFor(() =>
      expect(onConfirm).toHaveBeenCalledWith({
        ...request,
        digest: DIGEST_NEW,
        changeTicket: 'CHG0012345',
      }),
    );
  });

  it('takes an optional change ticket, and asks nothing of environments without one', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.planPromotion.mockResolvedValue(
      plan({ changeTicket: { required: false } }),
    );
    const { dialog } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');
    expect(
      dialog.getByRole('textbox', { name: 'Change ticket (optional)' }),
    ).not.toBeRequired();
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeEnabled();
  });

  it('asks for a tag-only build by its tag', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.planPromotion.mockResolvedValue(
      plan({ artifact: { image: IMAGE, tag: '1.4.0' } }),
    );

    const { dialog, onConfirm } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');

    expect(dialog.getByTestId('promote-dialog-digest')).toHaveTextContent(
      'not pinned',
    );
    expect(dialog.getByText(`${IMAGE}:1.4.0`)).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));

    await waitFor(() =>
      expect(onConfirm).toHaveBeenCalledWith({ ...request, tag: '1.4.0' }),
    );
  });

  it("shows what happens in the registries: the tag's digest, the copies and the tags", async () => {
    const promotionApi = mockPromotionApi();
    const resolved = `sha256:4444444444dd${'0'.repeat(52)}`;
    promotionApi.planPromotion.mockResolvedValue(
      plan({
        artifact: { image: IMAGE, tag: '1.4.0' },
        resolvedDigest: resolved,
        registry: {
          primary: 'harbor',
          repository: 'acme/payments',
          copyTo: ['prod-mirror'],
          tags: ['1.4.0-staging', 'latest-staging'],
        },
      }),
    );

    const { dialog } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');

    expect(dialog.getByTestId('promote-dialog-digest')).toHaveTextContent(
      `${resolved} (the tag's digest in the registry now)`,
    );
    const registry = within(dialog.getByTestId('plan-registry'));
    expect(registry.getByTestId('plan-resolved-digest')).toHaveTextContent(
      /^Tag 1\.4\.0 is 4444444444dd.* now; the request is bound to that digest$/,
    );
    expect(
      registry.getByText('From harbor (acme/payments)'),
    ).toBeInTheDocument();
    expect(
      registry.getByText(
        'Copied to prod-mirror and checked there before the change lands',
      ),
    ).toBeInTheDocument();
    expect(
      registry.getByText(
        'Tagged 1.4.0-staging, latest-staging once it has landed',
      ),
    ).toBeInTheDocument();
  });

  it('shows no registry section when the environment does nothing there', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.planPromotion.mockResolvedValue(plan());

    const { dialog } = renderDialog(promotionApi);
    await dialog.findByTestId('promotion-plan');

    expect(dialog.queryByTestId('plan-registry')).not.toBeInTheDocument();
  });
});
