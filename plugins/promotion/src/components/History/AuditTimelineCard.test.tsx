import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuditRecord } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import {
  DIGEST_NEW,
  ENTITY_REF,
  IMAGE,
  mockPromotionApi,
  responseError,
} from '../../testUtils/fixtures';
import { AUDIT_PAGE_SIZE, AuditTimelineCard } from './AuditTimelineCard';

const record = (
  seq: number,
  action: string,
  details: Record<string, unknown> = {},
): AuditRecord => ({
  seq,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  action,
  actor: 'user:default/alice',
  promotionId: 'p-1',
  entityRef: ENTITY_REF,
  environment: 'prod',
  details,
  prevHash: String(seq - 1)
    .repeat(64)
    .slice(0, 64),
  hash: `${seq}`.repeat(64).slice(0, 64),
});

function renderCard(
  promotionApi: ReturnType<typeof mockPromotionApi>,
  revision = '1',
) {
  return renderInTestApp(
    <AuditTimelineCard
      entityRef={ENTITY_REF}
      environments={['staging', 'prod']}
      revision={revision}
    />,
    {
      apis: [[promotionApiRef, promotionApi]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('AuditTimelineCard', () => {
  it("lists the entity's records newest first with what each one keeps", async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listAuditRecords.mockResolvedValue({
      items: [
        record(12, 'promotion.executed', { commitSha: 'c0ffee'.repeat(7) }),
        record(11, 'promotion.approval-given', { comment: 'ship it' }),
        record(10, 'promotion.requested', {
          kind: 'promotion',
          artifact: { image: IMAGE, tag: '1.2.0', digest: DIGEST_NEW },
          source: 'staging',
          changeTicket: 'CHG0012345',
          reason: 'refund fix',
        }),
      ],
    });
    promotionApi.verifyAudit.mockResolvedValue({
      ok: true,
      checked: 1234,
      headSeq: 1234,
      headHash: 'ab'.repeat(32),
    });

    await renderCard(promotionApi);

    expect(promotionApi.listAuditRecords).toHaveBeenCalledWith({
      entityRef: ENTITY_REF,
      order: 'desc',
      limit: AUDIT_PAGE_SIZE,
    });
    const timeline = within(await screen.findByTestId('audit-timeline'));
    const items = timeline.getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Change landed in git');
    expect(items[0]).toHaveTextContent('Commitc0ffeec');
    expect(items[1]).toHaveTextContent('Approval given');
    expect(items[1]).toHaveTextContent('Commentship it');
    expect(items[2]).toHaveTextContent('Promotion requested');
    expect(items[2]).toHaveTextContent('Build1.2.0');
    expect(items[2]).toHaveTextContent('Fromstaging');
    expect(items[2]).toHaveTextContent('Change ticketCHG0012345');
    expect(items[2]).toHaveTextContent('Reasonrefund fix');
    expect(items[2]).toHaveTextContent(/#10 · (10)+ · verified$/);

    const status = await screen.findByTestId('audit-chain-verification');
    await waitFor(() =>
      expect(status).toHaveTextContent(
        /^Chain intact: 1,234 records verified up to #1234 \((ab)+\)Verify again$/,
      ),
    );
  });

  it('names the first broken record, and marks the records the break leaves unverified', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listAuditRecords.mockResolvedValue({
      items: [
        record(8, 'promotion.failed', { error: 'push refused' }),
        record(4, 'hold.set'),
      ],
    });
    promotionApi.verifyAudit.mockResolvedValue({
      ok: false,
      checked: 5,
      headSeq: 9,
      headHash: 'cd'.repeat(32),
      firstBroken: { seq: 6, reason: 'its hash does not match its text' },
    });

    await renderCard(promotionApi);

    const status = await screen.findByTestId('audit-chain-verification');
    await waitFor(() =>
      expect(status).toHaveTextContent(
        'Chain broken at record #6: its hash does not match its text',
      ),
    );
    expect(screen.getByTestId('audit-record-8')).toHaveTextContent(
      'not covered by the verified chain',
    );
    expect(screen.getByTestId('audit-record-4')).toHaveTextContent('verified');
    expect(screen.getByTestId('audit-record-4')).not.toHaveTextContent(
      'not covered',
    );

    await userEvent.click(screen.getByRole('button', { name: 'Verify again' }));
    await waitFor(() =>
      expect(promotionApi.verifyAudit).toHaveBeenCalledTimes(2),
    );
  });

  it('pages to older records, and filters by environment', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listAuditRecords
      .mockResolvedValueOnce({
        items: [record(30, 'promotion.executing')],
        nextCursor: 30,
      })
      .mockResolvedValueOnce({ items: [record(3, 'promotion.requested')] })
      .mockResolvedValue({ items: [] });

    await renderCard(promotionApi);
    await screen.findByTestId('audit-record-30');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show older records' }),
    );

    expect(await screen.findByTestId('audit-record-3')).toBeInTheDocument();
    expect(promotionApi.listAuditRecords).toHaveBeenLastCalledWith({
      entityRef: ENTITY_REF,
      order: 'desc',
      limit: AUDIT_PAGE_SIZE,
      before: 30,
    });
    expect(
      screen.queryByRole('button', { name: 'Show older records' }),
    ).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Environment/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'staging' }),
    );
    await waitFor(() =>
      expect(promotionApi.listAuditRecords).toHaveBeenLastCalledWith({
        entityRef: ENTITY_REF,
        order: 'desc',
        limit: AUDIT_PAGE_SIZE,
        environment: 'staging',
      }),
    );
    expect(
      await screen.findByText(
        'Nothing has been recorded for staging of this entity yet.',
      ),
    ).toBeInTheDocument();
  });

  it('says which permission reading the audit log needs', async () => {
    const promotionApi = mockPromotionApi();
    promotionApi.listAuditRecords.mockRejectedValue(
      await responseError(403, 'NotAllowedError', 'not allowed'),
    );
    await renderCard(promotionApi);
    expect(
      await screen.findByText(
        'Reading the audit log needs the promotion.audit.read permission.',
      ),
    ).toBeInTheDocument();
  });
});
