import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { KnexPromotionStore } from '../database';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  change,
  DAY,
  HOUR,
  writeHistory,
} from './__testUtils__/promotionHistory';
import { KnexDoraMetricsStore } from './KnexDoraMetricsStore';
import { resolveMetricsWindow } from './metricsWindow';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();

const T0 = new Date('2030-03-04T00:00:00.000Z');
const PAYMENTS = 'component:default/payments';
const CHECKOUT = 'component:default/checkout';
const ENVIRONMENTS = { first: 'dev', production: 'prod' };
/** A week of days from T0. */
const WEEK = resolveMetricsWindow(
  {
    from: T0.toISOString(),
    to: new Date(T0.getTime() + 7 * DAY).toISOString(),
    bucket: 'day',
  },
  new Date(),
);

/**
 * A week of payments and checkout, with what each change means for the
 * metrics (times from T0; d = days, h = hours):
 *
 * payments
 * - Z landed in prod before the window (−1h) and failed its deployment in it
 *   (+30m): a change of the week before, not counted in this one.
 * - A: dev −2d, staging −1d, prod lands +2h. Deployment; lead 50h.
 * - B: dev +1d, prod lands +1d4h. Deployment; lead 4h; backed out by R1.
 * - R1: rollback to A, lands +1d6h. Failure (a rollback); restores B in 2h.
 * - C: staging +2d (no dev record), prod fails +2d2h. Failure; restored by E in 48h.
 * - D: dev +3d, prod lands +3d2h, fails its deployment +3d3h. Failure; restored by E in 24h.
 * - E: dev +4d, prod lands +4d2h. Deployment; lead 2h.
 * - F: dev +6d, prod lands +6d and fails +6d1h. Failure; restored by Y in 48h.
 * - Y: dev +7d1h, prod lands +8d: after the window, counted nowhere but as F's restore.
 * - staging-only changes never count.
 *
 * checkout
 * - G: staging +1d−30m (no dev record), prod lands +1d1h. Deployment; lead 1h30m.
 * - H: dev +5d, prod fails +5d: a failure nothing has restored yet.
 */
const HISTORY = [
  change('payments', 'prod', 'Z', -2 * HOUR, 'landed-then-failed', -HOUR, {
    failedAt: HOUR / 2,
  }),
  change('payments', 'dev', 'A', -2 * DAY, 'landed', -2 * DAY + 60_000),
  change('payments', 'staging', 'A', -DAY, 'landed', -DAY + 60_000),
  change('payments', 'prod', 'A', HOUR, 'landed', 2 * HOUR),
  change('payments', 'dev', 'B', DAY, 'landed', DAY + 60_000),
  change('payments', 'prod', 'B', DAY + 3 * HOUR, 'landed', DAY + 4 * HOUR),
  change('checkout', 'staging', 'G', DAY - HOUR / 2, 'landed', DAY),
  change('checkout', 'prod', 'G', DAY, 'landed', DAY + HOUR),
  change('payments', 'prod', 'A', DAY + 5 * HOUR, 'landed', DAY + 6 * HOUR, {
    kind: 'rollback',
  }),
  change('payments', 'staging', 'C', 2 * DAY, 'landed', 2 * DAY + 60_000),
  change('payments', 'prod', 'C', 2 * DAY + HOUR, 'failed', 2 * DAY + 2 * HOUR),
  change('payments', 'dev', 'D', 3 * DAY, 'landed', 3 * DAY + 60_000),
  change(
    'payments',
    'prod',
    'D',
    3 * DAY + HOUR,
    'landed-then-failed',
    3 * DAY + 2 * HOUR,
  ),
  change('payments', 'dev', 'E', 4 * DAY, 'landed', 4 * DAY + 60_000),
  change('payments', 'staging', 'E', 4 * DAY + HOUR, 'failed', 4 * DAY + HOUR),
  change('payments', 'prod', 'E', 4 * DAY + HOUR, 'landed', 4 * DAY + 2 * HOUR),
  change('checkout', 'dev', 'H', 5 * DAY - HOUR, 'landed', 5 * DAY - HOUR),
  change('checkout', 'prod', 'H', 5 * DAY - HOUR / 2, 'failed', 5 * DAY),
  change('payments', 'dev', 'F', 6 * DAY - HOUR, 'landed', 6 * DAY - HOUR),
  change(
    'payments',
    'prod',
    'F',
    6 * DAY - HOUR / 2,
    'landed-then-failed',
    6 * DAY,
  ),
  change('payments', 'dev', 'Y', 7 * DAY + HOUR, 'landed', 7 * DAY + HOUR),
  change('payments', 'prod', 'Y', 8 * DAY - HOUR, 'landed', 8 * DAY),
];

const none = { attempts: 0, failures: 0, rate: null };

describe.each(storeTestDatabaseIds())(
  'KnexDoraMetricsStore on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: KnexDoraMetricsStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
      await writeHistory(knex, T0, HISTORY);
      // An entity outside every scope below, changing production all week.
      await writeHistory(knex, T0, [
        change('ledger', 'prod', 'L1', HOUR, 'landed', 2 * HOUR),
        change('ledger', 'prod', 'L2', 2 * DAY, 'failed', 2 * DAY + HOUR),
      ]);
      store = new KnexDoraMetricsStore(knex);
    });

    it("computes an entity's four metrics and their daily series", async () => {
      const metrics = await store.metrics([PAYMENTS], WEEK, ENVIRONMENTS);
      expect(metrics.window).toEqual({
        from: '2030-03-04T00:00:00.000Z',
        to: '2030-03-11T00:00:00.000Z',
        bucket: 'day',
        days: 7,
      });
      expect(metrics.buckets).toHaveLength(7);
      expect(metrics.buckets[1]).toEqual({
        start: '2030-03-05T00:00:00.000Z',
        end: '2030-03-06T00:00:00.000Z',
      });
      expect(metrics.deploymentFrequency).toEqual({
        total: 3,
        perDay: 3 / 7,
        series: [1, 1, 0, 0, 1, 0, 0],
      });
      expect(metrics.leadTime).toEqual({
        count: 3,
        medianMs: 4 * HOUR,
        // 2h, 4h, 50h: 4h + 0.8 × 46h
        p90Ms: 4 * HOUR + (46 * HOUR * 8) / 10,
        series: [50 * HOUR, 4 * HOUR, null, null, 2 * HOUR, null, null],
      });
      expect(metrics.changeFailureRate).toEqual({
        attempts: 7,
        failures: 4,
        rate: 4 / 7,
        series: [
          { attempts: 1, failures: 0, rate: 0 },
          { attempts: 2, failures: 1, rate: 0.5 },
          { attempts: 1, failures: 1, rate: 1 },
          { attempts: 1, failures: 1, rate: 1 },
          { attempts: 1, failures: 0, rate: 0 },
          none,
          { attempts: 1, failures: 1, rate: 1 },
        ],
      });
      expect(metrics.timeToRestore).toEqual({
        count: 4,
        open: 0,
        // 2h, 24h, 48h, 48h
        medianMs: 36 * HOUR,
        p90Ms: 48 * HOUR,
        series: [null, 2 * HOUR, 48 * HOUR, 24 * HOUR, null, null, 48 * HOUR],
      });
    });

    it('computes several entities together, percentiles over all their builds', async () => {
      const metrics = await store.metrics(
        [PAYMENTS, CHECKOUT],
        WEEK,
        ENVIRONMENTS,
      );
      expect(metrics.deploymentFrequency.series).toEqual([1, 2, 0, 0, 1, 0, 0]);
      expect(metrics.leadTime).toEqual({
        count: 4,
        // 1h30m, 2h, 4h, 50h
        medianMs: 3 * HOUR,
        p90Ms: 4 * HOUR + (46 * HOUR * 7) / 10,
        series: [
          50 * HOUR,
          // The day's median of B (4h) and G (1h30m).
          (4 * HOUR + 1.5 * HOUR) / 2,
          null,
          null,
          2 * HOUR,
          null,
          null,
        ],
      });
      expect(metrics.changeFailureRate).toMatchObject({
        attempts: 9,
        failures: 5,
        rate: 5 / 9,
      });
      expect(metrics.timeToRestore).toMatchObject({
        count: 4,
        open: 1,
        medianMs: 36 * HOUR,
      });
    });

    it('cuts the series into weeks, the last one ending with the window', async () => {
      const window = resolveMetricsWindow(
        {
          from: new Date(T0.getTime() - 7 * DAY).toISOString(),
          to: new Date(T0.getTime() + 10 * DAY).toISOString(),
          bucket: 'week',
        },
        new Date(),
      );
      const metrics = await store.metrics([PAYMENTS], window, ENVIRONMENTS);
      expect(metrics.buckets).toEqual([
        { start: '2030-02-25T00:00:00.000Z', end: '2030-03-04T00:00:00.000Z' },
        { start: '2030-03-04T00:00:00.000Z', end: '2030-03-11T00:00:00.000Z' },
        { start: '2030-03-11T00:00:00.000Z', end: '2030-03-14T00:00:00.000Z' },
      ]);
      // Z now lands in the window (and fails in it); Y lands in the third week.
      expect(metrics.deploymentFrequency.series).toEqual([0, 3, 1]);
      expect(metrics.changeFailureRate.series).toEqual([
        { attempts: 1, failures: 1, rate: 1 },
        { attempts: 7, failures: 4, rate: 4 / 7 },
        { attempts: 1, failures: 0, rate: 0 },
      ]);
      // Z failed after landing; A, the next production change, restored it.
      expect(metrics.timeToRestore.series[0]).toBe(3 * HOUR);
      // Y came into dev at +7d1h and reached prod at +8d.
      expect(metrics.leadTime.series[2]).toBe(23 * HOUR);
    });

    it('answers empty figures for a scope without production changes', async () => {
      for (const refs of [[], ['component:default/unknown']]) {
        const metrics = await store.metrics(refs, WEEK, ENVIRONMENTS);
        expect(metrics.deploymentFrequency).toEqual({
          total: 0,
          perDay: 0,
          series: [0, 0, 0, 0, 0, 0, 0],
        });
        expect(metrics.leadTime).toEqual({
          count: 0,
          medianMs: null,
          p90Ms: null,
          series: Array(7).fill(null),
        });
        expect(metrics.changeFailureRate).toEqual({
          attempts: 0,
          failures: 0,
          rate: null,
          series: Array(7).fill(none),
        });
        expect(metrics.timeToRestore).toMatchObject({ count: 0, open: 0 });
      }
    });

    it('reads another environment as production when told to', async () => {
      const metrics = await store.metrics([PAYMENTS], WEEK, {
        first: 'dev',
        production: 'staging',
      });
      // A staged before the window; C and E in it, E's staging failed.
      expect(metrics.deploymentFrequency.total).toBe(1);
      expect(metrics.changeFailureRate).toMatchObject({
        attempts: 2,
        failures: 1,
      });
      // C has no dev record: its lead time starts at its staging request.
      expect(metrics.leadTime.medianMs).toBe(60_000);
    });

    it('lists the entities that changed production since a time', async () => {
      await expect(
        store.changedEntities('prod', new Date(T0.getTime() + 2 * DAY)),
      ).resolves.toEqual([CHECKOUT, 'component:default/ledger', PAYMENTS]);
      await expect(
        store.changedEntities('prod', new Date(T0.getTime() + 5 * DAY + HOUR)),
      ).resolves.toEqual([PAYMENTS]);
    });
  },
);
