export { EntityPromotionCard } from './EntityPromotionCard';
export type { EntityPromotionCardProps } from './EntityPromotionCard';
