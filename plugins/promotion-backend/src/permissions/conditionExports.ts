import { createConditionExports } from '@backstage/plugin-permission-node';
import { promotionTargetResourceRef } from './resource';
import { promotionTargetRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: promotionTargetResourceRef,
  rules: promotionTargetRules,
});

/**
 * Conditions for policies about promotion targets, e.g.
 * `promotionTargetConditions.isTargetEnvironment({ environments: ['prod'] })`.
 * @public
 */
export const promotionTargetConditions = conditions;

/** Wraps conditions into a conditional decision for `promotion-target`. @public */
export const createPromotionTargetConditionalDecision =
  createConditionalDecision;
