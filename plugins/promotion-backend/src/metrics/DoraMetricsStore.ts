import { DoraMetrics } from '@promotion-for-backstage/plugin-promotion-common';
import { MetricsWindow } from './metricsWindow';

/** The environments the metrics are read from, by name. */
export interface MetricsEnvironments {
  /** Where a build's lead time starts. */
  first: string;
  /** Whose changes are production changes. */
  production: string;
}

/** DORA metrics without their scope, which the caller names. */
export type ScopedDoraMetrics = Omit<DoraMetrics, 'scope'>;

/** Computes DORA metrics in the database from the plugin's own tables. */
export interface DoraMetricsStore {
  /** The entities with an outcome (landed, failed) of a production change at or after `since`. */
  changedEntities(production: string, since: Date): Promise<string[]>;
  /** The metrics of these entities (stored refs) over the window. */
  metrics(
    entityRefs: string[],
    window: MetricsWindow,
    environments: MetricsEnvironments,
  ): Promise<ScopedDoraMetrics>;
}
