export { promotionTargetResourceRef } from './resource';
export type { PromotionTarget, PromotionTargetQuery } from './resource';
export { promotionTargetRules } from './rules';
export {
  createPromotionTargetConditionalDecision,
  promotionTargetConditions,
} from './conditionExports';
export { registerPermissions } from './registerPermissions';
export { PromotionAuthorizer } from './PromotionAuthorizer';
export type { TargetDecision } from './PromotionAuthorizer';
