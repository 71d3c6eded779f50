export { DoraMetricsService } from './DoraMetricsService';
export type {
  DoraMetricsStore,
  MetricsEnvironments,
  ScopedDoraMetrics,
} from './DoraMetricsStore';
export { KnexDoraMetricsStore } from './KnexDoraMetricsStore';
export { metricsEnvironments } from './metricsEnvironments';
export { resolveMetricsWindow } from './metricsWindow';
export type { MetricsWindow, MetricsWindowQuery } from './metricsWindow';
