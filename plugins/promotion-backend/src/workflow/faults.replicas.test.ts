import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import {
  auditActions,
  commitsCarrying,
  createFaultWorkflow,
  faultImage,
  faultManifests,
  requestProd,
} from '../__testUtils__/faultWorkflow';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow } from './PromotionWorkflow';

jest.setTimeout(60_000);

const APPS = ['payments', 'orders', 'search'];
const APPROVERS = ['user:default/morgan', 'user:default/sam'];
const RULE = { required: 2, allowSelfApproval: false };
const databases = createStoreTestDatabases();

describe.each(storeTestDatabaseIds())(
  'faults: two backend replicas racing on %s',
  (databaseId: TestDatabaseId) => {
    let repo: TestRepository;
    let scratch: string;
    let knex: Knex;
    let store: KnexPromotionStore;
    let replicas: PromotionWorkflow[];
    let closeAll: () => Promise<void>;
    const now = new Date();

    beforeEach(async () => {
      repo = createTestRepository(faultManifests(APPS));
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-replicas-'));
      knex = await databases.init(databaseId);
      store = await KnexPromotionStore.create({
        database: { getClient: async () => knex },
      });
      // Each replica has its own store object, mirror folder and in-process
      // state; only the database and the remote are shared.
      const built = await Promise.all(
        ['replica-a', 'replica-b'].map(async instanceId =>
          createFaultWorkflow({
            store: await KnexPromotionStore.create({
              database: { getClient: async () => knex },
              skipMigrations: true,
            }),
            repoUrl: repo.url,
            cacheDir: path.join(scratch, instanceId),
            instanceId,
            now: () => now,
            names: APPS,
            prod: { approval: { required: 2 } },
            logger: mockServices.logger.mock(),
          }),
        ),
      );
      replicas = built.map(b => b.workflow);
      closeAll = async () => {
        await Promise.all(built.map(b => b.gitops.close()));
      };
    });

    afterEach(async () => {
      await closeAll();
      repo.cleanup();
      fs.rmSync(scratch, { recursive: true, force: true });
    });

    const settleAll = () => Promise.all(replicas.map(r => r.settle()));

    async function requestAll(via: PromotionWorkflow): Promise<Promotion[]> {
      const promotions: Promotion[] = [];
      for (const app of APPS) promotions.push(await requestProd(via, app));
      await settleAll();
      for (const promotion of promotions) {
        expect((await store.getPromotion(promotion.id))?.status).toBe(
          'awaiting-approval',
        );
      }
      return promotions;
    }

    /** What each promotion left behind: one commit, one claim, one execution, each approval once; a chain that verifies. */
    async function expectEachExecutedOnce(
      promotions: Promotion[],
      digest?: string,
    ) {
      for (const promotion of promotions) {
        const done = await store.getPromotion(promotion.id);
        expect(done).toEqual(expect.objectContaining({ status: 'succeeded' }));
        expect(commitsCarrying(repo.git, promotion.id)).toEqual([
          done!.commitSha,
        ]);
        expect(await auditActions(knex, promotion.id)).toEqual([
          'promotion.requested',
          'promotion.gates-evaluated',
          'promotion.approval-given',
          'promotion.approval-given',
          'promotion.approved',
          'promotion.executing',
          'promotion.executed',
        ]);
        const [{ count }] = await knex('promotion_approval')
          .where({ promotion_id: promotion.id })
          .count({ count: '*' });
        expect(Number(count)).toBe(2);
        if (digest)
          expect(
            repo.readFile(
              `apps/${
                promotion.entityRef.split('/')[1]
              }/prod/kustomization.yaml`,
            ),
          ).toContain(digest);
      }
      const verification = await new AuditLog(knex).verify();
      expect(verification).toEqual(
        expect.objectContaining({ ok: true, checked: verification.headSeq }),
      );
      const { rows, seqs } = await knex('promotion_audit_record')
        .count({ rows: '*' })
        .countDistinct({ seqs: 'seq' })
        .first()
        .then(r => ({ rows: Number(r!.rows), seqs: Number(r!.seqs) }));
      expect(rows).toBe(seqs);
    }

    it('counts each approval once when the same decisions reach both replicas at once, and executes once', async () => {
      const promotions = await requestAll(replicas[0]);

      // Every approver's decision on every request, sent to both replicas, while
      // both replicas' schedulers look for due work.
      const decisions = promotions.flatMap(promotion =>
        APPROVERS.flatMap(approver =>
          replicas.map(replica =>
            replica.decide(promotion.id, approver, { decision: 'approve' }),
          ),
        ),
      );
      const results = await Promise.allSettled([
        ...decisions,
        ...replicas.map(r => r.runDue()),
      ]);
      await settleAll();
      await Promise.all(replicas.map(r => r.runDue()));
      await settleAll();

      const outcomes = results.slice(0, decisions.length);
      expect(outcomes.filter(r => r.status === 'fulfilled')).toHaveLength(
        promotions.length * APPROVERS.length,
      );
      for (const refused of outcomes.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      )) {
        expect(refused.reason).toBeInstanceOf(ConflictError);
      }
      expect(
        results.slice(decisions.length).every(r => r.status === 'fulfilled'),
      ).toBe(true);
      expect(Number(repo.git(['rev-list', '--count', 'main']).trim())).toBe(
        1 + APPS.length,
      );
      await expectEachExecutedOnce(promotions, digestOf('b'));
    });

    it('executes each approved promotion once when both replicas run it at the same time', async () => {
      const promotions = await requestAll(replicas[1]);
      // Approved in the store only, so that nothing has started executing yet.
      for (const promotion of promotions) {
        for (const approver of APPROVERS)
          await store.recordDecision(
            promotion.id,
            { approver, decision: 'approve' },
            RULE,
          );
        expect((await store.getPromotion(promotion.id))?.status).toBe(
          'approved',
        );
      }
      // Meanwhile another writer moves the branch, so pushes from the two mirrors also race it.
      repo.commitFiles({ 'README.md': 'moved by someone else\n' }, 'Docs');

      await Promise.all([
        ...replicas.map(r => r.runDue()),
        ...promotions.flatMap(promotion =>
          replicas.map(r => r.advance(promotion.id)),
        ),
      ]);
      await settleAll();

      expect(Number(repo.git(['rev-list', '--count', 'main']).trim())).toBe(
        2 + APPS.length,
      );
      await expectEachExecutedOnce(promotions, digestOf('b'));
      expect(repo.readFile('README.md')).toBe('moved by someone else\n');
    });

    it('keeps one request per target when both replicas are asked for the next build at once, and executes it once', async () => {
      const first = await requestAll(replicas[0]);
      await Promise.all(
        first.flatMap(promotion =>
          APPROVERS.map((approver, i) =>
            replicas[i].decide(promotion.id, approver, { decision: 'approve' }),
          ),
        ),
      );
      await settleAll();
      for (const app of APPS) {
        repo.commitFiles(
          {
            [`apps/${app}/staging/kustomization.yaml`]: kustomization(
              faultImage(app),
              '1.2.0',
              digestOf('c'),
            ),
          },
          `staging ${app} 1.2.0`,
        );
      }
      // The same people ask for the next build on both replicas at once: one request per target stands.
      const asked = await Promise.allSettled(
        APPS.flatMap(app => replicas.map(r => requestProd(r, app))),
      );
      await settleAll();
      const second = asked
        .filter(
          (r): r is PromiseFulfilledResult<Promotion> =>
            r.status === 'fulfilled',
        )
        .map(r => r.value);
      const open = await store.listPromotions({
        statuses: ['awaiting-approval'],
      });
      expect(open.map(p => p.entityRef).sort()).toEqual(
        APPS.map(app => `component:default/${app}`).sort(),
      );
      await Promise.allSettled(
        open.flatMap(promotion =>
          APPROVERS.flatMap(approver =>
            replicas.map(r =>
              r.decide(promotion.id, approver, { decision: 'approve' }),
            ),
          ),
        ),
      );
      await settleAll();
      // Every request asked for either is the one that stood or was superseded by it; refusals are conflicts.
      for (const promotion of second) {
        const stood = open.some(p => p.id === promotion.id);
        expect((await store.getPromotion(promotion.id))?.status).toBe(
          stood ? 'succeeded' : 'superseded',
        );
      }
      for (const refused of asked.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      )) {
        expect(refused.reason).toBeInstanceOf(ConflictError);
      }
      await expectEachExecutedOnce(first);
      await expectEachExecutedOnce(open, digestOf('c'));
    });
  },
);
