/**
 * Promotion backend: promotes one immutable build through an entity's
 * environments as git changes to a GitOps repository.
 *
 * @packageDocumentation
 */
export { promotionPlugin as default } from './plugin';
export {
  createPromotionTargetConditionalDecision,
  promotionTargetConditions,
  promotionTargetResourceRef,
  promotionTargetRules,
} from './permissions';
export type { PromotionTarget, PromotionTargetQuery } from './permissions';
