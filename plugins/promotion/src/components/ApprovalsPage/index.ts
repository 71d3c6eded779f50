export { ApprovalsContent, ApprovalsPage } from './ApprovalsPage';
export type { ApprovalsTableProps } from './ApprovalsTable';
