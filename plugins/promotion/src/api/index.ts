export { promotionApiRef } from './PromotionApi';
export type {
  AuditRecordsQuery,
  PromotionApi,
  PromotionRequest,
  RollbackPlanRequest,
  RollbackRequest,
  RollbackResult,
  SyncOutcome,
} from './PromotionApi';
export { PromotionClient } from './PromotionClient';
