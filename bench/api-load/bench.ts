/**
 * The entity tab's pipeline read under load: the example backend, started as
 * `yarn start` starts it but on PostgreSQL, read by 50 and 200 concurrent
 * clients, with every git process the backend starts counted.
 * See README.md for what it measures and how to read it.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { percentile } from '../promotion-latency/percentile';

const REPO_ROOT = path.resolve(__dirname, '../..');
/** The example backend's databases for this run: `<prefix><plugin id>`. */
const DATABASE_PREFIX = 'promotion_api_load_';
/** The annotated components of examples/entities.yaml. */
const ENTITIES = ['payments-api', 'checkout-web', 'inventory-service'];
const TARGET_P95_MS = 30;
const STARTUP_TIMEOUT_MS = 420_000;

interface Options {
  clients: number[];
  seconds: number;
  thinkMs: number;
  port: number;
  keep: boolean;
}

function options(): Options {
  const args = process.argv.slice(2);
  const value = (name: string) =>
    args.find(a => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = args.includes('--quick');
  return {
    clients: (value('clients') ?? '50,200').split(',').map(Number),
    seconds: Number(value('seconds') ?? (quick ? 10 : 30)),
    thinkMs: Number(value('think-ms') ?? 1000),
    port: Number(value('port') ?? 7207),
    keep: args.includes('--keep'),
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * A `git` first on the backend's PATH that notes each invocation and runs the
 * real one: every git process the backend starts, the plugin's and the demo
 * Argo CD's, lands in the log.
 */
function gitRecorder(workDir: string) {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], {
    encoding: 'utf8',
  }).trim();
  const bin = path.join(workDir, 'bin');
  const logFile = path.join(workDir, 'git-invocations.log');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(logFile, '');
  fs.writeFileSync(
    path.join(bin, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logFile}'\nexec '${realGit}' "$@"\n`,
    { mode: 0o755 },
  );
  const lines = () =>
    fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  return {
    bin,
    mark: () => lines().length,
    since: (mark: number) => lines().slice(mark),
  };
}

/**
 * Sorts git invocations into the plugin's (on its mirrors under the working
 * directory) by subcommand, and the rest (the demo Argo CD reading the
 * repository as a real Argo CD would, elsewhere).
 */
function classify(lines: string[], mirrorsDir: string) {
  const plugin = new Map<string, number>();
  let other = 0;
  for (const line of lines) {
    const words = line.split(' ');
    if (!words.some(w => w.startsWith(`--git-dir=${mirrorsDir}`))) {
      other++;
      continue;
    }
    const subcommand = words.find(w => !w.startsWith('-')) ?? '?';
    plugin.set(subcommand, (plugin.get(subcommand) ?? 0) + 1);
  }
  return { plugin, other };
}

function benchConfig(workDir: string, port: number, connection: string) {
  return `# Written by bench/api-load for one run; merged over app-config.yaml.
backend:
  baseUrl: http://localhost:${port}
  listen:
    port: ${port}
  workingDirectory: ${workDir}/working
  database:
    client: pg
    connection: ${connection}
    prefix: ${DATABASE_PREFIX}
promotion:
  argocd:
    - id: demo
      url: http://localhost:${port}/api/demo-argocd
      token: demo
  gitops:
    repositories:
      - id: demo
        url: ${workDir}/gitops-demo.git
        branch: main
`;
}

async function dropDatabases(connection: string) {
  const admin = knexFactory({
    client: 'pg',
    connection: `${connection}/postgres`,
  });
  try {
    const { rows } = await admin.raw(
      'SELECT datname FROM pg_database WHERE datname LIKE ?',
      [`${DATABASE_PREFIX}%`],
    );
    for (const { datname } of rows as Array<{ datname: string }>) {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
  } finally {
    await admin.destroy();
  }
}

function startBackend(
  workDir: string,
  configFile: string,
  gitBin: string,
): ChildProcess {
  const out = fs.openSync(path.join(workDir, 'backend.log'), 'w');
  // Its own process group, so that stopping it stops yarn, the CLI and the backend.
  return spawn(
    'yarn',
    [
      'workspace',
      'backend',
      'start',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        PATH: `${gitBin}:${process.env.PATH}`,
        NODE_ENV: 'development',
      },
    },
  );
}

async function stopBackend(backend: ChildProcess) {
  if (backend.exitCode !== null || !backend.pid) return;
  const exited = new Promise(resolve => backend.once('exit', resolve));
  process.kill(-backend.pid, 'SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    sleep(15_000).then(() => false),
  ]);
  if (!stopped) process.kill(-backend.pid, 'SIGKILL');
}

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function get(agent: http.Agent, url: string, token?: string): Promise<Answer> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      {
        agent,
        headers: {
          'x-requested-with': 'XMLHttpRequest',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

/** Asks until the answer is a 200, or gives up after the start-up timeout. */
async function waitFor(
  agent: http.Agent,
  url: string,
  what: string,
  token?: string,
  backend?: ChildProcess,
) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (backend && backend.exitCode !== null)
      throw new Error(
        `The backend exited (${backend.exitCode}) before ${what}`,
      );
    const answer = await get(agent, url, token).catch(() => undefined);
    if (answer?.status === 200) return answer;
    if (Date.now() > deadline)
      throw new Error(
        `Gave up waiting for ${what}: ${answer?.status} ${answer?.body.slice(
          0,
          200,
        )}`,
      );
    await sleep(1000);
  }
}

const pipelineUrl = (base: string, name: string) =>
  `${base}/api/promotion/entities/component/default/${name}/pipeline`;

/** A pipeline answer as the tab needs it: every environment of the entity, each with its pin. */
function isPipeline(body: string) {
  try {
    const pipeline = JSON.parse(body);
    return (
      pipeline.environments?.length === 3 &&
      pipeline.environments.every((e: any) => 'artifact' in e)
    );
  } catch {
    return false;
  }
}

interface Phase {
  clients: number;
  thinkMs: number;
  requests: number;
  errors: number;
  reqPerS: number;
  p50: number;
  p95: number;
  p99: number;
  gitLines: string[];
}

/**
 * `clients` readers for `seconds`: each reads one entity's pipeline, waits
 * `thinkMs` (a person's tab, which the frontend reads again every few seconds
 * at most), and reads the next. With `thinkMs` 0 they read back to back:
 * that finds the backend's capacity, and its latency is queueing.
 */
async function runPhase(
  base: string,
  token: string,
  clients: number,
  seconds: number,
  thinkMs: number,
  git: ReturnType<typeof gitRecorder>,
): Promise<Phase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  const mark = git.mark();
  const started = Date.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      // Spread the first reads over one think time, as tabs opened at different moments are.
      await sleep(Math.random() * thinkMs);
      for (let i = client; Date.now() < end; i++) {
        try {
          const answer = await get(
            agent,
            pipelineUrl(base, ENTITIES[i % ENTITIES.length]),
            token,
          );
          if (answer.status === 200 && isPipeline(answer.body))
            latencies.push(answer.ms);
          else errors++;
        } catch {
          errors++;
        }
        if (thinkMs > 0) await sleep(thinkMs);
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  return {
    clients,
    thinkMs,
    requests: latencies.length + errors,
    errors,
    reqPerS: (latencies.length + errors) / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    gitLines: git.since(mark),
  };
}

function report(phase: Phase, mirrorsDir: string) {
  const { plugin, other } = classify(phase.gitLines, mirrorsDir);
  const pluginGit =
    [...plugin.entries()].map(([k, v]) => `${k}:${v}`).join(',') || 'none';
  const nonFetch = [...plugin.entries()]
    .filter(([k]) => k !== 'fetch')
    .reduce((n, [, v]) => n + v, 0);
  const line =
    `clients=${phase.clients} think_ms=${phase.thinkMs} requests=${phase.requests} errors=${phase.errors} ` +
    `req_per_s=${phase.reqPerS.toFixed(0)} p50_ms=${phase.p50.toFixed(
      2,
    )} p95_ms=${phase.p95.toFixed(2)} ` +
    `p99_ms=${phase.p99.toFixed(
      2,
    )} plugin_git=${pluginGit} plugin_git_besides_fetch=${nonFetch} demo_argocd_git=${other}`;
  process.stdout.write(`${line}\n`);
  return { nonFetch, fetches: plugin.get('fetch') ?? 0 };
}

async function main() {
  const opts = options();
  const connection =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres:promotion-test@localhost:5432';
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-load-'));
  const mirrorsDir = path.join(
    workDir,
    'working',
    'backstage-promotion',
    'mirrors',
  );
  const base = `http://localhost:${opts.port}`;
  const probe = new http.Agent({ keepAlive: true });
  if (
    await get(probe, `${base}/.backstage/health/v1/liveness`).catch(
      () => undefined,
    )
  ) {
    throw new Error(
      `Something answers on :${opts.port} already; pass --port=N`,
    );
  }

  const git = gitRecorder(workDir);
  const configFile = path.join(workDir, 'app-config.api-load.yaml');
  fs.writeFileSync(configFile, benchConfig(workDir, opts.port, connection));
  await dropDatabases(connection);
  log(
    `Starting the example backend on :${opts.port} with PostgreSQL (log: ${workDir}/backend.log)`,
  );
  const backend = startBackend(workDir, configFile, git.bin);
  try {
    await waitFor(
      probe,
      `${base}/.backstage/health/v1/readiness`,
      'the backend to be ready',
      undefined,
      backend,
    );
    const signIn = await waitFor(
      probe,
      `${base}/api/auth/guest/refresh`,
      'guest sign-in',
      undefined,
      backend,
    );
    const token: string = JSON.parse(signIn.body).backstageIdentity.token;
    for (const name of ENTITIES) {
      await waitFor(
        probe,
        pipelineUrl(base, name),
        `the catalog to hold ${name}`,
        token,
        backend,
      );
    }
    log('Warming up (10 s of back-to-back reads by 20 clients)');
    await runPhase(base, token, 20, 10, 0, git);

    const results: Array<Phase & { nonFetch: number }> = [];
    for (const clients of opts.clients) {
      log(
        `${clients} clients for ${opts.seconds} s, ${opts.thinkMs} ms between a client's reads`,
      );
      const phase = await runPhase(
        base,
        token,
        clients,
        opts.seconds,
        opts.thinkMs,
        git,
      );
      results.push({ ...phase, ...report(phase, mirrorsDir) });
    }
    log(
      `Capacity: ${Math.min(
        ...opts.clients,
      )} clients reading back to back for ${opts.seconds} s`,
    );
    const capacity = await runPhase(
      base,
      token,
      Math.min(...opts.clients),
      opts.seconds,
      0,
      git,
    );
    report(capacity, mirrorsDir);

    const last = results[results.length - 1];
    const met =
      last.p95 <= TARGET_P95_MS && last.errors === 0 && last.nonFetch === 0;
    process.stdout.write(
      `api-load clients=${last.clients} p50_ms=${last.p50.toFixed(
        2,
      )} p95_ms=${last.p95.toFixed(2)} ` +
        `p99_ms=${last.p99.toFixed(2)} req_per_s=${last.reqPerS.toFixed(
          0,
        )} capacity_req_per_s=${capacity.reqPerS.toFixed(0)} ` +
        `plugin_git_besides_fetch=${
          last.nonFetch
        } target_p95_ms=${TARGET_P95_MS} met=${met ? 'yes' : 'no'}\n`,
    );
  } finally {
    probe.destroy();
    await stopBackend(backend);
    if (!opts.keep) {
      await dropDatabases(connection).catch(error =>
        log(`Could not drop the databases: ${error}`),
      );
      fs.rmSync(workDir, { recursive: true, force: true });
    } else {
      log(`Kept ${workDir} and the ${DATABASE_PREFIX}* databases`);
    }
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
