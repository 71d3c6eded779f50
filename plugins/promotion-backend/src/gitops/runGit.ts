import { ChildProcess, spawn } from 'node:child_process';

/** A failed git invocation, with what git printed so callers can tell causes apart. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0]} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

export interface RunGitOptions {
  /** The git directory (bare repository) to run in. */
  gitDir?: string;
  cwd?: string;
  input?: string | Buffer;
  env?: Record<string, string>;
}

/**
 * Runs the git CLI and resolves with its stdout.
 *
 * Git's own plumbing is the most faithful way to build commits without a work
 * tree; the environment is pinned so neither the system's nor the user's git
 * config (signing, hooks, url rewrites, proxies, pagers, credential prompts)
 * changes what the backend does.
 */
export function runGit(
  args: string[],
  options: RunGitOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const fullArgs = options.gitDir
      ? [`--git-dir=${options.gitDir}`, ...args]
      : args;
    const child = spawn('git', fullArgs, {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', chunk => stdout.push(chunk));
    child.stderr!.on('data', chunk => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) {
        resolve(Buffer.concat(stdout).toString('utf8'));
      } else {
        reject(
          new GitCommandError(
            args,
            code,
            Buffer.concat(stderr).toString('utf8'),
          ),
        );
      }
    });
    if (child.stdin) {
      // git may exit before reading all input (e.g. on a bad object name);
      // the exit code then tells what happened, not the broken pipe.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}

/**
 * Starts a git process that reads requests from its stdin for as long as it
 * is open (`cat-file --batch`, `mktree --batch`); see GitBatch.
 */
export function spawnGit(args: string[], gitDir: string): ChildProcess {
  return spawn('git', [`--git-dir=${gitDir}`, ...args], {
    env: gitEnvironment(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    // Neither /etc/gitconfig nor ~/.gitconfig (or $XDG_CONFIG_HOME/git/config):
    // their hooks, url rewrites, proxies and credential helpers are the
    // machine's, not this backend's. Credentials come in per command.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    ...extra,
  };
}
