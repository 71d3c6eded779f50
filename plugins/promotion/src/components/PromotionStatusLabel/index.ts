export { PromotionStatusLabel } from './PromotionStatusLabel';
export { PROMOTION_STATUS_TEXT } from './statusText';
