import fs from 'node:fs';
import { knex as createKnex, Knex } from 'knex';
import { KnexPromotionStore } from '../database';
import { createFaultWorkflow, requestProd } from './faultWorkflow';

/**
 * A backend replica in a process of its own, for tests that kill it: it
 * requests the promotion of `payments` into prod and runs it as far as it
 * gets, on the database and remote it is given. It writes its pid to
 * `pidFile` first, so that whatever kills it (a hook in the remote) kills
 * exactly this process, and prints a line for each step it reached.
 *
 * Run with `node --require sucrase/register promotionProcess.ts '<json>'`.
 */
export interface PromotionProcessInput {
  database: Knex.Config;
  repoUrl: string;
  cacheDir: string;
  instanceId: string;
  /** The workflow's clock, fixed: leases are then a matter of the tests' clocks only. */
  now: string;
  leaseMs: number;
  pidFile: string;
}

async function main(input: PromotionProcessInput) {
  fs.writeFileSync(input.pidFile, String(process.pid));
  const knex = createKnex({ ...input.database, useNullAsDefault: true });
  const store = await KnexPromotionStore.create({
    database: { getClient: async () => knex },
    skipMigrations: true,
  });
  const { workflow, gitops } = createFaultWorkflow({
    store,
    repoUrl: input.repoUrl,
    cacheDir: input.cacheDir,
    instanceId: input.instanceId,
    now: () => new Date(input.now),
    leaseMs: input.leaseMs,
  });
  const promotion = await requestProd(workflow);
  process.stdout.write(`requested ${promotion.id}\n`);
  await workflow.settle();
  process.stdout.write(
    `settled ${(await store.getPromotion(promotion.id))?.status}\n`,
  );
  await gitops.close();
  await knex.destroy();
}

if (require.main === module) {
  main(JSON.parse(process.argv[2])).catch(error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
