export { promotionApiRef } from './PromotionApi';
export type {
  PromotionApi,
  PromotionRequest,
  RollbackPlanRequest,
  RollbackRequest,
  RollbackResult,
} from './PromotionApi';
export { PromotionClient } from './PromotionClient';
