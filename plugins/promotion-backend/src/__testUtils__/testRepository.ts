import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

/** A real bare git repository in a temp folder, with a work clone to make commits "from elsewhere". */
export interface TestRepository {
  /** The bare repository, usable as a remote URL. */
  url: string;
  /** Runs git in the bare repository and returns stdout. */
  git(args: string[]): string;
  /** Commits files on main as another writer would (through a clone and a push). */
  commitFiles(
    files: Record<string, string>,
    message: string,
    env?: Record<string, string>,
  ): string;
  /**
   * Commits each content of `file` in turn on main, one commit apiece, in one
   * `git fast-import` (hundreds of commits in well under a second); returns
   * their shas, oldest first.
   */
  commitSeries(
    file: string,
    contents: string[],
    message: (index: number) => string,
  ): string[];
  /** Commits a symbolic link on main as another writer would. */
  commitSymlink(link: string, target: string): string;
  /** The content of a file on main. */
  readFile(file: string): string;
  cleanup(): void;
}

export function createTestRepository(
  files: Record<string, string>,
): TestRepository {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-test-repo-'));
  const url = path.join(root, 'remote.git');
  const work = path.join(root, 'work');
  const run = (cwd: string, args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd,
      env: { ...process.env, ...GIT_ENV, ...env },
      stdio: 'pipe',
    }).toString();
  const write = (entries: Record<string, string>) => {
    for (const [file, content] of Object.entries(entries)) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.writeFileSync(path.join(work, file), content);
    }
  };

  fs.mkdirSync(work);
  run(work, ['init', '--quiet', '--initial-branch=main']);
  write(files);
  run(work, ['add', '-A']);
  run(work, ['commit', '--quiet', '-m', 'Initial manifests']);
  run(root, ['clone', '--quiet', '--bare', work, url]);
  run(work, ['remote', 'add', 'origin', url]);

  return {
    url,
    git: args => run(url, args),
    commitFiles(entries, message, env = {}) {
      run(work, ['pull', '--quiet', '--rebase', 'origin', 'main']);
      write(entries);
      run(work, ['add', '-A']);
      run(work, ['commit', '--quiet', '-m', message], env);
      run(work, ['push', '--quiet', 'origin', 'HEAD:main']);
      return run(work, ['rev-parse', 'HEAD']).trim();
    },
    commitSeries(file, contents, message) {
      const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}`;
      const start = Math.floor(Date.now() / 1000) - contents.length;
      const stream = contents
        .map((content, i) => {
          const who = `Test Author <author@example.com> ${start + i} +0000`;
          // Every line ends in a line break; a blank line would end the commit.
          return [
            'commit refs/heads/main\n',
            `mark :${i + 1}\n`,
            `author ${who}\n`,
            `committer ${who}\n`,
            data(message(i)),
            i === 0 ? `from ${run(url, ['rev-parse', 'main']).trim()}\n` : '',
            `M 100644 inline ${file}\n`,
            data(content),
          ].join('');
        })
        .join('');
      const marks = path.join(root, 'marks');
      execFileSync(
        'git',
        ['fast-import', '--quiet', `--export-marks=${marks}`],
        {
          cwd: url,
          input: stream,
          env: { ...process.env, ...GIT_ENV },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      const shas = new Map(
        fs
          .readFileSync(marks, 'utf8')
          .trim()
          .split('\n')
          .map(line => line.split(' ') as [string, string]),
      );
      return contents.map((_, i) => shas.get(`:${i + 1}`)!);
    },
    commitSymlink(link, target) {
      run(work, ['pull', '--quiet', '--rebase', 'origin', 'main']);
      fs.symlinkSync(target, path.join(work, link));
      run(work, ['add', '-A']);
      run(work, ['commit', '--quiet', '-m', `Link ${link}`]);
      run(work, ['push', '--quiet', 'origin', 'HEAD:main']);
      return run(work, ['rev-parse', 'HEAD']).trim();
    },
    readFile: file => run(url, ['show', `main:${file}`]),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** A kustomize overlay that pins one image by tag and digest. */
export function kustomization(image: string, tag: string, digest: string) {
  return [
    '# overlay',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - ../../base',
    'images:',
    `  - name: ${image}`,
    `    newTag: "${tag}" # version`,
    `    digest: ${digest}`,
    '',
  ].join('\n');
}

export const digestOf = (char: string) => `sha256:${char.repeat(64)}`;
