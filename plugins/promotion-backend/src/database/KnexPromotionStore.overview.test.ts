import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import { KnexPromotionStore } from './KnexPromotionStore';
import { NewPromotion } from './PromotionStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

const ALICE = 'user:default/alice';

const request = (
  entity: string,
  overrides: Partial<NewPromotion> = {},
): NewPromotion => ({
  entityRef: `component:default/${entity}`,
  sourceEnvironment: 'dev',
  targetEnvironment: 'staging',
  artifact: { image: `ghcr.io/acme/${entity}`, tag: '1.0.0' },
  requestedBy: ALICE,
  requesterKind: 'user',
  expiresAt: new Date('2100-01-01T00:00:00Z'),
  ...overrides,
});

const audit = { action: 'promotion.requested' as const, actor: ALICE };

describe.each(storeTestDatabaseIds())(
  'KnexPromotionStore reads for many entities on %s',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: KnexPromotionStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
    });

    it('lists the active requests of the entities asked for, and nothing else', async () => {
      const payments = await store.createPromotion(request('payments'), audit);
      const paymentsProd = await store.createPromotion(
        request('payments', {
          sourceEnvironment: 'staging',
          targetEnvironment: 'prod',
        }),
        audit,
      );
      const ended = await store.createPromotion(request('checkout'), audit);
      await store.transition(
        ended.id,
        ['gating'],
        'cancelled',
        {},
        { action: 'promotion.cancelled', actor: ALICE },
      );
      const executing = await store.createPromotion(
        request('checkout', { targetEnvironment: 'prod' }),
        audit,
      );
      await store.transition(
        executing.id,
        ['gating'],
        'approved',
        {},
        { action: 'promotion.approved', actor: ALICE },
      );
      await store.createPromotion(request('billing'), audit);

      const active = await store.listActivePromotionsFor([
        'component:default/payments',
        'component:default/checkout',
        'component:default/unknown',
      ]);
      expect(active.map(p => p.id).sort()).toEqual(
        [payments.id, paymentsProd.id, executing.id].sort(),
      );
      expect(active.find(p => p.id === executing.id)?.status).toBe('approved');
      await expect(store.listActivePromotionsFor([])).resolves.toEqual([]);
    });

    it('reads thousands of entities in one call', async () => {
      const refs = Array.from(
        { length: 2500 },
        (_, i) => `component:default/app-${i}`,
      );
      const last = await store.createPromotion(request('app-2499'), audit);
      const first = await store.createPromotion(request('app-0'), audit);
      const active = await store.listActivePromotionsFor(refs);
      expect(active.map(p => p.id).sort()).toEqual([first.id, last.id].sort());
    });

    it('lists the holds of the entities asked for, by entity and environment', async () => {
      await store.createPromotion(
        request('payments', {
          kind: 'rollback',
          targetEnvironment: 'prod',
          hold: { reason: 'rolled back: 5xx' },
        }),
        audit,
      );
      await store.createPromotion(
        request('checkout', {
          kind: 'rollback',
          hold: { reason: 'bad build' },
        }),
        audit,
      );

      const holds = await store.listHoldsFor([
        'component:default/payments',
        'component:default/billing',
      ]);
      expect([...holds.keys()]).toEqual(['component:default/payments']);
      expect(holds.get('component:default/payments')?.get('prod')).toEqual({
        setBy: ALICE,
        reason: 'rolled back: 5xx',
        promotionId: expect.any(String),
        createdAt: expect.any(String),
      });
    });
  },
);
