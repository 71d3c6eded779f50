export { KnexPromotionStore } from './KnexPromotionStore';
export { approvalsSatisfied, decisionCounts } from './PromotionStore';
export type {
  ApprovalRule,
  DecisionOutcome,
  NewPromotion,
  StoredDecision,
  PromotionCursor,
  PromotionFilter,
  PromotionPatch,
  PromotionStore,
} from './PromotionStore';
