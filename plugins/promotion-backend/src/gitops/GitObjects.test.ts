import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitObjects, parseCatFileAnswer } from './GitObjects';
import { runGit } from './runGit';
import { promisify } from 'node:util';

jest.setTimeout(30_000);

describe('GitObjects', () => {
  let gitDir: string;
  let objects: GitObjects;
  const author = {
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  const git = (args: string[], input?: string) =>
    runGit(args, { gitDir, input, env: author }).then(out => out.trim());

  /** A commit whose tree has a file, a symlink, a subtree and a name that is not UTF-8. */
  async function commitFixture() {
    const file = await git(['hash-object', '-w', '--stdin'], 'hello\n');
    const link = await git(['hash-object', '-w', '--stdin'], 'hello.txt');
    const subtree = await git(['mktree'], `100755 blob ${file}\trun.sh\n`);
    // Written with a raw byte 0xe9 in the name (latin-1 'é'), as old repositories have.
    const latin1Name = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "caf\xe9"
    const root = (
      await runGit(['mktree', '-z'], {
        gitDir,
        input: Buffer.concat([
          Buffer.from(
            `100644 blob ${file}\thello.txt\x00120000 blob ${link}\tlink\x00040000 tree ${subtree}\tbin\x00100644 blob ${file}\t`,
          ),
          latin1Name,
          Buffer.from('\0'),
        ]),
      })
    ).trim();
    const commit = await git(['commit-tree', root, '-m', 'fixture']);
    return { file, link, subtree, root, commit };
  }

  beforeEach(async () => {
    gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-objects-'));
    await runGit(['init', '--bare', '--quiet', gitDir]);
    objects = new GitObjects(gitDir);
  });

  afterEach(() => {
    objects.close();
    fs.rmSync(gitDir, { recursive: true, force: true });
  });

  it('reads objects by sha, by <commit>:<path> and by <commit>^{tree}', async () => {
    const { file, root, commit } = await commitFixture();
    await expect(objects.read(`${commit}:hello.txt`)).resolves.toEqual({
      sha: file,
      type: 'blob',
      content: Buffer.from('hello\n'),
    });
    await expect(objects.read(`${commit}^{tree}`)).resolves.toMatchObject({
      sha: root,
      type: 'tree',
    });
    await expect(objects.read(file)).resolves.toMatchObject({ type: 'blob' });
  });

  it('answers undefined for names that name nothing, and goes on answering', async () => {
    const { commit } = await commitFixture();
    await expect(
      objects.read(`${commit}:missing.txt`),
    ).resolves.toBeUndefined();
    await expect(objects.read('0'.repeat(40))).resolves.toBeUndefined();
    await expect(objects.read(`${commit}:hello.txt`)).resolves.toMatchObject({
      type: 'blob',
    });
  });

  it('refuses a name with a line break instead of sending two requests', async () => {
    await expect(objects.read('HEAD\nHEAD')).rejects.toThrow(
      'Cannot look up a git object',
    );
  });

  it('answers concurrent requests each with its own object', async () => {
    const contents = Array.from(
      { length: 50 },
      (_, i) => `file ${i}\n${'x'.repeat(i * 500)}\n`,
    );
    const shas = await Promise.all(
      contents.map(c => git(['hash-object', '-w', '--stdin'], c)),
    );
    const read = await Promise.all(shas.map(sha => objects.read(sha)));
    expect(read.map(o => o?.content.toString('utf8'))).toEqual(contents);
  });

  it('sees objects and refs written after its process started', async () => {
    const first = await commitFixture();
    await expect(objects.read(first.commit)).resolves.toBeDefined();
    await git(['update-ref', 'refs/promotion/main', first.commit]);
    await expect(objects.read('refs/promotion/main')).resolves.toMatchObject({
      sha: first.commit,
    });

    const later = await git(['hash-object', '-w', '--stdin'], 'later\n');
    const next = await git([
      'commit-tree',
      first.root,
      '-p',
      first.commit,
      '-m',
      'next',
    ]);
    await git(['update-ref', 'refs/promotion/main', next]);
    await expect(objects.read(later)).resolves.toMatchObject({ type: 'blob' });
    await expect(objects.read('refs/promotion/main')).resolves.toMatchObject({
      sha: next,
    });
  });

  it('reads tree entries with their modes and types', async () => {
    const { file, link, subtree, root } = await commitFixture();
    const entries = await objects.readTree(root);
    expect(
      entries.map(({ mode, type, sha, name }) => ({ mode, type, sha, name })),
    ).toEqual(
      expect.arrayContaining([
        { mode: '100644', type: 'blob', sha: file, name: 'hello.txt' },
        { mode: '120000', type: 'blob', sha: link, name: 'link' },
        { mode: '40000', type: 'tree', sha: subtree, name: 'bin' },
      ]),
    );
    expect(entries).toHaveLength(4);
    await expect(objects.readTree(file)).rejects.toThrow('is not a tree');
  });

  it('writes back an unchanged tree as the same object, names in any encoding included', async () => {
    const { root } = await commitFixture();
    const entries = await objects.readTree(root);
    await expect(objects.writeTree([...entries].reverse())).resolves.toBe(root);
  });

  it('writes a changed tree as git would', async () => {
    const { root } = await commitFixture();
    const changed = await git(['hash-object', '-w', '--stdin'], 'changed\n');
    const entries = (await objects.readTree(root)).map(e =>
      e.name === 'hello.txt' ? { ...e, sha: changed } : e,
    );
    const written = await objects.writeTree(entries);
    expect(await git(['ls-tree', written, 'hello.txt'])).toBe(
      `100644 blob ${changed}\thello.txt`,
    );
    expect(await git(['fsck', '--strict', '--no-dangling'])).toBe('');
  });

  it('fails a tree that git refuses, and writes the next one', async () => {
    const { root } = await commitFixture();
    const entries = await objects.readTree(root);
    // A blob entry with a directory's mode: mktree ends its batch on it.
    const broken = entries.map(e =>
      e.name === 'hello.txt' ? { ...e, mode: '40000' } : e,
    );
    await expect(objects.writeTree(broken)).rejects.toThrow(
      /doesn't match mode type/,
    );
    await expect(objects.writeTree(entries)).resolves.toBe(root);
  });

  it('reads and writes with objects that a fetch brought in a new pack after its processes started', async () => {
    const { root } = await commitFixture();
    const entries = await objects.readTree(root); // both processes run from here on
    await objects.writeTree(entries);
    const source = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-objects-source-'),
    );
    try {
      await runGit(['init', '--quiet', source]);
      fs.writeFileSync(path.join(source, 'new.txt'), 'arrived in a pack\n');
      await runGit(['add', 'new.txt'], { cwd: source });
      await runGit(['commit', '--quiet', '-m', 'new'], {
        cwd: source,
        env: author,
      });
      // unpackLimit=1 keeps the fetched objects in a pack instead of loose files.
      await git([
        '-c',
        'fetch.unpackLimit=1',
        'fetch',
        '--quiet',
        source,
        'HEAD:refs/heads/new',
      ]);
      expect(
        fs
          .readdirSync(path.join(gitDir, 'objects', 'pack'))
          .filter(f => f.endsWith('.pack')),
      ).toHaveLength(1);

      const arrived = await objects.read('refs/heads/new:new.txt');
      expect(arrived?.content.toString('utf8')).toBe('arrived in a pack\n');
      const withNew = await objects.writeTree([
        ...entries,
        {
          ...entries.find(e => e.name === 'hello.txt')!,
          sha: arrived!.sha,
          name: 'new.txt',
          nameBytes: Buffer.from('new.txt'),
        },
      ]);
      expect(await git(['ls-tree', withNew, 'new.txt'])).toBe(
        `100644 blob ${arrived!.sha}\tnew.txt`,
      );
    } finally {
      fs.rmSync(source, { recursive: true, force: true });
    }
  });

  it('keeps Node running while an answer is awaited, and not once it is idle', async () => {
    const { commit } = await commitFixture();
    // A process that reads one object and never closes: it must print the
    // answer, then exit by itself (execFile kills it after the timeout).
    const script = `
      const { GitObjects } = require(${JSON.stringify(
        path.join(__dirname, 'GitObjects.ts'),
      )});
      new GitObjects(${JSON.stringify(
        gitDir,
      )}).read('${commit}').then(o => console.log(o.type));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--require', require.resolve('sucrase/register'), '-e', script],
      { timeout: 20_000 },
    );
    expect(stdout.trim()).toBe('commit');
  });

  it('starts again after close', async () => {
    const { commit } = await commitFixture();
    objects.close();
    await expect(objects.read(commit)).resolves.toMatchObject({
      type: 'commit',
    });
  });
});

describe('parseCatFileAnswer', () => {
  const answer = Buffer.from(
    `${'a'.repeat(40)} blob 5\nhello\n${'b'.repeat(40)}:x missing\n`,
  );

  it('waits for the rest of an answer that came in pieces', () => {
    for (let cut = 0; cut < 54; cut++) {
      expect(parseCatFileAnswer(answer.subarray(0, cut))).toBeUndefined();
    }
    expect(parseCatFileAnswer(answer)).toEqual({
      value: {
        sha: 'a'.repeat(40),
        type: 'blob',
        content: Buffer.from('hello'),
      },
      length: 54,
    });
  });

  it('reads a missing object as no object, taking only its line', () => {
    expect(parseCatFileAnswer(answer.subarray(54))).toEqual({
      value: undefined,
      length: 51,
    });
  });
});
