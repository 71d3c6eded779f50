/**
 * Promotions overview: how long the backend takes to answer every annotated
 * entity × environment of a catalog of 2,000 entities, on a GitOps repository
 * of 2,000 apps × 3 environments with active requests in the database.
 * See README.md for what it measures and how to read it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogService,
  CatalogServiceRequestOptions,
} from '@backstage/plugin-catalog-node';
import { QueryEntitiesInitialRequest } from '@backstage/catalog-client';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  OVERVIEW_MAX_LIMIT,
  PromotionOverview,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  PromotionConfig,
  readPromotionConfig,
} from '../../plugins/promotion-backend/src/config';
import { GitOpsService } from '../../plugins/promotion-backend/src/gitops';
import { builtInGateFactories } from '../../plugins/promotion-backend/src/gates';
import { GateRunner } from '../../plugins/promotion-backend/src/gates';
import { PromotionOverviewReader } from '../../plugins/promotion-backend/src/overview';
import { PromotionWorkflow } from '../../plugins/promotion-backend/src/workflow';
import {
  entityOf,
  logger,
  memoryStore,
  warnings,
} from '../promotion-latency/benchPlugin';
import {
  appName,
  generateRepository,
  landCiCommit,
  pinOf,
  seededRandom,
} from '../promotion-latency/gitopsRepository';
import { percentile } from '../promotion-latency/percentile';

interface Options {
  apps: number;
  history: number;
  samples: number;
  active: number;
  keep: boolean;
  workdir: string;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string) =>
    argv.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const number = (name: string, fallback: number) =>
    value(name) === undefined ? fallback : Number(value(name));
  const shm = '/dev/shm';
  let workdir = value('workdir');
  if (!workdir) {
    try {
      fs.accessSync(shm, fs.constants.W_OK);
      workdir = shm;
    } catch {
      workdir = os.tmpdir();
    }
  }
  return {
    apps: number('apps', 2000),
    history: number('history', 1000),
    samples: number('samples', quick ? 10 : 50),
    active: number('active', 200),
    keep: argv.includes('--keep'),
    workdir,
  };
}

const progress = (message: string) => process.stderr.write(`${message}\n`);
const GROUPS = 20;

/** The generated app as the catalog has it: annotated, owned by one of 20 teams. */
function catalogEntity(index: number): Entity {
  const entity = entityOf(appName(index));
  const owner = `group:default/team-${index % GROUPS}`;
  return {
    ...entity,
    spec: { ...entity.spec, owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/**
 * The catalog's side of the read, kept out of the figures: what the
 * catalog backend answers from its own tables (filtered on the annotation
 * and owners, ordered by name, counted), done here from memory.
 */
function memoryCatalog(entities: Entity[]): CatalogService {
  const byName = [...entities].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  return {
    async queryEntities(
      request: QueryEntitiesInitialRequest,
      _options: CatalogServiceRequestOptions,
    ) {
      const owners = request.filter
        ? ((request.filter as Record<string, unknown>)['relations.ownedBy'] as
            | string[]
            | undefined)
        : undefined;
      const term = request.fullTextFilter?.term.toLowerCase();
      const matching = byName.filter(
        e =>
          (!owners || owners.includes(e.spec!.owner as string)) &&
          (!term || e.metadata.name.includes(term)),
      );
      const offset = request.offset ?? 0;
      return {
        items: matching.slice(offset, offset + (request.limit ?? 20)),
        totalItems: matching.length,
        pageInfo: {},
      };
    },
  } as unknown as CatalogService;
}

function overviewConfig(url: string, maxReadAgeMs: number): PromotionConfig {
  const config = readPromotionConfig(
    new ConfigReader({
      promotion: {
        environments: [
          { name: 'dev' },
          {
            name: 'staging',
            gates: [{ type: 'soak', duration: { minutes: 30 } }],
          },
          { name: 'prod', approval: { required: 2 } },
        ],
        gitops: {
          repositories: [{ id: 'platform', url, branch: 'main' }],
        },
      },
    }),
  );
  return { ...config, maxReadAge: { milliseconds: maxReadAgeMs } };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const root = fs.mkdtempSync(
    path.join(options.workdir, 'promotion-overview-'),
  );
  try {
    progress(
      `Generating a repository of ${options.apps} apps × 3 environments with ${options.history} commits of history…`,
    );
    const repository = generateRepository(path.join(root, 'repo'), {
      apps: options.apps,
      history: options.history,
      seed: 13,
    });
    const entities = Array.from({ length: options.apps }, (_, i) =>
      catalogEntity(i),
    );
    const catalog = memoryCatalog(entities);
    const { knex, store } = await memoryStore();

    /** A backend: its own mirror, its own reader, on the shared database. */
    const backend = (name: string, maxReadAgeMs: number) => {
      const config = overviewConfig(repository.url, maxReadAgeMs);
      const gitops = new GitOpsService({
        config,
        cacheDir: path.join(root, `mirrors-${name}`),
        logger,
      });
      const workflow = new PromotionWorkflow({
        config,
        store,
        gitops,
        gates: new GateRunner(builtInGateFactories()),
        logger,
        loadEntity: async () => undefined,
        instanceId: `promotion-overview-bench-${name}`,
        appBaseUrl: 'http://localhost:3000',
      });
      const reader = new PromotionOverviewReader({
        config,
        catalog,
        store,
        gitops,
        requests: workflow,
      });
      return { gitops, reader };
    };

    progress(`Storing ${options.active} active requests…`);
    const random = seededRandom(7);
    const now = new Date().toISOString();
    for (let n = 0; n < options.active; n++) {
      const index = Math.floor(random() * options.apps);
      const app = appName(index);
      const toProd = n % 2 === 1;
      const created = await store.createPromotion(
        {
          entityRef: stringifyEntityRef(entities[index]),
          sourceEnvironment: toProd ? 'staging' : 'dev',
          targetEnvironment: toProd ? 'prod' : 'staging',
          artifact: {
            image:
              entities[index].metadata.annotations![
                'promotion.backstage.io/image'
              ],
            ...pinOf(app, 1),
          },
          requestedBy: 'user:default/requester',
          requesterKind: 'user',
          expiresAt: new Date('2100-01-01T00:00:00Z'),
        },
        { action: 'promotion.requested', actor: 'user:default/requester' },
      );
      await store.recordGateRuns(
        created.id,
        [
          {
            gate: 'soak',
            status: toProd ? 'passed' : 'pending',
            message: toProd ? 'soaked' : 'has soaked 10 of 30 minutes',
            ...(toProd ? {} : { retryAt: '2100-01-01T00:00:00.000Z' }),
            startedAt: now,
            finishedAt: now,
          },
        ],
        { action: 'promotion.gates-evaluated', actor: 'plugin:promotion' },
      );
      if (toProd) {
        await store.transition(
          created.id,
          ['gating'],
          'awaiting-approval',
          { nextEvaluationAt: null },
          { action: 'promotion.gates-evaluated', actor: 'plugin:promotion' },
        );
        await store.recordDecision(
          created.id,
          { approver: 'user:default/approver', decision: 'approve' },
          { required: 2, allowSelfApproval: false },
        );
      }
    }

    const credentials = mockCredentials.user('user:default/reader');
    /** Every page of the overview, one after another, as JSON; its entity and active-request counts. */
    const fullRead = async (reader: PromotionOverviewReader) => {
      let offset = 0;
      let count = 0;
      let active = 0;
      for (;;) {
        const page: PromotionOverview = await reader.read(
          { limit: OVERVIEW_MAX_LIMIT, offset },
          credentials,
        );
        JSON.stringify(page);
        count += page.items.length;
        for (const item of page.items)
          active += item.environments.filter(e => e.activeRequest).length;
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.totalItems)
          return { count, active };
      }
    };
    const timed = async <T>(work: () => Promise<T>) => {
      const start = process.hrtime.bigint();
      const result = await work();
      return {
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        result,
      };
    };
    const check = (result: { count: number; active: number }) => {
      if (result.count !== options.apps)
        throw new Error(`read ${result.count} entities, not ${options.apps}`);
    };

    // Warm: within maxReadAge of the last fetch, as the page is read by many.
    const warm = backend('warm', 3_600_000);
    progress(
      'First read: a new backend clones its mirror and reads every manifest…',
    );
    const first = await timed(() => fullRead(warm.reader));
    check(first.result);
    progress(
      `  ${first.ms.toFixed(0)} ms, ${first.result.count} entities, ${
        first.result.active
      } active requests`,
    );
    const cold = backend('cold', 3_600_000);
    // The second backend's mirror, cloned untimed: what a restart finds.
    await cold.gitops.snapshot().tipOf('platform');
    await cold.gitops.close();
    const restarted = backend('cold', 3_600_000);
    const coldRead = await timed(() => fullRead(restarted.reader));
    check(coldRead.result);
    progress(
      `Cold read (mirror on disk, nothing in memory): ${coldRead.ms.toFixed(
        0,
      )} ms`,
    );

    progress(`Warm reads: ${options.samples}…`);
    const warmMs: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const sample = await timed(() => fullRead(warm.reader));
      check(sample.result);
      warmMs.push(sample.ms);
    }
    const pageMs: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const sample = await timed(async () =>
        JSON.stringify(
          await warm.reader.read(
            { limit: 100, offset: 100 * (i % 20) },
            credentials,
          ),
        ),
      );
      pageMs.push(sample.ms);
    }

    // Moved: another writer's commit landed since the last read, and
    // maxReadAge has passed, so the read's first page fetches and walks the
    // new trees; its other pages follow within maxReadAge, as a person's do.
    const MOVING_MAX_READ_AGE_MS = 500;
    const moving = backend('moving', MOVING_MAX_READ_AGE_MS);
    await fullRead(moving.reader);
    progress(`Reads after the branch moved: ${options.samples}…`);
    const movedMs: number[] = [];
    const scratch = fs.mkdtempSync(path.join(root, 'ci-'));
    for (let i = 0; i < options.samples; i++) {
      landCiCommit(repository, Math.floor(random() * options.apps), scratch);
      await new Promise(resolve =>
        setTimeout(resolve, MOVING_MAX_READ_AGE_MS + 10),
      );
      const sample = await timed(() => fullRead(moving.reader));
      check(sample.result);
      movedMs.push(sample.ms);
    }

    for (const service of [warm, restarted, moving])
      await service.gitops.close();
    await knex.destroy();
    if (warnings.length > 0)
      progress(`Warnings:\n${[...new Set(warnings)].join('\n')}`);

    const f = (n: number) => n.toFixed(1);
    process.stdout.write(
      [
        `full read (${
          options.apps
        } entities in pages of ${OVERVIEW_MAX_LIMIT}): warm p50 ${f(
          percentile(warmMs, 50),
        )} ms, p95 ${f(percentile(warmMs, 95))} ms`,
        `first read (mirror cloned): ${f(
          first.ms,
        )} ms; cold (restart, mirror on disk): ${f(coldRead.ms)} ms`,
        `after the branch moved: p50 ${f(percentile(movedMs, 50))} ms, p95 ${f(
          percentile(movedMs, 95),
        )} ms`,
        `one page of 100: p50 ${f(percentile(pageMs, 50))} ms, p95 ${f(
          percentile(pageMs, 95),
        )} ms`,
        `promotion-overview entities=${options.apps} environments=3 active=${
          first.result.active
        } p50_ms=${f(percentile(warmMs, 50))} p95_ms=${f(
          percentile(warmMs, 95),
        )} first_ms=${f(first.ms)} cold_ms=${f(coldRead.ms)} moved_p50_ms=${f(
          percentile(movedMs, 50),
        )} moved_p95_ms=${f(percentile(movedMs, 95))} page100_p50_ms=${f(
          percentile(pageMs, 50),
        )}`,
        '',
      ].join('\n'),
    );
  } finally {
    if (options.keep) progress(`Kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
