/**
 * Concurrent promotions: many promotions of different apps into one GitOps
 * repository at the same moment, from one or more backend replicas sharing
 * one database, and whether every one of them lands exactly once.
 * See README.md for what it measures and how to read it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ACTIVE_PROMOTION_STATUSES,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  builtInGateFactories,
  GateRunner,
} from '../../plugins/promotion-backend/src/gates';
import { GitOpsService } from '../../plugins/promotion-backend/src/gitops';
import { PromotionWorkflow } from '../../plugins/promotion-backend/src/workflow';
import {
  appName,
  generateRepository,
  git,
  overlay,
  overlayPath,
  readRemoteFile,
} from '../promotion-latency/gitopsRepository';
import {
  benchConfig,
  entityOf,
  logger,
  memoryStore,
  warnings,
} from '../promotion-latency/benchPlugin';

function options() {
  const args = process.argv.slice(2);
  const value = (name: string) =>
    args.find(a => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = args.includes('--quick');
  const shm = '/dev/shm';
  return {
    quick,
    promotions: Number(value('promotions') ?? 100),
    replicas: Number(value('replicas') ?? 2),
    apps: Number(value('apps') ?? (quick ? 500 : 2000)),
    history: Number(value('history') ?? (quick ? 1000 : 20000)),
    workdir: value('workdir') ?? (fs.existsSync(shm) ? shm : os.tmpdir()),
    keep: args.includes('--keep'),
  };
}

async function main() {
  const opts = options();
  const dir = fs.mkdtempSync(path.join(opts.workdir, 'concurrent-promotions-'));
  try {
    process.stderr.write(
      `Generating a repository of ${opts.apps} apps with ${opts.history} commits…\n`,
    );
    const repository = generateRepository(dir, {
      apps: opts.apps,
      history: opts.history,
      seed: 7,
    });
    const config = benchConfig(repository.url);
    // One database, as replicas of one Backstage share; each replica its own mirror.
    const { knex, store } = await memoryStore();
    const entities = new Map<string, Entity>();
    const replicas = Array.from({ length: opts.replicas }, (_, i) => {
      const gitops = new GitOpsService({
        config,
        cacheDir: path.join(dir, `replica-${i}`),
        logger,
      });
      const workflow = new PromotionWorkflow({
        config,
        store,
        gitops,
        gates: new GateRunner(builtInGateFactories()),
        logger,
        loadEntity: async ref => entities.get(ref),
        instanceId: `replica-${i}`,
        appBaseUrl: 'http://localhost:3000',
      });
      return { gitops, workflow };
    });
    // Warm each replica's mirror (the first fetch is a clone), as a running backend's is.
    await Promise.all(replicas.map(r => r.gitops.snapshot().tipOf('platform')));

    const apps = Array.from({ length: opts.promotions }, (_, i) => appName(i));
    for (const app of apps)
      entities.set(stringifyEntityRef(entityOf(app)), entityOf(app));
    const commitsBefore = Number(
      git(['rev-list', '--count', 'main'], { gitDir: repository.url }).trim(),
    );

    process.stderr.write(
      `Requesting ${opts.promotions} promotions at once over ${opts.replicas} replica(s)…\n`,
    );
    const started = performance.now();
    const requested = await Promise.all(
      apps.map(async (app, i) => {
        const { workflow } = replicas[i % replicas.length];
        const entity = entityOf(app);
        const resolved = await workflow.resolve(
          entity,
          {
            entityRef: stringifyEntityRef(entity),
            targetEnvironment: 'staging',
          },
          'user',
        );
        return workflow.request(entity, resolved, {
          ref: 'user:default/bench',
          kind: 'user',
        });
      }),
    );
    await Promise.all(replicas.map(r => r.workflow.settle()));
    let final: Promotion[] = [];
    for (;;) {
      final = (await Promise.all(
        requested.map(p => store.getPromotion(p.id)),
      )) as Promotion[];
      if (
        final.every(
          p =>
            !(ACTIVE_PROMOTION_STATUSES as readonly string[]).includes(
              p.status,
            ),
        )
      )
        break;
      if (performance.now() - started > 10 * 60_000)
        throw new Error('promotions still active after 10 minutes');
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;

    // What the remote says: each app's staging overlay is its dev build, and
    // each request's Promotion-Id is on exactly one commit.
    const succeeded = final.filter(p => p.status === 'succeeded');
    const landed = (app: string, i: number) =>
      readRemoteFile(repository, overlayPath(app, 'staging')) ===
      overlay(app, 'staging', repository.devVersion[i]);
    const landedApps = apps.filter(landed);
    const trailers = git(
      [
        'log',
        `-${opts.promotions * 2 + 10}`,
        '--format=%(trailers:key=Promotion-Id,valueonly)',
        'main',
      ],
      { gitDir: repository.url },
    )
      .split('\n')
      .map(line => line.trim())
      .filter(Boolean);
    const counts = new Map<string, number>();
    for (const id of trailers) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicated = [...counts.values()].filter(n => n > 1).length;
    // Lost: the database says succeeded, but the remote lacks its commit or its edit.
    const lost = requested.filter(
      (p, i) =>
        final[i].status === 'succeeded' &&
        (!counts.has(p.id) || !landed(apps[i], i)),
    ).length;
    const commits =
      Number(
        git(['rev-list', '--count', 'main'], { gitDir: repository.url }).trim(),
      ) - commitsBefore;
    const failed = final.filter(p => p.status !== 'succeeded');

    console.log(
      `concurrent-promotions: ${opts.promotions} promotions of different apps, ${opts.replicas} replica(s), ` +
        `${opts.apps} apps, ${opts.history} commits of history`,
    );
    console.log(
      `  succeeded ${succeeded.length}, failed or other ${failed.length}, new commits on main ${commits}`,
    );
    for (const p of failed.slice(0, 5))
      console.log(`    ${p.entityRef}: ${p.status} ${p.error ?? ''}`);
    console.log(
      `  throughput ${((landedApps.length / seconds) * 60).toFixed(
        0,
      )} promotions/min (${(
        (seconds * 1000) /
        Math.max(1, landedApps.length)
      ).toFixed(0)} ms each)`,
    );
    if (warnings.length)
      console.log(`  warnings: ${warnings.length} (first: ${warnings[0]})`);
    console.log(
      `concurrent-promotions n=${opts.promotions} landed=${
        landedApps.length
      } lost=${lost} duplicated=${duplicated} seconds=${seconds.toFixed(1)}`,
    );
    await Promise.all(replicas.map(r => r.gitops.close()));
    await knex.destroy();
  } finally {
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
