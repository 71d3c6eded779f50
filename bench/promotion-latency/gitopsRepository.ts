import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Generates and mutates the GitOps repository the benchmark promotes in: a
 * real bare repository with `apps/app-NNNN/{base,overlays/{dev,staging,prod}}`
 * and a history in which every commit moves one app's dev pin, as CI does.
 */

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Git's environment for everything the benchmark runs itself (never the user's system config). */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  GIT_AUTHOR_NAME: 'CI Bot',
  GIT_AUTHOR_EMAIL: 'ci@example.com',
  GIT_COMMITTER_NAME: 'CI Bot',
  GIT_COMMITTER_EMAIL: 'ci@example.com',
};

export function git(
  args: string[],
  options: {
    gitDir?: string;
    input?: string | Buffer;
    env?: Record<string, string>;
  } = {},
) {
  const fullArgs = options.gitDir
    ? [`--git-dir=${options.gitDir}`, ...args]
    : args;
  const result = spawnSync('git', fullArgs, {
    input: options.input,
    env: { ...process.env, ...GIT_ENV, ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `git ${args.join(' ')} failed (${
        result.status
      }): ${result.stderr?.toString()}`,
    );
  }
  return result.stdout.toString();
}

export const appName = (index: number) =>
  `app-${String(index).padStart(4, '0')}`;
export const imageOf = (app: string) => `registry.example.com/shop/${app}`;
export const overlayPath = (app: string, env: Environment) =>
  `apps/${app}/overlays/${env}/kustomization.yaml`;

/** The pin of build number `version` of an app: a tag and a digest that is unique to it. */
export function pinOf(app: string, version: number) {
  const digest = `sha256:${crypto
    .createHash('sha256')
    .update(`${app}@${version}`)
    .digest('hex')}`;
  return { tag: `1.${version}.0`, digest };
}

/** An overlay as teams write them: a comment, the base, and one kustomize images[] entry. */
export function overlay(app: string, env: Environment, version: number) {
  const { tag, digest } = pinOf(app, version);
  return [
    `# ${app} — ${env} overlay`,
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - ../../base',
    `namePrefix: ${env}-`,
    'images:',
    `  - name: ${imageOf(app)}`,
    `    newTag: "${tag}" # build`,
    `    digest: ${digest}`,
    '',
  ].join('\n');
}

function baseFiles(app: string): Record<string, string> {
  return {
    [`apps/${app}/base/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - deployment.yaml',
      '',
    ].join('\n'),
    [`apps/${app}/base/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${app}`,
      'spec:',
      '  replicas: 2',
      '  selector:',
      `    matchLabels: { app: ${app} }`,
      '  template:',
      '    metadata:',
      `      labels: { app: ${app} }`,
      '    spec:',
      '      containers:',
      `        - name: ${app}`,
      `          image: ${imageOf(app)}`,
      '          ports: [{ containerPort: 8080 }]',
      '',
    ].join('\n'),
  };
}

/** A deterministic PRNG (mulberry32), so every run builds the same repository. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GitOpsRepository {
  /** The bare repository: the "remote" both the plugin and the baseline push to. */
  url: string;
  apps: number;
  /** Each app's build number in dev, kept current as CI commits land. */
  devVersion: number[];
  /** Each app's build number in staging, kept current as promotions land. */
  stagingVersion: number[];
}

/**
 * Builds the repository with `git fast-import`: one commit with every app
 * (dev on build 1, staging and prod on build 0), then `history` commits that
 * each move one random app's dev pin to its next build.
 */
export function generateRepository(
  dir: string,
  options: { apps: number; history: number; seed: number },
): GitOpsRepository {
  const url = path.join(dir, 'remote.git');
  fs.mkdirSync(url, { recursive: true });
  git(['init', '--bare', '--quiet', '--initial-branch=main', url]);

  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let time = 1_700_000_000;
  const header = (message: string) => {
    time += 60;
    return `commit refs/heads/main\nauthor CI Bot <ci@example.com> ${time} +0000\ncommitter CI Bot <ci@example.com> ${time} +0000\n${data(
      message,
    )}`;
  };
  const devVersion = new Array<number>(options.apps).fill(1);
  const stagingVersion = new Array<number>(options.apps).fill(0);

  chunks.push(header(`Initial manifests for ${options.apps} apps`));
  for (let i = 0; i < options.apps; i++) {
    const app = appName(i);
    for (const [file, content] of Object.entries(baseFiles(app))) {
      chunks.push(`M 100644 inline ${file}\n${data(content)}`);
    }
    chunks.push(
      `M 100644 inline ${overlayPath(app, 'dev')}\n${data(
        overlay(app, 'dev', 1),
      )}`,
    );
    chunks.push(
      `M 100644 inline ${overlayPath(app, 'staging')}\n${data(
        overlay(app, 'staging', 0),
      )}`,
    );
    chunks.push(
      `M 100644 inline ${overlayPath(app, 'prod')}\n${data(
        overlay(app, 'prod', 0),
      )}`,
    );
  }
  const random = seededRandom(options.seed);
  for (let n = 0; n < options.history; n++) {
    const index = Math.floor(random() * options.apps);
    const app = appName(index);
    const version = ++devVersion[index];
    chunks.push(header(`Deploy ${app} ${pinOf(app, version).tag} to dev`));
    chunks.push(
      `M 100644 inline ${overlayPath(app, 'dev')}\n${data(
        overlay(app, 'dev', version),
      )}`,
    );
  }
  chunks.push('done\n');
  git(['fast-import', '--quiet', '--done'], {
    gitDir: url,
    input: Buffer.from(chunks.join('')),
  });
  // fast-import stores each new version as a delta on the previous one, so the
  // tip's trees end 50-deep delta chains, the reverse of what git's own packing
  // (newest objects whole, older ones deltas) leaves on a hosted remote; every
  // walk of the tip tree (the connectivity checks of fetch and push) would then
  // pay for the history. Recompute the deltas as a server's repack does, then
  // let gc add the commit-graph a hosted remote has.
  git(['repack', '-a', '-d', '-f', '--quiet'], { gitDir: url });
  git(['gc', '--quiet'], { gitDir: url });
  return { url, apps: options.apps, devVersion, stagingVersion };
}

/**
 * Lands a CI commit on the remote that moves one app's dev pin, the way
 * other writers keep the branch moving between promotions. Loose objects via a
 * temporary index, so the remote does not collect a pack per commit.
 */
export function landCiCommit(
  repository: GitOpsRepository,
  index: number,
  scratchDir: string,
) {
  const app = appName(index);
  const version = ++repository.devVersion[index];
  const env = { GIT_INDEX_FILE: path.join(scratchDir, 'ci.index') };
  const gitDir = repository.url;
  const parent = git(['rev-parse', 'refs/heads/main'], { gitDir }).trim();
  git(['read-tree', parent], { gitDir, env });
  const blob = git(['hash-object', '-w', '--stdin'], {
    gitDir,
    input: overlay(app, 'dev', version),
  }).trim();
  git(
    [
      'update-index',
      '--cacheinfo',
      `100644,${blob},${overlayPath(app, 'dev')}`,
    ],
    { gitDir, env },
  );
  const tree = git(['write-tree'], { gitDir, env }).trim();
  const commit = git(
    [
      'commit-tree',
      tree,
      '-p',
      parent,
      '-m',
      `Deploy ${app} ${pinOf(app, version).tag} to dev`,
    ],
    {
      gitDir,
    },
  ).trim();
  git(['update-ref', 'refs/heads/main', commit, parent], { gitDir });
}

/** The file on the remote's main branch. */
export function readRemoteFile(repository: GitOpsRepository, file: string) {
  return git(['cat-file', 'blob', `refs/heads/main:${file}`], {
    gitDir: repository.url,
  });
}
