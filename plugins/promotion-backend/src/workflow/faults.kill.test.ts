import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knex as createKnex, Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { KnexPromotionStore } from '../database';
import { AuditLog } from '../audit';
import { auditAnchorSchema } from '../audit/auditAnchors';
import {
  auditActions,
  commitsCarrying,
  createFaultWorkflow,
  faultManifests,
} from '../__testUtils__/faultWorkflow';
import type { PromotionProcessInput } from '../__testUtils__/promotionProcess';
import {
  createStoreTestDatabases,
  storeTestDatabaseIds,
} from '../__testUtils__/testDatabases';
import {
  createTestRepository,
  digestOf,
  TestRepository,
} from '../__testUtils__/testRepository';

jest.setTimeout(60_000);

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const PROCESS_SCRIPT = path.resolve(
  __dirname,
  '../__testUtils__/promotionProcess.ts',
);
const LEASE_MS = 60_000;
const databases = createStoreTestDatabases();

/** Runs the child replica to its end and tells how it ended and what it printed. */
function runReplicaProcess(input: PromotionProcessInput) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(REPO_ROOT, 'node_modules/sucrase/register'),
      PROCESS_SCRIPT,
      JSON.stringify(input),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  child.stderr.on('data', chunk => (stderr += chunk));
  return new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr }),
    );
  });
}

/**
 * A `post-receive` hook runs once the remote's branch has moved, while the
 * pushing process still waits for git: killing the process there stops it
 * between its push and the database update that would record it. It kills
 * once; later pushes go through.
 */
function killPusherAfterReceive(repo: TestRepository, pidFile: string) {
  const hook = path.join(repo.url, 'hooks', 'post-receive');
  fs.writeFileSync(
    hook,
    [
      '#!/bin/sh',
      `pid_file='${pidFile}'`,
      'cat >/dev/null',
      'if [ -f "$pid_file" ]; then',
      '  pid=$(cat "$pid_file")',
      '  rm -f "$pid_file"',
      '  kill -KILL "$pid"',
      'fi',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

type Variant = {
  name: string;
  open: () => Promise<{
    knex: Knex;
    config: Knex.Config;
    close: () => Promise<void>;
  }>;
};

const variants: Variant[] = [
  {
    // A file, so that the child process and the test share it.
    name: 'SQLite (file)',
    open: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-kill-db-'));
      const config: Knex.Config = {
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'promotion.sqlite') },
      };
      const knex = createKnex({ ...config, useNullAsDefault: true });
      return {
        knex,
        config,
        close: async () => {
          await knex.destroy();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  ...storeTestDatabaseIds()
    .filter((id: TestDatabaseId) => id.startsWith('POSTGRES'))
    .map(
      (id): Variant => ({
        name: id,
        open: async () => {
          const knex = await databases.init(id);
          const connection = knex.client.config.connection;
          return {
            knex,
            // knex hides the password from enumeration; the child needs it spelled out.
            config: {
              client: 'pg',
              connection: { ...connection, password: connection.password },
            },
            close: async () => {},
          };
        },
      }),
    ),
];

describe.each(variants)(
  'a replica killed between its push and the database update, on $name',
  ({ open }) => {
    let repo: TestRepository;
    let scratch: string;
    let db: Awaited<ReturnType<Variant['open']>>;

    beforeEach(async () => {
      repo = createTestRepository(faultManifests(['payments']));
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-kill-'));
      db = await open();
      // Migrated here: the child only opens the store.
      await KnexPromotionStore.create({
        database: { getClient: async () => db.knex },
      });
    });

    afterEach(async () => {
      await db.close();
      repo.cleanup();
      fs.rmSync(scratch, { recursive: true, force: true });
    });

    it('is finished by a fresh replica once its lease expires: one commit with its Promotion-Id, succeeded, the chain intact', async () => {
      const pidFile = path.join(scratch, 'pusher.pid');
      killPusherAfterReceive(repo, pidFile);
      const startedAt = new Date();

      const child = await runReplicaProcess({
        database: db.config,
        repoUrl: repo.url,
        cacheDir: path.join(scratch, 'replica-a'),
        instanceId: 'replica-a',
        now: startedAt.toISOString(),
        leaseMs: LEASE_MS,
        pidFile,
      });

      // Killed by the hook, after it had asked for the promotion and before it saw it settle.
      expect({ signal: child.signal, stderr: child.stderr }).toEqual({
        signal: 'SIGKILL',
        stderr: '',
      });
      expect(child.stdout).not.toContain('settled');
      const promotionId = /^requested (\S+)$/m.exec(child.stdout)![1];
      expect(fs.existsSync(pidFile)).toBe(false);

      // The remote has the change; the database still has the request executing under the dead replica's lease.
      const pushed = commitsCarrying(repo.git, promotionId);
      expect(pushed).toEqual([repo.git(['rev-parse', 'main']).trim()]);
      expect(repo.readFile('apps/payments/prod/kustomization.yaml')).toContain(
        digestOf('b'),
      );
      const store = await KnexPromotionStore.create({
        database: { getClient: async () => db.knex },
        skipMigrations: true,
      });
      const stranded = await store.getPromotion(promotionId);
      expect(stranded).toEqual(
        expect.objectContaining({ status: 'executing' }),
      );
      expect(stranded?.commitSha).toBeUndefined();
      const auditLog = new AuditLog(db.knex);
      expect((await auditLog.verify()).ok).toBe(true);

      let now = startedAt;
      const { workflow, gitops } = createFaultWorkflow({
        store,
        repoUrl: repo.url,
        cacheDir: path.join(scratch, 'replica-b'),
        instanceId: 'replica-b',
        now: () => now,
        leaseMs: LEASE_MS,
      });
      try {
        // While the dead replica's lease lasts, nobody takes the request over.
        now = new Date(startedAt.getTime() + LEASE_MS - 1000);
        expect(await workflow.runDue()).toBe(0);
        expect((await store.getPromotion(promotionId))?.status).toBe(
          'executing',
        );

        now = new Date(startedAt.getTime() + LEASE_MS + 1000);
        expect(await workflow.runDue()).toBe(1);
        await workflow.settle();
      } finally {
        await gitops.close();
      }

      const done = await store.getPromotion(promotionId);
      expect(done).toEqual(
        expect.objectContaining({ status: 'succeeded', commitSha: pushed[0] }),
      );
      expect(commitsCarrying(repo.git, promotionId)).toEqual(pushed);
      expect(Number(repo.git(['rev-list', '--count', 'main']).trim())).toBe(2);

      expect(await auditActions(db.knex, promotionId)).toEqual([
        'promotion.requested',
        'promotion.approved',
        'promotion.executing',
        'promotion.executing',
        'promotion.executed',
      ]);
      const { items } = await auditLog.list({ promotionId });
      expect(
        items
          .filter(r => r.action === 'promotion.executing')
          .map(r => r.details),
      ).toEqual([
        { leaseOwner: 'replica-a', takeover: false },
        { leaseOwner: 'replica-b', takeover: true },
      ]);
      expect(
        items.find(r => r.action === 'promotion.executed')?.details,
      ).toEqual({ commitSha: pushed[0], alreadyApplied: true });

      // The chain verifies, and still holds the head the dead replica wrote into its commit.
      const trailer = /^Audit-Head: (\S+)$/m.exec(
        repo.git(['log', '-1', '--format=%B', pushed[0]]),
      )![1];
      const verification = await auditLog.verify({
        anchors: [auditAnchorSchema.parse(trailer)],
      });
      expect(verification).toEqual(
        expect.objectContaining({ ok: true, anchorsMatched: 1 }),
      );
    });
  },
);
