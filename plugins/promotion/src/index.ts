/**
 * Frontend of the promotion plugin: the Promotion tab and overview card for
 * catalog entities, the approvals page, and the client of the promotion
 * backend.
 *
 * @packageDocumentation
 */
export {
  promotionPlugin,
  EntityPromotionContent,
  EntityPromotionCard,
  PromotionApprovalsPage,
  PromotionOverviewPage,
  EntityDoraMetricsCard,
  PromotionMetricsPage,
} from './plugin';
export { isPromotionAvailable } from './isPromotionAvailable';
export { promotionApiRef, PromotionClient } from './api';
export type {
  AuditRecordsQuery,
  PromotionApi,
  PromotionRequest,
  RollbackPlanRequest,
  RollbackRequest,
  RollbackResult,
  SyncOutcome,
} from './api';
export type { EntityPromotionCardProps } from './components/EntityPromotionCard';
export type { ApprovalsTableProps } from './components/ApprovalsPage';
export type { OverviewTableProps } from './components/OverviewPage';
