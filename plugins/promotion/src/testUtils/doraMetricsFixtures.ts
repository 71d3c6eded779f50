import { DoraMetrics } from '@promotion-for-backstage/plugin-promotion-common';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** Four days of an entity's metrics, the last ending now; every figure differs, so each is found by its text. */
export function doraMetrics(overrides: Partial<DoraMetrics> = {}): DoraMetrics {
  const to = Date.now();
  const from = to - 4 * DAY;
  const buckets = [0, 1, 2, 3].map(i => ({
    start: new Date(from + i * DAY).toISOString(),
    end: new Date(from + (i + 1) * DAY).toISOString(),
  }));
  return {
    scope: { kind: 'entity', entityRef: 'component:default/payments' },
    window: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      bucket: 'day',
      days: 4,
    },
    productionEnvironment: 'prod',
    firstEnvironment: 'dev',
    buckets,
    deploymentFrequency: { total: 6, perDay: 1.5, series: [2, 0, 3, 1] },
    leadTime: {
      count: 5,
      medianMs: 3.5 * HOUR,
      p90Ms: 2 * DAY,
      series: [4 * HOUR, null, 3 * HOUR, 2 * HOUR],
    },
    changeFailureRate: {
      attempts: 8,
      failures: 2,
      rate: 0.25,
      series: [
        { attempts: 2, failures: 0, rate: 0 },
        { attempts: 0, failures: 0, rate: null },
        { attempts: 4, failures: 2, rate: 0.5 },
        { attempts: 2, failures: 0, rate: 0 },
      ],
    },
    timeToRestore: {
      count: 1,
      open: 1,
      medianMs: 45 * 60 * 1000,
      p90Ms: 45 * 60 * 1000,
      series: [null, null, 45 * 60 * 1000, null],
    },
    ...overrides,
  };
}
