export { EntityDoraMetricsCard } from './EntityDoraMetricsCard';
export {
  PromotionMetricsContent,
  PromotionMetricsPage,
} from './PromotionMetricsPage';
