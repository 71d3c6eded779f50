import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knex as createKnex, Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import {
  auditActions,
  commitsCarrying,
  createFaultWorkflow,
  faultManifests,
  requestProd,
} from '../__testUtils__/faultWorkflow';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  createTestRepository,
  TestRepository,
} from '../__testUtils__/testRepository';

jest.setTimeout(60_000);

const LEASE_MS = 60_000;
/** How node-postgres reports a query on a session the server ended. */
const SESSION_LOST =
  /terminating connection|Connection terminated|ECONNRESET|EPIPE/i;
const databases = createStoreTestDatabases();
// Connections are cut server-side, which only PostgreSQL has.
const onPostgres = storeTestDatabaseIds().includes('POSTGRES_15')
  ? describe
  : describe.skip;

/** A client of its own on the test database, as an operator's session would be. */
function openSession(knex: Knex, max = 1) {
  const connection = knex.client.config.connection;
  // knex hides the password from enumeration.
  return createKnex({
    client: 'pg',
    connection: { ...connection, password: connection.password },
    pool: { min: 0, max },
  });
}

/**
 * Ends every other session on the test's own database, as a restart of the
 * server would, from a session opened for it (an older one may have been
 * ended itself).
 */
async function terminateOtherSessions(knex: Knex) {
  const session = openSession(knex);
  try {
    const { rows } = await session.raw(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.length as number;
  } finally {
    await session.destroy();
  }
}

/** Resolves once some session on the test's database waits for a lock, by asking the server, not by the clock. */
async function sessionWaitingForLock(admin: Knex) {
  for (;;) {
    const { rows } = await admin.raw(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    if (rows.length > 0) return;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

onPostgres('faults: PostgreSQL restarted in the middle of a promotion', () => {
  let repo: TestRepository;
  let scratch: string;
  let knex: Knex;
  let admin: Knex;

  beforeEach(async () => {
    repo = createTestRepository(faultManifests(['payments']));
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-pg-'));
    knex = await databases.init('POSTGRES_15');
    admin = openSession(knex, 2);
  });

  /**
   * Reads the database through a session opened now: the test's own
   * look must not be the one that meets a session the restart ended.
   */
  async function inspect<T>(
    look: (reader: Knex, store: KnexPromotionStore) => Promise<T>,
  ): Promise<T> {
    const reader = openSession(knex);
    try {
      return await look(
        reader,
        await KnexPromotionStore.create({
          database: { getClient: async () => reader },
          skipMigrations: true,
        }),
      );
    } finally {
      await reader.destroy();
    }
  }

  afterEach(async () => {
    await admin.destroy();
    repo.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('loses the write that records the push, keeps the request executing, and finishes it on the next pass', async () => {
    const store = await KnexPromotionStore.create({
      database: { getClient: async () => knex },
    });
    const startedAt = new Date();
    let now = startedAt;
    const { workflow, gitops } = createFaultWorkflow({
      store,
      repoUrl: repo.url,
      cacheDir: scratch,
      instanceId: 'replica-a',
      now: () => now,
      leaseMs: LEASE_MS,
      logger: mockServices.logger.mock(),
    });

    // Right after the push, an operator's session holds the audit head, so the
    // transaction that would record the push waits on it; then every session
    // but the operator's is ended while that transaction is open.
    let restart: Promise<number> | undefined;
    const apply = gitops.applyPromotion.bind(gitops);
    jest
      .spyOn(gitops, 'applyPromotion')
      .mockImplementationOnce(async options => {
        const change = await apply(options);
        const locker = await admin.transaction();
        await locker('promotion_audit_head')
          .where({ id: 1 })
          .forUpdate()
          .first();
        restart = (async () => {
          await sessionWaitingForLock(admin);
          const ended = await terminateOtherSessions(knex);
          await locker.rollback().catch(() => {});
          return ended;
        })();
        return change;
      });

    try {
      const promotion = await requestProd(workflow);
      await workflow.settle();
      // The blocked transaction and the operator's locking session, at least.
      expect(await restart).toBeGreaterThanOrEqual(2);

      // The push stands, the write that would have recorded it does not: still executing under the lease.
      const pushed = commitsCarrying(repo.git, promotion.id);
      expect(pushed).toEqual([repo.git(['rev-parse', 'main']).trim()]);
      await inspect(async (reader, readerStore) => {
        const cut = await readerStore.getPromotion(promotion.id);
        expect(cut).toEqual(expect.objectContaining({ status: 'executing' }));
        expect(cut?.commitSha).toBeUndefined();
        expect(await auditActions(reader, promotion.id)).toEqual([
          'promotion.requested',
          'promotion.approved',
          'promotion.executing',
        ]);
        expect((await new AuditLog(reader).verify()).ok).toBe(true);
      });

      // Restarted once more while idle: the pool still holds sessions that are
      // gone. A pass that meets one fails, as a scheduled task does, and the
      // scheduler runs the next one, a lease later; each lost session is met
      // at most once, and the pool holds five.
      await terminateOtherSessions(knex);
      let passes = 0;
      const succeeded = () =>
        inspect(
          async (_, readerStore) =>
            (await readerStore.getPromotion(promotion.id))?.status ===
            'succeeded',
        );
      while (passes < 8 && !(await succeeded())) {
        passes += 1;
        now = new Date(startedAt.getTime() + passes * (LEASE_MS + 1000));
        await workflow.runDue().catch(error => {
          if (!SESSION_LOST.test(String(error))) throw error;
        });
        await workflow.settle();
      }
      expect(passes).toBeGreaterThanOrEqual(1);
      expect(passes).toBeLessThanOrEqual(6);

      expect(commitsCarrying(repo.git, promotion.id)).toEqual(pushed);
      expect(Number(repo.git(['rev-list', '--count', 'main']).trim())).toBe(2);
      await inspect(async (reader, readerStore) => {
        expect(await readerStore.getPromotion(promotion.id)).toEqual(
          expect.objectContaining({
            status: 'succeeded',
            commitSha: pushed[0],
          }),
        );
        // A pass cut off after its claim leaves one more takeover, never a second execution.
        const actions = await auditActions(reader, promotion.id);
        expect(actions.slice(0, 4)).toEqual([
          'promotion.requested',
          'promotion.approved',
          'promotion.executing',
          'promotion.executing',
        ]);
        expect(actions.slice(-1)).toEqual(['promotion.executed']);
        expect(new Set(actions.slice(3, -1))).toEqual(
          new Set(['promotion.executing']),
        );
        const verification = await new AuditLog(reader).verify();
        expect(verification).toEqual(
          expect.objectContaining({ ok: true, checked: verification.headSeq }),
        );
        // One request row, nothing half-written beside it.
        const [{ count }] = await reader('promotion_request').count({
          count: '*',
        });
        expect(Number(count)).toBe(1);
      });
    } finally {
      await gitops.close();
    }
  });
});
