export { OverviewContent, OverviewPage } from './OverviewPage';
export type { OverviewTableProps } from './OverviewTable';
