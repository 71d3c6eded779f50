import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KnexPromotionStore } from '../database';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  componentEntity,
  startPromotionBackend,
} from '../__testUtils__/promotionTestBackend';
import { hidingCatalog } from '../__testUtils__/hidingCatalog';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();

const LEAD = 'user:default/lead';
const RILEY = 'user:default/riley';
// The lead sees both entities; riley sees payments only.
const catalog = hidingCatalog(
  [componentEntity('payments'), componentEntity('checkout')],
  {
    user: RILEY,
    sees: ['component:default/payments'],
  },
);

describe.each(storeTestDatabaseIds())(
  'GET /promotions on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let workingDirectory: string;
    let knex: Knex;
    let store: KnexPromotionStore;

    beforeEach(async () => {
      workingDirectory = fs.mkdtempSync(
        path.join(os.tmpdir(), 'promotion-router-list-'),
      );
      repo = createTestRepository({
        'apps/payments/dev/kustomization.yaml': kustomization(
          'ghcr.io/acme/payments',
          '1.1.0',
          digestOf('b'),
        ),
        'apps/payments/staging/kustomization.yaml': kustomization(
          'ghcr.io/acme/payments',
          '1.0.0',
          digestOf('a'),
        ),
      });
      knex = await databases.init(databaseId);
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
    });

    afterEach(() => {
      repo.cleanup();
      fs.rmSync(workingDirectory, { recursive: true, force: true });
    });

    /** `count` requests per entity, alternating, each cancelled at once so the scheduler leaves them alone. */
    async function seed(count: number) {
      for (let i = 0; i < count; i++) {
        for (const name of ['checkout', 'payments']) {
          const created = await store.createPromotion(
            {
              entityRef: `component:default/${name}`,
              sourceEnvironment: 'dev',
              targetEnvironment: 'staging',
              artifact: {
                image: `ghcr.io/acme/${name}`,
                tag: `1.0.${i}`,
                digest: digestOf('b'),
              },
              requestedBy: LEAD,
              requesterKind: 'user',
              expiresAt: new Date('2100-01-01T00:00:00Z'),
            },
            { action: 'promotion.requested', actor: LEAD },
          );
          await store.transition(
            created.id,
            ['gating'],
            'cancelled',
            {},
            { action: 'promotion.cancelled', actor: LEAD },
          );
        }
      }
    }

    const startBackend = () =>
      startPromotionBackend({
        repoUrl: repo.url,
        workingDirectory,
        environments: [{ name: 'dev' }, { name: 'staging' }],
        services: [
          mockServices.database.factory({ knex }),
          catalog.factory,
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });

    /** Every page, following `nextCursor`; the ids in the order listed, and how many pages. */
    async function readAll(
      server: any,
      user: string,
      query: Record<string, string>,
    ) {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let pages = 1; pages < 100; pages++) {
        const res = await request(server)
          .get('/api/promotion/promotions')
          .query({ ...query, ...(cursor ? { cursor } : {}) })
          .set('Authorization', mockCredentials.user.header(user));
        expect(res.status).toBe(200);
        ids.push(...res.body.items.map((p: any) => p.id));
        cursor = res.body.nextCursor;
        if (!cursor) return { ids, pages };
      }
      throw new Error('endless pages');
    }

    it('pages through every request the caller may see, newest first, past rows they may not', async () => {
      await seed(130);
      const server = await startBackend();
      const newestFirst = async (entityRef?: string) =>
        (await store.listPromotions({ entityRef, limit: 1000 })).map(p => p.id);

      const riley = await readAll(server, RILEY, { limit: '50' });
      expect(riley.ids).toEqual(
        await newestFirst('component:default/payments'),
      );
      expect(riley.ids).toHaveLength(130);
      expect(riley.pages).toBe(3);
      // A page larger than what one read of the database holds for riley.
      expect(await readAll(server, RILEY, { limit: '120' })).toEqual({
        ids: riley.ids,
        pages: 2,
      });

      const lead = await readAll(server, LEAD, { limit: '100' });
      expect(lead.ids).toEqual(await newestFirst());
      expect(lead.ids).toHaveLength(260);
    });

    it('answers 400 for a cursor it did not give', async () => {
      const server = await startBackend();
      for (const cursor of [
        'nonsense',
        Buffer.from('["yesterday","x"]').toString('base64url'),
      ]) {
        const res = await request(server)
          .get('/api/promotion/promotions')
          .query({ cursor })
          .set('Authorization', mockCredentials.user.header(RILEY));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          "Invalid query: cursor: not a cursor this API gave; pass a page's nextCursor as it is",
        );
      }
    });
  },
);
