import { MetricsDialect } from './metricsDialect';
import { MetricsWindow } from './metricsWindow';

/** What every metric query of this folder is computed from. */
export interface MetricsInput {
  dialect: MetricsDialect;
  /** Non-empty; stored refs, as `stringifyEntityRef` writes them. */
  entityRefs: string[];
  window: MetricsWindow;
  firstEnvironment: string;
  productionEnvironment: string;
}
