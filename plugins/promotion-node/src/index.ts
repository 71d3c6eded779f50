/**
 * Extension points of the promotion backend, for modules that add gates.
 *
 * @packageDocumentation
 */
export { promotionGatesExtensionPoint } from './extensions';
export type { PromotionGatesExtensionPoint } from './extensions';
export type {
  Gate,
  GateContext,
  GateEnvironmentState,
  GateFactory,
  GateResult,
} from './gate';
