/** The promotions overview: every annotated entity the caller may see × environment. */
export { PromotionOverviewReader } from './PromotionOverviewReader';
export type { RequestDetails } from './PromotionOverviewReader';
export { waitingReason } from './waitingReason';
