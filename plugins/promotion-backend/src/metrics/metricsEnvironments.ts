import { PromotionConfig } from '../config';
import { MetricsEnvironments } from './DoraMetricsStore';

/**
 * The environments DORA metrics read, from the pipeline: lead time starts in
 * its first environment; production is `promotion.metrics.productionEnvironment`,
 * by default the pipeline's last environment.
 */
export function metricsEnvironments(
  config: Pick<PromotionConfig, 'environments' | 'metrics'>,
): MetricsEnvironments {
  const names = config.environments.map(environment => environment.name);
  return {
    first: names[0],
    production: config.metrics.productionEnvironment ?? names[names.length - 1],
  };
}
