import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Knex } from 'knex';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
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
import { KnexPromotionStore } from '../database';
import { hidingCatalog } from '../__testUtils__/hidingCatalog';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

const IMAGE = 'ghcr.io/acme/payments';
const PAYMENTS = componentEntity('payments');
const ANCHOR = /^\d+:[0-9a-f]{64}$/;

type SentEvent = Pick<
  AuditorServiceCreateEventOptions,
  'eventId' | 'severityLevel' | 'meta'
> & {
  fromRequest: boolean;
  status: 'succeeded' | 'failed';
};

/** An auditor that keeps every finished event; `refuseRecords` makes it throw for events no request carries. */
function recordingAuditor(options: { refuseRecords?: boolean } = {}) {
  const sent: SentEvent[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: (async ({ eventId, severityLevel, meta, request: req }) => {
      if (options.refuseRecords && !req) throw new Error('auditor unavailable');
      const finish =
        (status: SentEvent['status']) => async (more?: { meta?: object }) => {
          sent.push({
            eventId,
            severityLevel,
            meta: { ...meta, ...more?.meta } as any,
            fromRequest: !!req,
            status,
          });
        };
      return { success: finish('succeeded'), fail: finish('failed') };
    }) as AuditorService['createEvent'],
  });
  return { auditor, sent };
}

describe.each(storeTestDatabaseIds())(
  'audit routes on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let workingDirectory: string;
    let knex: Knex;

    beforeEach(async () => {
      workingDirectory = fs.mkdtempSync(
        path.join(os.tmpdir(), 'promotion-router-audit-'),
      );
      repo = createTestRepository({
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.1.0',
          digestOf('b'),
        ),
        'apps/payments/staging/kustomization.yaml': kustomization(
          IMAGE,
          '1.0.0',
          digestOf('a'),
        ),
      });
      knex = await databases.init(databaseId);
    });

    afterEach(() => {
      repo.cleanup();
      fs.rmSync(workingDirectory, { recursive: true, force: true });
    });

    async function startBackend(
      options: {
        result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
        auditor?: ReturnType<typeof recordingAuditor>['auditor'];
        catalog?: ReturnType<typeof catalogServiceMock.mock>;
      } = {},
    ) {
      return startPromotionBackend({
        repoUrl: repo.url,
        workingDirectory,
        environments: [{ name: 'dev' }, { name: 'staging' }],
        services: [
          mockServices.database.factory({ knex }),
          (options.auditor ?? mockServices.auditor.mock()).factory,
          options.catalog?.factory ??
            catalogServiceMock.factory({ entities: [PAYMENTS] }),
          mockServices.permissions.factory({
            result: options.result ?? AuthorizeResult.ALLOW,
          }),
        ],
      });
    }

    const asUser = mockCredentials.user.header('user:default/alice');

    async function promote(server: Awaited<ReturnType<typeof startBackend>>) {
      const created = await request(server)
        .post('/api/promotion/promotions')
        .set('Authorization', asUser)
        .send({
          entityRef: 'component:default/payments',
          targetEnvironment: 'staging',
        });
      expect(created.status).toBe(201);
      for (let i = 0; i < 200; i++) {
        const res = await request(server)
          .get(`/api/promotion/promotions/${created.body.id}`)
          .set('Authorization', asUser);
        if (['succeeded', 'failed'].includes(res.body.status)) return res.body;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      throw new Error(`Promotion ${created.body.id} did not finish`);
    }

    const verify = (
      server: Awaited<ReturnType<typeof startBackend>>,
      ...anchors: string[]
    ) =>
      request(server)
        .get('/api/promotion/audit/verify')
        .query(
          anchors
            .map(anchor => `anchor=${encodeURIComponent(anchor)}`)
            .join('&'),
        )
        .set('Authorization', asUser);

    /** What an operator reads from the promotion commit, as the README shows. */
    const auditHeadTrailer = () =>
      repo
        .git([
          'log',
          '-1',
          '--format=%(trailers:key=Audit-Head,valueonly)',
          'main',
        ])
        .trim();

    describe('records of entities the reader may not see in the catalog', () => {
      const LEAD = 'user:default/lead';
      const RILEY = 'user:default/riley';
      // The lead (and the plugin itself) sees both entities; riley sees payments only.
      const catalog = hidingCatalog([PAYMENTS, componentEntity('checkout')], {
        user: RILEY,
        sees: ['component:default/payments'],
      });
      const as = (user: string) => mockCredentials.user.header(user);

      async function withBothPromoted() {
        repo.commitFiles(
          {
            'apps/checkout/dev/kustomization.yaml': kustomization(
              'ghcr.io/acme/checkout',
              '2.1.0',
              digestOf('d'),
            ),
            'apps/checkout/staging/kustomization.yaml': kustomization(
              'ghcr.io/acme/checkout',
              '2.0.0',
              digestOf('c'),
            ),
          },
          'Add checkout',
        );
        const server = await startBackend({ catalog });
        for (const name of ['payments', 'checkout']) {
          const created = await request(server)
            .post('/api/promotion/promotions')
            .set('Authorization', as(LEAD))
            .send({
              entityRef: `component:default/${name}`,
              targetEnvironment: 'staging',
            });
          expect(created.status).toBe(201);
          // Landed, so the chain holds every record of both and no push outlives the test.
          for (let i = 0; ; i++) {
            const res = await request(server)
              .get(`/api/promotion/promotions/${created.body.id}`)
              .set('Authorization', as(LEAD));
            if (res.body.status === 'succeeded') break;
            if (i === 200) throw new Error(`${name} did not land`);
            await new Promise(resolve => setTimeout(resolve, 50));
          }
        }
        return server;
      }

      /** Every page of GET /audit, following the cursor. */
      async function readAll(
        server: any,
        user: string,
        query: Record<string, string> = {},
      ) {
        const refs: Array<string | null> = [];
        let after: number | undefined;
        for (let page = 0; page < 100; page++) {
          const res = await request(server)
            .get('/api/promotion/audit')
            .query({ ...query, ...(after ? { after } : {}) })
            .set('Authorization', as(user));
          expect(res.status).toBe(200);
          refs.push(...res.body.items.map((r: any) => r.entityRef));
          if (!res.body.nextCursor) return refs;
          after = res.body.nextCursor;
        }
        throw new Error('endless pages');
      }

      it('leaves them out of GET /audit, page by page, and of a filter naming them', async () => {
        const server = await withBothPromoted();
        const all = await readAll(server, LEAD);
        expect(new Set(all)).toEqual(
          new Set(['component:default/payments', 'component:default/checkout']),
        );

        const riley = await readAll(server, RILEY);
        expect(riley.length).toBeGreaterThan(0);
        expect(riley.every(ref => ref === 'component:default/payments')).toBe(
          true,
        );
        expect(riley).toEqual(
          all.filter(ref => ref !== 'component:default/checkout'),
        );
        // One record a page, with the hidden ones in between: the same records.
        expect(await readAll(server, RILEY, { limit: '1' })).toEqual(riley);
        expect(
          await readAll(server, RILEY, {
            entityRef: 'component:default/checkout',
          }),
        ).toEqual([]);
      });

      it('keeps the records of an entity the catalog no longer holds, for every reader', async () => {
        const server = await withBothPromoted();
        await (
          await KnexPromotionStore.create({
            database: { getClient: async () => knex },
          })
        ).appendAudit({
          action: 'hold.released',
          actor: LEAD,
          entityRef: 'component:default/retired',
          environment: 'staging',
        });
        const riley = await readAll(server, RILEY);
        expect(riley).toContain('component:default/retired');
        expect(riley).not.toContain('component:default/checkout');
      });

      it('leaves them out of GET /audit/export, while verify still walks the whole chain', async () => {
        const server = await withBothPromoted();
        const exported = async (user: string) => {
          const res = await request(server)
            .get('/api/promotion/audit/export')
            .set('Authorization', as(user));
          expect(res.status).toBe(200);
          return res.text
            .trim()
            .split('\n')
            .map(line => JSON.parse(line).entityRef);
        };
        const lead = await exported(LEAD);
        expect(lead).toContain('component:default/checkout');
        expect(await exported(RILEY)).toEqual(
          lead.filter(ref => ref !== 'component:default/checkout'),
        );

        const verified = await request(server)
          .get('/api/promotion/audit/verify')
          .set('Authorization', as(RILEY));
        expect(verified.body).toEqual(
          expect.objectContaining({ ok: true, checked: lead.length }),
        );
      });
    });

    it('checks anchors from commit trailers, and names a tail cut off with the head set back', async () => {
      const server = await startBackend();
      expect((await promote(server)).status).toBe('succeeded');
      const trailer = auditHeadTrailer();
      expect(trailer).toMatch(ANCHOR);
      const trailerSeq = Number(trailer.split(':')[0]);

      const intact = await verify(server, trailer);
      expect(intact.status).toBe(200);
      expect(intact.body).toEqual(
        expect.objectContaining({ ok: true, anchorsMatched: 1 }),
      );
      // The trailer was written while executing; `promotion.executed` came after it.
      expect(intact.body.headSeq).toBeGreaterThan(trailerSeq);

      // Remove the records from the trailer's on and set the head back onto the last one left.
      const lastKept = await knex('promotion_audit_record')
        .where({ seq: trailerSeq - 1 })
        .first();
      await knex('promotion_audit_record')
        .where('seq', '>=', trailerSeq)
        .delete();
      await knex('promotion_audit_head')
        .where({ id: 1 })
        .update({ seq: trailerSeq - 1, hash: lastKept.hash });

      const alone = await verify(server);
      expect(alone.body).toEqual(
        expect.objectContaining({ ok: true, headSeq: trailerSeq - 1 }),
      );
      const anchored = await verify(server, trailer);
      expect(anchored.status).toBe(200);
      expect(anchored.body).toEqual({
        ok: false,
        checked: trailerSeq - 1,
        headSeq: trailerSeq - 1,
        headHash: lastKept.hash,
        firstBroken: {
          seq: trailerSeq,
          reason: `anchor ${trailer} is beyond the head at seq ${
            trailerSeq - 1
          }: the chain was cut short or its head set back`,
        },
        anchorsMatched: 0,
      });
    });

    it('sends every record of the chain to the auditor, the scheduler’s too, each usable as an anchor', async () => {
      const { auditor, sent } = recordingAuditor();
      const server = await startBackend({ auditor });
      const done = await promote(server);
      expect(done.status).toBe('succeeded');

      const { body: chain } = await request(server)
        .get('/api/promotion/audit')
        .set('Authorization', asUser);
      const recordEvents = () => sent.filter(e => !e.fromRequest);
      // Events go out after each commit, so the last may trail the status read.
      for (
        let i = 0;
        i < 100 && recordEvents().length < chain.items.length;
        i++
      ) {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      expect(chain.items.map((r: any) => r.action)).toEqual([
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
        'promotion.executed',
      ]);
      expect(
        recordEvents().map(e => [
          e.eventId,
          e.severityLevel,
          e.status,
          e.meta?.seq,
          e.meta?.hash,
        ]),
      ).toEqual(
        chain.items.map((r: any) => [
          r.action.replace('.', '-'),
          expect.any(String),
          'succeeded',
          r.seq,
          r.hash,
        ]),
      );
      const executed = recordEvents().find(
        e => e.eventId === 'promotion-executed',
      )!;
      expect(executed.severityLevel).toBe('medium');
      expect(executed.meta).toEqual(
        expect.objectContaining({
          actor: 'plugin:promotion',
          promotionId: done.id,
          entityRef: 'component:default/payments',
          environment: 'staging',
          details: expect.objectContaining({
            commitSha: repo.git(['rev-parse', 'main']).trim(),
          }),
        }),
      );
      // The HTTP API's own event is still there.
      expect(sent.filter(e => e.fromRequest).map(e => e.eventId)).toEqual([
        'promotion-request',
      ]);

      const fromEvent = `${executed.meta!.seq}:${executed.meta!.hash}`;
      const checked = await verify(server, auditHeadTrailer(), fromEvent);
      expect(checked.body).toEqual(
        expect.objectContaining({ ok: true, anchorsMatched: 2 }),
      );
    });

    it('promotes as usual when the auditor refuses the records’ events', async () => {
      const { auditor, sent } = recordingAuditor({ refuseRecords: true });
      const server = await startBackend({ auditor });
      const done = await promote(server);
      expect(done.status).toBe('succeeded');
      expect(done.commitSha).toBe(repo.git(['rev-parse', 'main']).trim());
      expect(sent.map(e => e.eventId)).toEqual(['promotion-request']);
      const { body: chain } = await request(server)
        .get('/api/promotion/audit')
        .set('Authorization', asUser);
      expect(chain.items.map((r: any) => r.action)).toContain(
        'promotion.executed',
      );
      expect((await verify(server)).body.ok).toBe(true);
    });

    it.each([
      [
        'a bare hash',
        ['ab'.repeat(32)],
        'anchor.0: must be <seq>:<sha256 hex>, as in an Audit-Head trailer',
      ],
      [
        'a short hash',
        [`3:${'ab'.repeat(31)}`],
        'anchor.0: must be <seq>:<sha256 hex>, as in an Audit-Head trailer',
      ],
      [
        'one bad among good',
        [`3:${'ab'.repeat(32)}`, '3:'],
        'anchor.1: must be <seq>:<sha256 hex>, as in an Audit-Head trailer',
      ],
      [
        'too many anchors',
        Array.from({ length: 21 }, (_, i) => `${i}:${'ab'.repeat(32)}`),
        'anchor: at most 20 anchors per verification',
      ],
    ])('answers 400 for %s', async (_case, anchors, message) => {
      const server = await startBackend();
      const res = await verify(server, ...anchors);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(`Invalid audit query: ${message}`);
    });

    it('answers 400 for a nested anchor parameter and still checks the other query fields', async () => {
      const server = await startBackend();
      const nested = await request(server)
        .get(`/api/promotion/audit/verify?anchor[x]=1:${'ab'.repeat(32)}`)
        .set('Authorization', asUser);
      expect(nested.status).toBe(400);
      expect(nested.body.error.message).toBe(
        'Invalid audit query: anchor: must be <seq>:<sha256 hex>, given at most 20 times',
      );
      const unknown = await request(server)
        .get(`/api/promotion/audit/verify?anchor=1:${'ab'.repeat(32)}&since=1`)
        .set('Authorization', asUser);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe(
        "Invalid audit query: unknown field(s) 'since'",
      );
    });

    it('lists newest first for a timeline, and refuses an order on an export', async () => {
      const server = await startBackend();
      const store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
      for (const reason of ['first', 'second', 'third']) {
        await store.appendAudit({
          action: 'promotion.sync-requested',
          actor: 'user:default/alice',
          entityRef: 'component:default/payments',
          environment: 'prod',
          details: { reason },
        });
      }
      const newest = await request(server)
        .get(
          '/api/promotion/audit?entityRef=component:default/payments&order=desc&limit=2',
        )
        .set('Authorization', asUser);
      expect(newest.status).toBe(200);
      expect(newest.body.items.map((r: any) => r.details.reason)).toEqual([
        'third',
        'second',
      ]);
      const older = await request(server)
        .get(`/api/promotion/audit?order=desc&before=${newest.body.nextCursor}`)
        .set('Authorization', asUser);
      expect(older.body.items.map((r: any) => r.details.reason)).toEqual([
        'first',
      ]);

      const exported = await request(server)
        .get('/api/promotion/audit/export?order=desc')
        .set('Authorization', asUser);
      expect(exported.status).toBe(400);
      expect(exported.body.error.message).toBe(
        "Invalid audit query: an export is oldest first; 'order' is for /audit",
      );
      const badOrder = await request(server)
        .get('/api/promotion/audit?order=newest')
        .set('Authorization', asUser);
      expect(badOrder.status).toBe(400);
    });

    it('refuses a user the policy denies before looking at the anchors', async () => {
      const server = await startBackend({ result: AuthorizeResult.DENY });
      const res = await verify(server, 'not-an-anchor');
      expect(res.status).toBe(403);
    });
  },
);
