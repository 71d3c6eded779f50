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
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KnexPromotionStore } from '../database';
import {
  createTestRepository,
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
import {
  change,
  DAY,
  HOUR,
  writeHistory,
} from '../metrics/__testUtils__/promotionHistory';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();

const LEAD = 'user:default/lead';
const RILEY = 'user:default/riley';

const owned = (name: string, owner: string): Entity => ({
  ...componentEntity(name),
  spec: { owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});
const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

const ENTITIES = [
  owned('payments', 'group:default/team-a'),
  owned('checkout', 'group:default/team-a'),
  owned('ledger', 'group:default/team-b'),
  group('team-a'),
  group('team-b'),
];
/** Riley may see neither checkout nor team-b; everyone else sees everything. */
const HIDDEN_FROM_RILEY = [
  'component:default/checkout',
  'group:default/team-b',
];

const sees = (options: any, entity: Entity | undefined) =>
  !!entity &&
  (options.credentials.principal.userEntityRef !== RILEY ||
    !HIDDEN_FROM_RILEY.includes(stringifyEntityRef(entity)));
const find = (ref: string) =>
  ENTITIES.find(e => stringifyEntityRef(e) === ref.toLowerCase());
const catalog = catalogServiceMock.mock({
  getEntityByRef: async (ref: any, options: any) => {
    const entity = find(String(ref));
    return sees(options, entity) ? entity : undefined;
  },
  getEntitiesByRefs: async (req: any, options: any) => ({
    items: req.entityRefs.map((ref: string) => {
      const entity = find(ref);
      return sees(options, entity) ? entity : undefined;
    }),
  }),
  getEntities: async (req: any, options: any) => ({
    items: ENTITIES.filter(
      entity =>
        sees(options, entity) &&
        entity.relations?.some(
          r =>
            r.type === 'ownedBy' &&
            r.targetRef === req.filter['relations.ownedBy'],
        ),
    ),
  }),
});

/** Ten days ago, so the default window (the last 30 days) holds it all. */
const T0 = new Date(Date.now() - 10 * DAY);

describe.each(storeTestDatabaseIds())(
  'GET /metrics/dora on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let workingDirectory: string;
    let knex: Knex;
    let server: any;

    beforeAll(async () => {
      workingDirectory = fs.mkdtempSync(
        path.join(os.tmpdir(), 'promotion-router-metrics-'),
      );
      repo = createTestRepository({ 'README.md': 'gitops\n' });
      knex = await databases.init(databaseId);
      await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
      await writeHistory(knex, T0, [
        // payments: two deployments, 2h and 4h from dev; one rollback.
        change('payments', 'dev', 'A', 0, 'landed', 60_000),
        change('payments', 'prod', 'A', HOUR, 'landed', 2 * HOUR),
        change('payments', 'dev', 'B', DAY, 'landed', DAY + 60_000),
        change('payments', 'prod', 'B', DAY + HOUR, 'landed', DAY + 4 * HOUR),
        change('payments', 'prod', 'A', 2 * DAY, 'landed', 2 * DAY + HOUR, {
          kind: 'rollback',
        }),
        // checkout: one deployment, 10h from dev, and a failure.
        change('checkout', 'dev', 'C', 3 * DAY, 'landed', 3 * DAY),
        change(
          'checkout',
          'prod',
          'C',
          3 * DAY + HOUR,
          'landed',
          3 * DAY + 10 * HOUR,
        ),
        change('checkout', 'prod', 'D', 4 * DAY, 'failed', 4 * DAY + HOUR),
        // ledger: one deployment.
        change('ledger', 'prod', 'E', 5 * DAY, 'landed', 5 * DAY + HOUR),
      ]);
      server = await startPromotionBackend({
        repoUrl: repo.url,
        workingDirectory,
        services: [
          mockServices.database.factory({ knex }),
          catalog.factory,
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
    });

    afterAll(() => {
      repo.cleanup();
      fs.rmSync(workingDirectory, { recursive: true, force: true });
    });

    const get = (user: string, query: Record<string, string>) =>
      request(server)
        .get('/api/promotion/metrics/dora')
        .query(query)
        .set('Authorization', mockCredentials.user.header(user));

    it("answers an entity's metrics over the last 30 days by default", async () => {
      const res = await get(RILEY, { entityRef: 'Component:default/payments' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toEqual({
        kind: 'entity',
        entityRef: 'component:default/payments',
      });
      expect(res.body.window.bucket).toBe('day');
      expect(res.body.window.days).toBeGreaterThan(29);
      expect(res.body.window.days).toBeLessThanOrEqual(30);
      // The last 30 calendar days (UTC), today so far the last of them.
      expect(res.body.window.from).toMatch(/T00:00:00\.000Z$/);
      expect(
        Date.parse(res.body.window.to) - Date.parse(res.body.window.from),
      ).toBeGreaterThan(29 * DAY);
      expect(
        Date.parse(res.body.window.to) - Date.parse(res.body.window.from),
      ).toBeLessThanOrEqual(30 * DAY);
      expect(res.body.buckets).toHaveLength(30);
      expect(res.body.productionEnvironment).toBe('prod');
      expect(res.body.firstEnvironment).toBe('dev');
      expect(res.body.deploymentFrequency).toMatchObject({ total: 2 });
      expect(res.body.leadTime).toMatchObject({
        count: 2,
        medianMs: 3 * HOUR,
      });
      expect(res.body.changeFailureRate).toMatchObject({
        attempts: 3,
        failures: 1,
      });
      // B landed at +1d4h and was rolled back at +2d1h.
      expect(res.body.timeToRestore).toMatchObject({
        count: 1,
        open: 0,
        medianMs: 21 * HOUR,
      });
    });

    it('answers 404 for an entity the caller may not see', async () => {
      const hidden = await get(RILEY, {
        entityRef: 'component:default/checkout',
      });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(
        'No entity component:default/checkout',
      );
      const seen = await get(LEAD, { entityRef: 'component:default/checkout' });
      expect(seen.status).toBe(200);
      expect(seen.body.deploymentFrequency.total).toBe(1);
    });

    it("counts only the group's entities the caller may see", async () => {
      const lead = await get(LEAD, { group: 'group:default/team-a' });
      expect(lead.status).toBe(200);
      expect(lead.body.scope).toEqual({
        kind: 'group',
        group: 'group:default/team-a',
        entityRefs: [
          'component:default/checkout',
          'component:default/payments',
        ],
      });
      expect(lead.body.deploymentFrequency.total).toBe(3);
      expect(lead.body.changeFailureRate).toMatchObject({
        attempts: 5,
        failures: 2,
      });
      expect(lead.body.timeToRestore.open).toBe(1);

      const riley = await get(RILEY, { group: 'group:default/team-a' });
      expect(riley.body.scope.entityRefs).toEqual([
        'component:default/payments',
      ]);
      expect(riley.body.deploymentFrequency.total).toBe(2);

      const hidden = await get(RILEY, { group: 'group:default/team-b' });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe('No group group:default/team-b');
    });

    it('answers the overall metrics of what the caller may see', async () => {
      const lead = await get(LEAD, { window: '14d', bucket: 'week' });
      expect(lead.status).toBe(200);
      expect(lead.body.scope).toEqual({ kind: 'all', entityCount: 3 });
      expect(lead.body.buckets).toHaveLength(2);
      expect(lead.body.deploymentFrequency).toMatchObject({
        total: 4,
        // Over the window's days: 13 whole ones and today so far.
        perDay: 4 / lead.body.window.days,
      });
      // 2h (A), 4h (B), 10h (C) from dev; E came in without a dev record: 1h.
      expect(lead.body.leadTime).toMatchObject({
        count: 4,
        medianMs: 3 * HOUR,
      });

      const riley = await get(RILEY, { window: '14d' });
      expect(riley.body.scope).toEqual({ kind: 'all', entityCount: 2 });
      expect(riley.body.deploymentFrequency.total).toBe(3);
      expect(riley.body.changeFailureRate).toMatchObject({
        attempts: 4,
        failures: 1,
      });

      // A window that ended before any of it holds nothing.
      const before = await get(LEAD, {
        from: new Date(T0.getTime() - 20 * DAY).toISOString(),
        to: T0.toISOString(),
      });
      expect(before.body.scope).toEqual({ kind: 'all', entityCount: 3 });
      expect(before.body.deploymentFrequency.total).toBe(0);
    });

    it.each([
      [
        { window: '0d' },
        "Invalid query: window: must be a number of days, such as '30d'",
      ],
      [{ window: '400d' }, 'Invalid query: window: must be at most 366d'],
      [
        { window: '7d', from: '2020-01-01T00:00:00Z' },
        'Invalid query: window: give window or from/to, not both',
      ],
      [
        { to: '2030-01-01T00:00:00Z' },
        'Invalid query: from: is required with to',
      ],
      [
        { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' },
        'Invalid query: to: must be after from',
      ],
      [
        { from: 'yesterday' },
        'Invalid query: from: must be an ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z',
      ],
      [
        { from: '2999-01-01T00:00:00Z' },
        'Invalid query: from: must be in the past',
      ],
      [
        { from: '2020-01-01T00:00:00Z', to: '2022-01-01T00:00:00Z' },
        'Invalid query: to: the window may span at most 366 days',
      ],
      [{ bucket: 'month' }, "Invalid query: bucket: must be 'day' or 'week'"],
      [
        { group: 'component:default/payments' },
        "Invalid query: group: must be a group's entity reference, such as 'group:default/team-a'",
      ],
      [
        {
          entityRef: 'component:default/payments',
          group: 'group:default/team-a',
        },
        'Invalid query: group: give entityRef or group, not both',
      ],
      [{ entity: 'payments' }, "Invalid query: unknown field(s) 'entity'"],
    ])('answers 400 to %j', async (query, message) => {
      const res = await get(LEAD, query as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
    });

    it('is for signed-in users only', async () => {
      const anonymous = await request(server)
        .get('/api/promotion/metrics/dora')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const service = await request(server)
        .get('/api/promotion/metrics/dora')
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);
    });
  },
);
