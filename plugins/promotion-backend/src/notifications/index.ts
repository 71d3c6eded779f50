export { PromotionNotifier } from './PromotionNotifier';
