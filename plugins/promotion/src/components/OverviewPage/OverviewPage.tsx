import { Content, PageWithHeader } from '@backstage/core-components';
import { OverviewTable, OverviewTableProps } from './OverviewTable';

/**
 * The overview page's content, for the new frontend system, whose page
 * extension draws the header.
 */
export const OverviewContent = (props: OverviewTableProps) => (
  <Content>
    <OverviewTable {...props} />
  </Content>
);

/**
 * The promotions overview with its own header, for apps on the legacy
 * frontend system: every annotated entity the signed-in user may see ×
 * environment, what runs where, and what waits, with why.
 * `tabPath` is where the app mounts the Promotion tab below the entity page,
 * when that is not `promotion`.
 *
 * @public
 */
export const OverviewPage = (props: OverviewTableProps) => (
  <PageWithHeader
    themeId="tool"
    title="Promotions"
    subtitle="What runs where, and what waits to be promoted"
  >
    <OverviewContent {...props} />
  </PageWithHeader>
);
