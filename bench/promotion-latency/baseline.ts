import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { GIT_ENV, GitOpsRepository, overlayPath } from './gitopsRepository';

const execFileAsync = promisify(execFile);

function run(args: string[], cwd?: string) {
  return execFileAsync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Clones the remote's main branch through the pack protocol, as from a server (see below). */
function cloneMain(repository: GitOpsRepository, work: string) {
  return run([
    'clone',
    '--quiet',
    '--no-local',
    '--branch',
    'main',
    repository.url,
    work,
  ]);
}

/** Copies the dev overlay's pin into the staging overlay of a checkout, as a promotion script does. */
function copyDevPinToStaging(work: string, app: string) {
  const source = fs.readFileSync(
    path.join(work, overlayPath(app, 'dev')),
    'utf8',
  );
  const targetFile = path.join(work, overlayPath(app, 'staging'));
  const target = fs.readFileSync(targetFile, 'utf8');
  const tag = /newTag: "([^"]*)"/.exec(source)![1];
  const digest = /digest: (\S+)/.exec(source)![1];
  fs.writeFileSync(
    targetFile,
    target
      .replace(/newTag: "[^"]*"/, `newTag: "${tag}"`)
      .replace(/digest: \S+/, `digest: ${digest}`),
  );
  return { tag, digest };
}

async function commitAndPush(
  work: string,
  app: string,
  pin: { tag: string; digest: string },
) {
  await run(
    [
      'commit',
      '--quiet',
      '-a',
      '-m',
      `Promote ${app} to staging: ${pin.tag}@${pin.digest}`,
    ],
    work,
  );
  await run(['push', '--quiet', 'origin', 'HEAD:main'], work);
}

/**
 * What a typical CI promotion script does: clone the GitOps
 * repository, copy the source environment's pin into the target's overlay,
 * commit and push. `--no-local` makes the clone go through the pack protocol
 * as a clone from a server does, instead of hard-linking a local path's objects.
 */
export async function baselinePromotion(
  repository: GitOpsRepository,
  app: string,
  workRoot: string,
) {
  const work = fs.mkdtempSync(path.join(workRoot, 'clone-'));
  try {
    const start = performance.now();
    await cloneMain(repository, work);
    const pin = copyDevPinToStaging(work, app);
    await commitAndPush(work, app, pin);
    return { ms: performance.now() - start, ...pin };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The floor: the least any promotion into this repository can cost, a clone
 * kept warm and up to date by whoever promotes. Each promotion fetches,
 * moves the checkout to the new tip, edits, commits and pushes; the clone is
 * made once, untimed.
 */
export class WarmClone {
  private constructor(private readonly work: string) {}

  static async create(repository: GitOpsRepository, work: string) {
    await cloneMain(repository, work);
    return new WarmClone(work);
  }

  async promote(app: string) {
    const start = performance.now();
    await run(['fetch', '--quiet', 'origin', 'main'], this.work);
    await run(['reset', '--quiet', '--hard', 'FETCH_HEAD'], this.work);
    const pin = copyDevPinToStaging(this.work, app);
    await commitAndPush(this.work, app, pin);
    return { ms: performance.now() - start, ...pin };
  }
}
