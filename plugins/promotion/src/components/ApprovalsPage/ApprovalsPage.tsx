import { Content, PageWithHeader } from '@backstage/core-components';
import { ApprovalsTable, ApprovalsTableProps } from './ApprovalsTable';

/**
 * The approvals page's content, for the new frontend system, whose page
 * extension draws the header.
 */
export const ApprovalsContent = (props: ApprovalsTableProps) => (
  <Content>
    <ApprovalsTable {...props} />
  </Content>
);

/**
 * The approvals page with its own header, for apps on the legacy frontend
 * system: every promotion request the signed-in user may approve now.
 * `tabPath` is where the app mounts the Promotion tab below the entity page,
 * when that is not `promotion`.
 *
 * @public
 */
export const ApprovalsPage = (props: ApprovalsTableProps) => (
  <PageWithHeader
    themeId="tool"
    title="Approvals"
    subtitle="Promotion requests that wait for your decision"
  >
    <ApprovalsContent {...props} />
  </PageWithHeader>
);
