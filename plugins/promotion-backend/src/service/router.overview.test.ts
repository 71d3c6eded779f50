import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Knex } from 'knex';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
import { startPromotionBackend } from '../__testUtils__/promotionTestBackend';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();

const LEAD = 'user:default/lead';
const RILEY = 'user:default/riley';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

function entity(
  name: string,
  owner: string,
  annotations: Record<string, string> = {
    'promotion.backstage.io/image': `ghcr.io/acme/${name}`,
  },
  title?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations,
      ...(title ? { title } : {}),
    },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const ENTITIES = [
  entity('payments', TEAM_A, undefined, 'Payments API'),
  // spec.owner as people write it: the kind and namespace left to their defaults.
  { ...entity('checkout', TEAM_B), spec: { owner: 'team-b' } },
  entity('billing', TEAM_B, {
    'promotion.backstage.io/image': 'ghcr.io/acme/billing',
    'promotion.backstage.io/environments': 'dev,staging',
  }),
  entity('broken', TEAM_B, {
    'promotion.backstage.io/image': 'ghcr.io/acme/broken',
    'promotion.backstage.io/environments': 'qa',
  }),
  entity('website', TEAM_A, {}),
  entity('secret', TEAM_A),
];

/** The catalog, filtering as the real one does; riley may not see `secret`. */
const catalog = catalogServiceMock.mock({
  queryEntities: async (req: any, options: any) => {
    const user = (
      options.credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal.userEntityRef;
    const visible = ENTITIES.filter(
      e => user !== RILEY || e.metadata.name !== 'secret',
    );
    return new InMemoryCatalogClient({ entities: visible }).queryEntities(req);
  },
});

const asUser = (user: string) => mockCredentials.user.header(user);

describe.each(storeTestDatabaseIds())(
  'GET /overview on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let workingDirectory: string;
    let knex: Knex;
    let store: KnexPromotionStore;

    beforeEach(async () => {
      workingDirectory = fs.mkdtempSync(
        path.join(os.tmpdir(), 'promotion-router-overview-'),
      );
      const files: Record<string, string> = {};
      const pin = (name: string, env: string, tag: string, char: string) => {
        files[`apps/${name}/${env}/kustomization.yaml`] = kustomization(
          `ghcr.io/acme/${name}`,
          tag,
          digestOf(char),
        );
      };
      pin('payments', 'dev', '1.2.0', 'c');
      pin('payments', 'staging', '1.1.0', 'b');
      pin('payments', 'prod', '1.0.0', 'a');
      pin('checkout', 'dev', '2.0.0', 'd');
      pin('checkout', 'staging', '2.0.0', 'd');
      // checkout has no prod overlay yet; billing's dev names another image.
      files['apps/billing/dev/kustomization.yaml'] = kustomization(
        'ghcr.io/acme/other',
        '1.0.0',
        digestOf('e'),
      );
      pin('billing', 'staging', '0.9.0', 'f');
      pin('secret', 'dev', '0.1.0', '1');
      repo = createTestRepository(files);
      knex = await databases.init(databaseId);
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
    });

    afterEach(() => {
      repo.cleanup();
      fs.rmSync(workingDirectory, { recursive: true, force: true });
    });

    const startBackend = () =>
      startPromotionBackend({
        repoUrl: repo.url,
        workingDirectory,
        environments: [
          { name: 'dev' },
          {
            name: 'staging',
            gates: [{ type: 'soak', duration: { minutes: 30 } }],
          },
          { name: 'prod', approval: { required: 2 } },
        ],
        services: [
          mockServices.database.factory({ knex }),
          catalog.factory,
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });

    /** Requests as the workflow leaves them, but out of the scheduler's way. */
    async function seedRequests() {
      const waitingForSoak = await store.createPromotion(
        {
          entityRef: 'component:default/payments',
          sourceEnvironment: 'dev',
          targetEnvironment: 'staging',
          artifact: {
            image: 'ghcr.io/acme/payments',
            tag: '1.2.0',
            digest: digestOf('c'),
          },
          requestedBy: LEAD,
          requesterKind: 'user',
          expiresAt: new Date('2100-01-01T00:00:00Z'),
        },
        { action: 'promotion.requested', actor: LEAD },
      );
      const now = new Date().toISOString();
      await store.recordGateRuns(
        waitingForSoak.id,
        [
          {
            gate: 'window',
            status: 'passed',
            message: 'inside the window',
            startedAt: now,
            finishedAt: now,
          },
          {
            gate: 'soak',
            status: 'pending',
            message: 'has soaked 10 of 30 minutes in dev',
            details: { soakedMinutes: 10 },
            retryAt: '2100-01-01T00:20:00.000Z',
            startedAt: now,
            finishedAt: now,
          },
        ],
        { action: 'promotion.gates-evaluated', actor: 'plugin:promotion' },
      );
      await store.reschedule(waitingForSoak.id, 'gating', null);

      const toProd = await store.createPromotion(
        {
          entityRef: 'component:default/checkout',
          sourceEnvironment: 'staging',
          targetEnvironment: 'prod',
          artifact: {
            image: 'ghcr.io/acme/checkout',
            tag: '2.0.0',
            digest: digestOf('d'),
          },
          requestedBy: RILEY,
          requesterKind: 'user',
          expiresAt: new Date('2100-01-01T00:00:00Z'),
        },
        { action: 'promotion.requested', actor: RILEY },
      );
      await store.transition(
        toProd.id,
        ['gating'],
        'awaiting-approval',
        { nextEvaluationAt: null },
        { action: 'promotion.gates-evaluated', actor: 'plugin:promotion' },
      );
      const rule = { required: 2, allowSelfApproval: false };
      await store.recordDecision(
        toProd.id,
        { approver: LEAD, decision: 'approve' },
        rule,
      );
      return { waitingForSoak, toProd };
    }

    it('shows each annotated entity the caller may see, with what runs where and why requests wait', async () => {
      const { waitingForSoak, toProd } = await seedRequests();
      const server = await startBackend();

      const res = await request(server)
        .get('/api/promotion/overview')
        .set('Authorization', asUser(RILEY));
      expect(res.status).toBe(200);
      expect(res.body.environments).toEqual(['dev', 'staging', 'prod']);
      expect(res.body.totalItems).toBe(4);
      // By name; not `website` (no image annotation), not `secret` (hidden from riley).
      expect(res.body.items.map((e: any) => e.entityRef)).toEqual([
        'component:default/billing',
        'component:default/broken',
        'component:default/checkout',
        'component:default/payments',
      ]);
      const [billing, broken, checkout, payments] = res.body.items;
      // A short spec.owner comes back as the whole ref the page links.
      expect(checkout.owner).toBe(TEAM_B);

      expect(payments).toEqual({
        entityRef: 'component:default/payments',
        title: 'Payments API',
        owner: TEAM_A,
        environments: [
          {
            name: 'dev',
            artifact: {
              image: 'ghcr.io/acme/payments',
              tag: '1.2.0',
              digest: digestOf('c'),
            },
          },
          {
            name: 'staging',
            artifact: {
              image: 'ghcr.io/acme/payments',
              tag: '1.1.0',
              digest: digestOf('b'),
            },
            activeRequest: {
              id: waitingForSoak.id,
              kind: 'promotion',
              status: 'gating',
              sourceEnvironment: 'dev',
              artifact: {
                image: 'ghcr.io/acme/payments',
                tag: '1.2.0',
                digest: digestOf('c'),
              },
              requestedBy: LEAD,
              requesterKind: 'user',
              createdAt: waitingForSoak.createdAt,
              approvals: { given: 0, required: 0 },
              gateRuns: [
                expect.objectContaining({ gate: 'window', status: 'passed' }),
                {
                  gate: 'soak',
                  status: 'pending',
                  message: 'has soaked 10 of 30 minutes in dev',
                  retryAt: '2100-01-01T00:20:00.000Z',
                  startedAt: expect.any(String),
                  finishedAt: expect.any(String),
                },
              ],
              waiting: {
                reason: 'gate',
                gate: 'soak',
                status: 'pending',
                message: 'has soaked 10 of 30 minutes in dev',
                retryAt: '2100-01-01T00:20:00.000Z',
              },
            },
          },
          {
            name: 'prod',
            artifact: {
              image: 'ghcr.io/acme/payments',
              tag: '1.0.0',
              digest: digestOf('a'),
            },
          },
        ],
      });

      expect(checkout.environments[2]).toEqual({
        name: 'prod',
        artifact: null,
        activeRequest: expect.objectContaining({
          id: toProd.id,
          status: 'awaiting-approval',
          requestedBy: RILEY,
          approvals: { given: 1, required: 2 },
          waiting: { reason: 'approval', given: 1, required: 2 },
        }),
      });

      // Its own pipeline; a manifest that does not pin the image says so.
      expect(billing.environments.map((e: any) => e.name)).toEqual([
        'dev',
        'staging',
      ]);
      expect(billing.environments[0]).toEqual({
        name: 'dev',
        artifact: null,
      });
      expect(billing.environments[1].artifact.tag).toBe('0.9.0');

      expect(broken).toEqual({
        entityRef: 'component:default/broken',
        owner: TEAM_B,
        environments: [],
        error: expect.stringContaining('unknown environment(s) qa'),
      });

      // The lead sees the entity hidden from riley.
      const lead = await request(server)
        .get('/api/promotion/overview')
        .set('Authorization', asUser(LEAD));
      expect(lead.body.totalItems).toBe(5);
      expect(lead.body.items.map((e: any) => e.entityRef)).toContain(
        'component:default/secret',
      );
    });

    it('reads again what the branch pins once it moved', async () => {
      const server = await startBackend();
      const read = async () =>
        (
          await request(server)
            .get('/api/promotion/overview')
            .query({ q: 'payments' })
            .set('Authorization', asUser(LEAD))
        ).body.items[0].environments[0].artifact.tag;
      expect(await read()).toBe('1.2.0');
      repo.commitFiles(
        {
          'apps/payments/dev/kustomization.yaml': kustomization(
            'ghcr.io/acme/payments',
            '1.3.0',
            digestOf('9'),
          ),
        },
        'CI: payments 1.3.0 to dev',
      );
      // maxReadAge (a few seconds by default) later, the page shows the new build.
      await new Promise(resolve => setTimeout(resolve, 5_500));
      expect(await read()).toBe('1.3.0');
    });

    it('filters by owner and by words, a page at a time', async () => {
      const server = await startBackend();
      const get = (query: Record<string, string | string[]>) =>
        request(server)
          .get('/api/promotion/overview')
          .query(query)
          .set('Authorization', asUser(LEAD));
      const names = (res: request.Response) =>
        res.body.items.map((e: any) => e.entityRef.split('/')[1]);

      const teamA = await get({ owner: TEAM_A });
      expect(teamA.status).toBe(200);
      expect(names(teamA)).toEqual(['payments', 'secret']);
      // An owner in the default namespace may be named without it.
      expect(names(await get({ owner: 'group:team-a' }))).toEqual([
        'payments',
        'secret',
      ]);

      const both = await get({ owner: [TEAM_A, TEAM_B] });
      expect(both.body.totalItems).toBe(5);

      // Words match the title too.
      expect(names(await get({ q: 'api' }))).toEqual(['payments']);
      expect(names(await get({ q: 'check', owner: TEAM_B }))).toEqual([
        'checkout',
      ]);
      expect(names(await get({ q: 'check', owner: TEAM_A }))).toEqual([]);

      const first = await get({ limit: '2' });
      const second = await get({ limit: '2', offset: '2' });
      expect(first.body).toMatchObject({ totalItems: 5, offset: 0, limit: 2 });
      expect(names(first)).toEqual(['billing', 'broken']);
      expect(names(second)).toEqual(['checkout', 'payments']);
    });

    it.each([
      [{ limit: '0' }, 'Invalid overview query: limit: must be at least 1'],
      [{ limit: '5000' }, 'Invalid overview query: limit: must be at most 500'],
      [{ offset: '-1' }, 'Invalid overview query: offset: must be 0 or more'],
      [
        { owner: 'team-a' },
        "Invalid overview query: owner.0: must be an entity reference such as 'group:default/team-a'",
      ],
      [{ sort: 'name' }, "Invalid overview query: unknown field(s) 'sort'"],
    ])('answers 400 to %j', async (query, message) => {
      const server = await startBackend();
      const res = await request(server)
        .get('/api/promotion/overview')
        .query(query)
        .set('Authorization', asUser(LEAD));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
    });

    it('is for signed-in users only', async () => {
      const server = await startBackend();
      const anonymous = await request(server)
        .get('/api/promotion/overview')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const service = await request(server)
        .get('/api/promotion/overview')
        .set('Authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);
    });
  },
);
