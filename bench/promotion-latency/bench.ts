/**
 * Promotion latency: the plugin's path from request to commit on the remote,
 * against a typical clone-edit-commit-push CI script, on a
 * GitOps repository of 2,000 apps with short and long history.
 * See README.md for what it measures and how to read it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import { ACTIVE_PROMOTION_STATUSES } from '@promotion-for-backstage/plugin-promotion-common';
import { KnexPromotionStore } from '../../plugins/promotion-backend/src/database';
import { GitOpsService } from '../../plugins/promotion-backend/src/gitops';
import { runGit } from '../../plugins/promotion-backend/src/gitops/runGit';
import { baselinePromotion, WarmClone } from './baseline';
import { percentile } from './percentile';
import {
  benchConfig,
  entityOf,
  logger,
  memoryStore,
  warnings,
} from './benchPlugin';
import { createPluginPath, PluginPath } from './pluginPath';
import { Call, instrumentGitMirror, recordCalls } from './gitProfile';
import {
  appName,
  generateRepository,
  git,
  GitOpsRepository,
  landCiCommit,
  overlay,
  overlayPath,
  readRemoteFile,
  seededRandom,
} from './gitopsRepository';

const WHAT_IF = ['commit-graph'];

interface Options {
  quick: boolean;
  apps: number;
  histories: number[];
  samples: number;
  warmups: number;
  baselineSamples: number;
  ciCommits: boolean;
  keep: boolean;
  /** Record which plugin functions make each GitMirror call. */
  callers: boolean;
  workdir: string;
  /** Experiments that change the mirror's git configuration (never the plugin's code), to size a fix. */
  whatIf: string[];
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const arg = argv.find(a => a.startsWith(`--${name}=`));
    return arg?.slice(name.length + 3);
  };
  const number = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new Error(`--${name} takes a whole number, not '${raw}'`);
    return parsed;
  };
  const known = ['--quick', '--keep', '--no-ci-commits', '--callers', '--help'];
  const valued = [
    'apps',
    'histories',
    'samples',
    'warmups',
    'baseline-samples',
    'workdir',
    'what-if',
  ];
  for (const arg of argv) {
    if (
      !known.includes(arg) &&
      !valued.some(name => arg.startsWith(`--${name}=`))
    ) {
      throw new Error(`Unknown argument '${arg}' (see README.md)`);
    }
  }
  if (argv.includes('--help')) {
    console.log(fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8'));
    process.exit(0);
  }
  const options: Options = {
    quick,
    apps: number('apps', 2000),
    histories: (value('histories') ?? '1000,20000').split(',').map(Number),
    samples: number('samples', quick ? 15 : 150),
    warmups: number('warmups', quick ? 2 : 5),
    baselineSamples: number('baseline-samples', quick ? 3 : 20),
    ciCommits: !argv.includes('--no-ci-commits'),
    keep: argv.includes('--keep'),
    callers: argv.includes('--callers'),
    workdir: value('workdir') ?? defaultWorkdir(),
    whatIf: (value('what-if') ?? '').split(',').filter(Boolean),
  };
  for (const experiment of options.whatIf) {
    if (!WHAT_IF.includes(experiment))
      throw new Error(
        `--what-if takes ${WHAT_IF.join(', ')}, not '${experiment}'`,
      );
  }
  return options;
}

/**
 * tmpfs when the machine has one: on the 2-core VMs this runs on, the disk
 * creates small files at about 1 ms each, which would make the baseline's
 * checkout of 10,000 files (not git) dominate what it measures. The plugin's
 * mirror, the remote and the baseline's clones always share one file system.
 */
function defaultWorkdir() {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** The file system type of a folder, from the longest mount point that holds it. */
function fileSystemOf(dir: string) {
  try {
    const mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map(line => line.split(' '))
      .filter(
        fields =>
          fields.length > 2 &&
          (dir === fields[1] || dir.startsWith(fields[1].replace(/\/?$/, '/'))),
      )
      .sort((a, b) => b[1].length - a[1].length);
    return mounts[0]?.[2] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const progress = (message: string) => process.stderr.write(`› ${message}\n`);
const ms = (value: number) => value.toFixed(1);

interface OursSample {
  totalMs: number;
  requestMs: number;
  gitCalls: Call[];
  batchCalls: Call[];
  methodCalls: Call[];
}

interface ConfigurationResult {
  history: number;
  generateMs: number;
  repositorySize: string;
  coldMs: number;
  ours: OursSample[];
  baseline: number[];
  /** The floor: a warm clone kept up to date (fetch, reset, edit, commit, push), beside each of ours. */
  warmClone: number[];
  /** `git --version` from Node just before each measured promotion. */
  floor: number[];
  /** Time the --what-if changes to the mirror took, once, after the cold promotion. */
  whatIfSetupMs?: number;
}

/** The plugin's own path: a workflow on an in-memory store and a GitOps service with a mirror cache. */
class Ours {
  private constructor(
    private readonly knex: Knex,
    readonly store: KnexPromotionStore,
    readonly workflow: PluginPath,
    private readonly repository: GitOpsRepository,
  ) {}

  static async create(repository: GitOpsRepository, cacheDir: string) {
    const { knex, store } = await memoryStore();
    const config = benchConfig(repository.url);
    const gitops = new GitOpsService({ config, cacheDir, logger });
    const workflow = createPluginPath({
      config,
      store,
      gitops,
      logger,
      entities: new Map(),
    });
    return new Ours(knex, store, workflow, repository);
  }

  /** Promotes staging ← dev for one app; times the request until it has succeeded. */
  async promote(index: number): Promise<OursSample> {
    const app = appName(index);
    const entity = entityOf(app);
    const { result, gitCalls, batchCalls, methodCalls } = await recordCalls(
      async () => {
        const start = performance.now();
        const promotion = await this.workflow.requestPromotion(entity);
        const answered = performance.now();
        const final = await this.finished(promotion.id);
        const done = performance.now();
        return {
          promotion: final,
          totalMs: done - start,
          requestMs: answered - start,
        };
      },
    );
    const final = result.promotion;
    if (final?.status !== 'succeeded') {
      throw new Error(
        `Promotion of ${app} ended ${final?.status}: ${
          final?.error ?? warnings.join('; ')
        }`,
      );
    }
    const expected = overlay(app, 'staging', this.repository.devVersion[index]);
    if (
      readRemoteFile(this.repository, overlayPath(app, 'staging')) !== expected
    ) {
      throw new Error(
        `Promotion of ${app} left a staging overlay on the remote that differs from the expected edit`,
      );
    }
    this.repository.stagingVersion[index] = this.repository.devVersion[index];
    // The request's fetch brings the CI commit; the write's fetch (if any) usually finds nothing new.
    let fetches = 0;
    for (const call of gitCalls) {
      if (call.label === 'fetch')
        call.label =
          ++fetches === 1 ? 'fetch (1st of the promotion)' : 'fetch (2nd+)';
    }
    return {
      totalMs: result.totalMs,
      requestMs: result.requestMs,
      gitCalls,
      batchCalls,
      methodCalls,
    };
  }

  /**
   * Waits for the request's background work, then (should any step be left
   * to something other than that work) polls the store until the request is
   * no longer active.
   */
  private async finished(id: string) {
    await this.workflow.settle();
    const deadline = performance.now() + 60_000;
    for (;;) {
      const promotion = await this.store.getPromotion(id);
      if (
        !promotion ||
        !(ACTIVE_PROMOTION_STATUSES as readonly string[]).includes(
          promotion.status,
        )
      )
        return promotion;
      if (performance.now() > deadline)
        throw new Error(
          `Promotion ${id} is still ${promotion.status} after 60 s`,
        );
      await new Promise(resolve => setTimeout(resolve, 1));
    }
  }

  close() {
    return this.knex.destroy();
  }
}

function du(dir: string) {
  let bytes = 0;
  const walk = (p: string) => {
    for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, entry.name);
      if (entry.isDirectory()) walk(full);
      else bytes += fs.statSync(full).size;
    }
  };
  walk(dir);
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One repository (one history length) with the plugin's services on it and the apps left to promote. */
class Configuration {
  readonly result: ConfigurationResult;
  private readonly promoted: number[];
  private readonly bystanders: number[];
  private bystander = 0;
  private readonly scratch: string;

  private constructor(
    private readonly options: Options,
    private readonly dir: string,
    private readonly repository: GitOpsRepository,
    private readonly ours: Ours,
    private readonly warmClone: WarmClone,
    result: Omit<ConfigurationResult, 'coldMs'>,
  ) {
    this.result = { ...result, coldMs: NaN };
    // Every promotion takes a different app; CI commits move apps the promotions never touch.
    const random = seededRandom(result.history);
    const order = Array.from({ length: options.apps }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    // Each measured sample promotes two apps: one of ours and one of the warm clone.
    const needed =
      1 + options.warmups + 2 * options.samples + options.baselineSamples;
    if (needed * 2 > options.apps)
      throw new Error(
        `--apps=${options.apps} is too few for ${needed} promotions`,
      );
    this.promoted = order.slice(0, needed);
    this.bystanders = order.slice(needed);
    this.scratch = path.join(dir, 'baseline');
    fs.mkdirSync(this.scratch);
  }

  static async create(options: Options, root: string, history: number) {
    const dir = path.join(root, `history-${history}`);
    fs.mkdirSync(dir, { recursive: true });
    progress(
      `history=${history}: generating ${options.apps} apps × 3 environments with ${history} commits`,
    );
    const generateStart = performance.now();
    const repository = generateRepository(dir, {
      apps: options.apps,
      history,
      seed: 20261122,
    });
    const generateMs = performance.now() - generateStart;
    const commits = git(['rev-list', '--count', 'refs/heads/main'], {
      gitDir: repository.url,
    }).trim();
    const repositorySize = `${commits} commits, ${du(repository.url)} packed`;
    progress(
      `history=${history}: ${repositorySize}, generated in ${ms(
        generateMs / 1000,
      )} s`,
    );
    const ours = await Ours.create(repository, path.join(dir, 'mirrors'));
    const warmClone = await WarmClone.create(
      repository,
      path.join(dir, 'warm-clone'),
    );
    return new Configuration(options, dir, repository, ours, warmClone, {
      history,
      generateMs,
      repositorySize,
      ours: [],
      baseline: [],
      warmClone: [],
      floor: [],
    });
  }

  get label() {
    return `history=${this.result.history}`;
  }

  private nextApp() {
    const index = this.promoted.shift();
    if (index === undefined) throw new Error('No apps left to promote');
    return index;
  }

  /** Another writer's commit lands on the branch (untimed), so every fetch has something new. */
  private ciCommit() {
    if (!this.options.ciCommits) return;
    landCiCommit(
      this.repository,
      this.bystanders[this.bystander++ % this.bystanders.length],
      this.dir,
    );
  }

  /** The first promotion: it creates the mirror with a full fetch. */
  async cold() {
    this.result.coldMs = (await this.ours.promote(this.nextApp())).totalMs;
    if (this.options.whatIf.includes('commit-graph')) {
      // What the plugin could do once after its first fetch: a commit-graph with
      // changed-path Bloom filters, kept current by every later fetch.
      const start = performance.now();
      const cacheDir = path.join(this.dir, 'mirrors');
      for (const mirror of fs
        .readdirSync(cacheDir)
        .filter(name => name.endsWith('.git'))) {
        const gitDir = path.join(cacheDir, mirror);
        git(['commit-graph', 'write', '--reachable', '--changed-paths'], {
          gitDir,
        });
        git(['config', 'fetch.writeCommitGraph', 'true'], { gitDir });
      }
      this.result.whatIfSetupMs = performance.now() - start;
    }
  }

  async warmUp() {
    this.ciCommit();
    await this.ours.promote(this.nextApp());
  }

  async sampleOurs() {
    this.ciCommit();
    this.result.floor.push(await spawnFloor());
    this.result.ours.push(await this.ours.promote(this.nextApp()));
    this.ciCommit();
    const index = this.nextApp();
    const app = appName(index);
    this.result.warmClone.push((await this.warmClone.promote(app)).ms);
    this.assertPromoted(app, index, 'warm clone');
  }

  private assertPromoted(app: string, index: number, who: string) {
    const expected = overlay(app, 'staging', this.repository.devVersion[index]);
    if (
      readRemoteFile(this.repository, overlayPath(app, 'staging')) !== expected
    ) {
      throw new Error(
        `The ${who} promotion of ${app} did not make the same change as the plugin`,
      );
    }
  }

  async sampleBaseline() {
    this.ciCommit();
    const index = this.nextApp();
    const app = appName(index);
    const { ms: elapsed } = await baselinePromotion(
      this.repository,
      app,
      this.scratch,
    );
    this.assertPromoted(app, index, 'baseline');
    this.result.baseline.push(elapsed);
  }

  close() {
    return this.ours.close();
  }
}

/** Which plugin code was measured: the commit, and whether the plugins had uncommitted changes. */
function describeCheckout() {
  const repoRoot = path.resolve(__dirname, '../..');
  try {
    const head = git(['-C', repoRoot, 'log', '-1', '--format=%h %s']).trim();
    const dirty = git([
      '-C',
      repoRoot,
      'status',
      '--porcelain',
      '--',
      'plugins/promotion-backend',
      'plugins/promotion-common',
    ])
      .split('\n')
      .filter(Boolean).length;
    return `${head.length > 72 ? `${head.slice(0, 71)}…` : head}${
      dirty ? ` + ${dirty} uncommitted file(s) in the promotion plugins` : ''
    }`;
  } catch {
    return 'not a git checkout';
  }
}

/** How long starting a git process takes right now: the floor under every git call, and a load gauge. */
async function spawnFloor() {
  const start = performance.now();
  await runGit(['--version']);
  return performance.now() - start;
}

/**
 * Runs `step` for every configuration, round after round, alternating which
 * goes first: load from other processes on the machine then falls on all
 * configurations alike instead of skewing their ratio.
 */
async function interleave(
  configurations: Configuration[],
  rounds: number,
  step: (c: Configuration) => Promise<void>,
) {
  for (let round = 0; round < rounds; round++) {
    const order =
      round % 2 === 0 ? configurations : [...configurations].reverse();
    for (const configuration of order) await step(configuration);
  }
}

function printProfile(result: ConfigurationResult) {
  const n = result.ours.length;
  const table = (calls: Call[], title: string) => {
    const byLabel = new Map<string, number[]>();
    for (const call of calls)
      byLabel.set(call.label, [...(byLabel.get(call.label) ?? []), call.ms]);
    const rows = [...byLabel.entries()]
      .map(([label, times]) => ({
        label,
        times,
        sum: times.reduce((a, b) => a + b, 0),
      }))
      .sort((a, b) => b.sum - a.sum);
    console.log(
      `    ${title.padEnd(44)} calls/promo  ms/promo  ms/call p50  ms/call max`,
    );
    for (const row of rows) {
      console.log(
        `    ${row.label.padEnd(44)} ${(row.times.length / n)
          .toFixed(1)
          .padStart(11)}  ${ms(row.sum / n).padStart(8)}  ${ms(
          percentile(row.times, 50),
        ).padStart(11)}  ${ms(Math.max(...row.times)).padStart(11)}`,
      );
    }
    return rows.reduce((a, r) => a + r.sum, 0) / n;
  };
  console.log(
    `  profile of ours, history=${result.history} (means over ${n} promotions):`,
  );
  const gitSum = table(
    result.ours.flatMap(s => s.gitCalls),
    'git subprocess',
  );
  console.log(
    `    total git subprocess time ${ms(gitSum)} ms/promotion, ${(
      result.ours.reduce((a, s) => a + s.gitCalls.length, 0) / n
    ).toFixed(1)} subprocesses` +
      ` (source and target reads run concurrently, so this can exceed wall time)`,
  );
  table(
    result.ours.flatMap(s => s.batchCalls),
    'request to a long-lived git process',
  );
  table(
    result.ours.flatMap(s => s.methodCalls),
    'GitMirror method (wall time incl. waits)',
  );
  const withCallers = result.ours
    .flatMap(s => s.methodCalls)
    .filter(c => c.caller);
  if (withCallers.length > 0) {
    const counts = new Map<string, number>();
    for (const call of withCallers) {
      const key = `${call.label.replace('GitMirror.', '')} ← ${call.caller}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    console.log(`    who calls GitMirror (calls per promotion)`);
    for (const [key, count] of [...counts.entries()].sort(
      (x, y) => y[1] - x[1] || x[0].localeCompare(y[0]),
    )) {
      console.log(`    ${(count / n).toFixed(1).padStart(5)}  ${key}`);
    }
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const root = fs.mkdtempSync(
    path.join(path.resolve(options.workdir), 'promotion-latency-'),
  );
  const notInstrumented = instrumentGitMirror({ callers: options.callers });
  const started = performance.now();
  try {
    const configurations: Configuration[] = [];
    for (const history of options.histories)
      configurations.push(await Configuration.create(options, root, history));
    for (const configuration of configurations) {
      progress(
        `${configuration.label}: ours, cold (creates the mirror with a full fetch)`,
      );
      await configuration.cold();
    }
    progress(
      `ours: ${options.warmups} warm-up and ${options.samples} measured promotions per history, interleaved`,
    );
    await interleave(configurations, options.warmups, c => c.warmUp());
    await interleave(configurations, options.samples, c => c.sampleOurs());
    for (const configuration of configurations) await configuration.close();
    progress(
      `baseline: ${options.baselineSamples} clone-edit-commit-push promotions per history, interleaved`,
    );
    await interleave(configurations, options.baselineSamples, c =>
      c.sampleBaseline(),
    );
    const results = configurations.map(c => c.result);

    console.log(
      `promotion-latency (${options.quick ? 'quick' : 'full'} mode): ${
        options.apps
      } apps × 3 environments, ` +
        `${options.samples} promotions of ours and ${options.baselineSamples} of the baseline per history, ` +
        `${
          options.ciCommits
            ? 'one CI commit lands on the remote before each promotion'
            : 'no CI commits between promotions'
        }`,
    );
    if (options.whatIf.length > 0) {
      console.log(
        `WHAT-IF RUN (${options.whatIf.join(
          ', ',
        )}): the mirror's git setup was changed as README.md describes; these are not the plugin's figures as it is`,
      );
    }
    if (notInstrumented.length > 0)
      console.log(
        `not in this checkout, so not profiled: ${notInstrumented.join(', ')}`,
      );
    console.log(
      `work folder ${root} (${fileSystemOf(
        root,
      )}): remote, mirror and baseline clones`,
    );
    console.log(`plugin source: ${describeCheckout()}`);
    console.log(
      `git ${git(['--version'])
        .trim()
        .replace(/^git version /, '')}, node ${process.version}, ${
        os.cpus().length
      } CPUs`,
    );
    for (const result of results) {
      const total = result.ours.map(s => s.totalMs);
      const request = result.ours.map(s => s.requestMs);
      const execute = result.ours.map(s => s.totalMs - s.requestMs);
      console.log(
        `history=${result.history} (${result.repositorySize}, generated in ${ms(
          result.generateMs / 1000,
        )} s)`,
      );
      console.log(
        `  ours      n=${String(total.length).padStart(3)}  p50=${ms(
          percentile(total, 50),
        ).padStart(8)} ms  p95=${ms(percentile(total, 95)).padStart(
          8,
        )} ms  (request answered p50=${ms(
          percentile(request, 50),
        )} ms, git write after it p50=${ms(
          percentile(execute, 50),
        )} ms; cold first promotion with full fetch ${ms(result.coldMs)} ms${
          result.whatIfSetupMs === undefined
            ? ''
            : `, then ${ms(result.whatIfSetupMs)} ms to write the commit-graph`
        })`,
      );
      console.log(
        `            git spawn floor (git --version) beside these promotions p50=${ms(
          percentile(result.floor, 50),
        )} ms p95=${ms(
          percentile(result.floor, 95),
        )} ms: a high or uneven floor means other load on the machine`,
      );
      console.log(
        `  floor     n=${String(result.warmClone.length).padStart(3)}  p50=${ms(
          percentile(result.warmClone, 50),
        ).padStart(8)} ms  p95=${ms(percentile(result.warmClone, 95)).padStart(
          8,
        )} ms  (a warm clone kept up to date: fetch, reset to the tip, edit, commit, push)`,
      );
      console.log(
        `  baseline  n=${String(result.baseline.length).padStart(3)}  p50=${ms(
          percentile(result.baseline, 50),
        ).padStart(8)} ms  p95=${ms(percentile(result.baseline, 95)).padStart(
          8,
        )} ms  (git clone --no-local, edit, commit, push)`,
      );
    }
    for (const result of results) printProfile(result);
    if (warnings.length > 0)
      console.log(`plugin warnings:\n  ${warnings.join('\n  ')}`);

    const shortest = results.reduce((a, b) => (b.history < a.history ? b : a));
    const longest = results.reduce((a, b) => (b.history > a.history ? b : a));
    const p50 = percentile(
      longest.ours.map(s => s.totalMs),
      50,
    );
    const baselineP50 = percentile(longest.baseline, 50);
    const ratio = baselineP50 / p50;
    const floorP50 = percentile(longest.warmClone, 50);
    const floorRatio = p50 / floorP50;
    const growth =
      p50 /
      percentile(
        shortest.ours.map(s => s.totalMs),
        50,
      );
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `${
        options.whatIf.length > 0
          ? `WHAT-IF (${options.whatIf.join(', ')}) `
          : ''
      }targets (history=${longest.history}): p50 ≤ 250 ms ${verdict(
        p50 <= 250,
      )}, ratio ≥ 10 ${verdict(ratio >= 10)}, floor_ratio ≤ 1.3 ${verdict(
        floorRatio <= 1.3,
      )}, ` +
        `history_growth (${longest.history} vs ${
          shortest.history
        }) ≤ 1.2 ${verdict(growth <= 1.2)}; ` +
        `whole run ${ms((performance.now() - started) / 1000)} s`,
    );
    console.log(
      `promotion-latency p50_ms=${ms(p50)} baseline_p50_ms=${ms(
        baselineP50,
      )} ratio=${ratio.toFixed(1)} history_growth=${growth.toFixed(
        2,
      )} floor_p50_ms=${ms(floorP50)} floor_ratio=${floorRatio.toFixed(2)}`,
    );
  } finally {
    if (options.keep) progress(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
