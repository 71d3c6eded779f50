import { GitMirror } from '../../plugins/promotion-backend/src/gitops';
import { GitObjects } from '../../plugins/promotion-backend/src/gitops/GitObjects';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runGitModule: Record<
  string,
  unknown
> = require('../../plugins/promotion-backend/src/gitops/runGit');

/**
 * Times every git subprocess the plugin starts (by wrapping the exports of
 * its runGit module, which GitMirror calls through), every request to the
 * long-lived `cat-file`/`mktree` processes (GitObjects) and every GitMirror
 * method (by wrapping the prototypes): the plugin's code is not changed, and
 * the wrappers cost a clock read per call.
 */

export interface Call {
  label: string;
  ms: number;
  /** For GitMirror methods with `callers` on: the plugin functions that called it. */
  caller?: string;
}

let current: Call[] | undefined;

/** Records the calls made while `fn` runs. */
export async function recordCalls<T>(fn: () => Promise<T>): Promise<{
  result: T;
  gitCalls: Call[];
  batchCalls: Call[];
  methodCalls: Call[];
}> {
  const calls: Call[] = [];
  current = calls;
  try {
    const result = await fn();
    return {
      result,
      gitCalls: calls.filter(c => !/^(GitMirror\.|batch )/.test(c.label)),
      batchCalls: calls.filter(c => c.label.startsWith('batch ')),
      methodCalls: calls.filter(c => c.label.startsWith('GitMirror.')),
    };
  } finally {
    current = undefined;
  }
}

function environmentOf(args: string[]) {
  const file = args.find(a => a.includes('/overlays/'));
  const match = file && /\/overlays\/([^/]+)\//.exec(file);
  return match ? match[1] : '?';
}

/** A name for a git invocation that says which GitMirror step made it. */
export function labelOf(args: string[]): string {
  const [command] = args;
  switch (command) {
    case 'log':
      if (args.some(a => a.startsWith('-S')))
        return `log -1 -S<pin> -- ${environmentOf(args)} overlay`;
      if (args.includes('--'))
        return `log ${args[1]} -- ${environmentOf(
          args,
        )} overlay (file history)`;
      if (args.some(a => a.includes('trailers:key=Promotion-Id')))
        return `log ${args[1]} (Promotion-Id trailer scan)`;
      return `log ${args[1]}`;
    default:
      return command;
  }
}

type Wrappable = Record<string, unknown>;

/** The GitMirror methods timed as a whole (those this checkout has). */
const METHODS = [
  'fetch',
  'readFile',
  'assertNoSymlinks',
  'lastCommitChanging',
  'fileLog',
  'fileVersions',
  'findCommitWithTrailer',
  'commit',
  'push',
];

/** The two innermost plugin functions on the stack outside GitMirror: who asked for this call. */
function callerOf(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack
    .split('\n')
    .slice(1)
    .filter(
      line => line.includes('/plugins/') && !line.includes('/GitMirror.ts'),
    )
    .map(line => {
      const match = /at (?:async )?(\S+) \(/.exec(line);
      return match ? match[1] : line.replace(/^.*\/([^/]+:\d+):\d+\)?$/, '$1');
    });
  return frames.slice(0, 2).join(' ← ') || '?';
}

/**
 * Installs the wrappers; returns the names it expected and did not find.
 * With `callers`, each GitMirror call also records who made it (a stack
 * capture, some tens of microseconds per call).
 */
export function instrumentGitMirror(
  options: { callers?: boolean } = {},
): string[] {
  const missing: string[] = [];
  const wrap = (
    target: Wrappable,
    name: string,
    label: (args: any[]) => string,
  ) => {
    const original = target[name];
    if (typeof original !== 'function') {
      missing.push(name);
      return;
    }
    target[name] = function wrapped(this: unknown, ...args: any[]) {
      const calls = current;
      const start = performance.now();
      const promise = (original as (...a: any[]) => Promise<unknown>).apply(
        this,
        args,
      );
      if (calls) {
        const caller =
          options.callers && target !== runGitModule ? callerOf() : undefined;
        const done = () =>
          calls.push({
            label: label(args),
            ms: performance.now() - start,
            caller,
          });
        promise.then(done, done);
      }
      return promise;
    };
  };
  for (const name of Object.keys(runGitModule).filter(key =>
    /^runGit/.test(key),
  )) {
    wrap(runGitModule, name, args => labelOf(args[0]));
  }
  if (!Object.keys(runGitModule).some(key => /^runGit/.test(key)))
    missing.push('runGit');
  const objects = GitObjects.prototype as unknown as Wrappable;
  wrap(objects, 'read', ([name]: string[]) => {
    if (name.includes(':'))
      return `batch cat-file: file (${environmentOf([name])} overlay)`;
    if (name.endsWith('^{tree}')) return 'batch cat-file: root tree';
    if (name.startsWith('refs/')) return 'batch cat-file: tracking ref';
    return 'batch cat-file: tree';
  });
  wrap(objects, 'writeTree', () => 'batch mktree: tree');
  const proto = GitMirror.prototype as unknown as Wrappable;
  for (const method of METHODS)
    wrap(proto, method, () => `GitMirror.${method}`);
  return missing;
}
