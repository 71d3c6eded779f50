import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitBatch } from './GitBatch';
import { parseLine as line } from './GitObjects';
import { GitCommandError, runGit } from './runGit';

jest.setTimeout(30_000);

describe('GitBatch', () => {
  let gitDir: string;
  let blob: string;
  const batches: Array<GitBatch<string>> = [];
  const checker = (maxAgeMs?: number) => {
    const batch = new GitBatch(
      gitDir,
      ['cat-file', '--batch-check'],
      line,
      maxAgeMs,
    );
    batches.push(batch);
    return batch;
  };

  beforeEach(async () => {
    gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-batch-'));
    await runGit(['init', '--bare', '--quiet', gitDir]);
    blob = (
      await runGit(['hash-object', '-w', '--stdin'], {
        gitDir,
        input: 'hello\n',
      })
    ).trim();
  });

  afterEach(() => {
    batches.splice(0).forEach(b => b.close());
    fs.rmSync(gitDir, { recursive: true, force: true });
  });

  it('answers requests in the order they were sent, from one process', async () => {
    const batch = checker();
    const answer = batch.request(`${blob}\n`);
    const first = batch.pid;
    const all = await Promise.all([
      answer,
      batch.request('nope\n'),
      batch.request(`${blob}\n`),
    ]);
    expect(all).toEqual([`${blob} blob 6`, 'nope missing', `${blob} blob 6`]);
    expect(batch.pid).toBe(first);
  });

  it('fails what the process had not answered when it exits, and starts another for the next request', async () => {
    const batch = checker();
    await batch.request(`${blob}\n`);
    const first = batch.pid!;
    // A request git never answers (no line end), then the process dies.
    const pending = batch.request('unfinished');
    process.kill(first, 'SIGKILL');
    await expect(pending).rejects.toBeInstanceOf(GitCommandError);
    await expect(batch.request(`${blob}\n`)).resolves.toBe(`${blob} blob 6`);
    expect(batch.pid).not.toBe(first);
  });

  it('replaces an idle process older than its maximum age, never a busy one', async () => {
    const batch = checker(0);
    await batch.request(`${blob}\n`);
    const first = batch.pid;
    const a = batch.request(`${blob}\n`);
    const second = batch.pid;
    expect(second).not.toBe(first); // the first was idle and old: replaced
    const b = batch.request('nope\n');
    expect(batch.pid).toBe(second); // a busy process is kept, whatever its age
    await expect(Promise.all([a, b])).resolves.toEqual([
      `${blob} blob 6`,
      'nope missing',
    ]);
  });

  it('keeps a process younger than its maximum age', async () => {
    const batch = checker(60_000);
    await batch.request(`${blob}\n`);
    const first = batch.pid;
    await batch.request(`${blob}\n`);
    expect(batch.pid).toBe(first);
  });
});
