export { promotionApiRef } from './PromotionApi';
export type {
  PromotionApi,
  PromotionRequest,
  RollbackPlanRequest,
  RollbackRequest,
  RollbackResult,
  SyncOutcome,
} from './PromotionApi';
export { PromotionClient } from './PromotionClient';
