import { ChildProcess } from 'node:child_process';
import { GitCommandError, spawnGit } from './runGit';

/**
 * Reads one answer from the front of a batch process's output: the value and
 * the number of bytes it took, or undefined while the answer is incomplete.
 */
export type BatchAnswerParser<T> = (
  output: Buffer,
) => { value: T; length: number } | undefined;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/** One git process of a batch and the answers it owes. */
class BatchProcess<T> {
  alive = true;
  readonly startedAt = Date.now();
  private output = Buffer.alloc(0);
  private stderr = '';
  private readonly waiting: Array<Waiter<T>> = [];

  constructor(
    private readonly child: ChildProcess,
    args: string[],
    private readonly parse: BatchAnswerParser<T>,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    // A write after git exited fails with EPIPE; the exit tells why.
    child.stdin!.on('error', () => {});
    child.on('error', error => this.end(error));
    child.on('close', code =>
      this.end(new GitCommandError(args, code, this.stderr)),
    );
    this.setReferenced(false);
  }

  request(input: string | Buffer): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.waiting.length === 1) this.setReferenced(true);
      this.child.stdin!.write(input);
    });
  }

  get idle() {
    return this.waiting.length === 0;
  }

  get pid() {
    return this.child.pid;
  }

  close() {
    this.alive = false;
    this.child.stdin!.end();
  }

  private receive(chunk: Buffer) {
    this.output =
      this.output.length === 0 ? chunk : Buffer.concat([this.output, chunk]);
    while (this.waiting.length > 0) {
      const answer = this.parse(this.output);
      if (!answer) return;
      this.output = this.output.subarray(answer.length);
      this.waiting.shift()!.resolve(answer.value);
      if (this.waiting.length === 0) this.setReferenced(false);
    }
  }

  /** The process is gone: what it had not answered fails. */
  private end(error: Error) {
    this.alive = false;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  /** Idle, the process must not keep Node running; awaited, it must. */
  private setReferenced(referenced: boolean) {
    const { child } = this;
    const handles = [child, child.stdin, child.stdout, child.stderr] as Array<{
      ref?(): void;
      unref?(): void;
    } | null>;
    for (const handle of handles) {
      if (referenced) handle?.ref?.();
      else handle?.unref?.();
    }
  }
}

/**
 * One long-lived git process that answers requests in order over its stdin
 * and stdout (`cat-file --batch`, `mktree --batch`).
 *
 * Starting git costs 5–15 ms, more than the work a promotion asks of it per
 * object; a promotion reads and writes a dozen objects, so a mirror keeps one
 * process per kind of request instead of starting one per object. The
 * process starts on the first request and is started again after it exits
 * (git ends a batch on input it refuses, e.g. a tree naming a missing
 * object). It does not keep Node running while idle: its pipes are only
 * referenced while an answer is awaited, and it ends when its stdin closes.
 *
 * An idle process older than `maxAgeMs` is replaced: git keeps the pack
 * files it opened, also after a repack (`gc --auto` after a fetch) deleted
 * them, so a process that lived for days would hold their disk space.
 */
export class GitBatch<T> {
  private current: BatchProcess<T> | undefined;

  constructor(
    private readonly gitDir: string,
    private readonly args: string[],
    private readonly parse: BatchAnswerParser<T>,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** Sends one request and resolves with its answer. */
  request(input: string | Buffer): Promise<T> {
    const current = this.current;
    if (
      current?.alive &&
      current.idle &&
      Date.now() - current.startedAt >= this.maxAgeMs
    ) {
      current.close();
    }
    if (!this.current?.alive) {
      this.current = new BatchProcess(
        spawnGit(this.args, this.gitDir),
        this.args,
        this.parse,
      );
    }
    return this.current.request(input);
  }

  /** The running process's id, if one runs. */
  get pid(): number | undefined {
    return this.current?.alive ? this.current.pid : undefined;
  }

  /** Ends the process once it has answered what it was sent. */
  close() {
    this.current?.close();
    this.current = undefined;
  }
}
