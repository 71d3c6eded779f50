import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotAllowedError } from '@backstage/errors';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { GitMirror } from './GitMirror';

jest.setTimeout(60_000);

const FILE = 'apps/payments/staging/kustomization.yaml';

function writeHook(file: string, script: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
}

describe('GitMirror', () => {
  let repo: TestRepository;
  let cache: string;

  beforeEach(() => {
    repo = createTestRepository({
      [FILE]: kustomization('ghcr.io/acme/payments', '1.0.0', digestOf('a')),
    });
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-mirror-'));
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(cache, { recursive: true, force: true });
  });

  const open = (url = repo.url) =>
    GitMirror.open({
      gitDir: path.join(cache, 'mirror.git'),
      url,
      branch: 'main',
    });

  async function commitOnTip(mirror: GitMirror) {
    const tip = await mirror.fetch();
    const before = await mirror.readFile(tip, FILE);
    return mirror.commit({
      parent: tip,
      changes: [
        { path: FILE, content: before!.replace(digestOf('a'), digestOf('b')) },
      ],
      message: 'Promote\n',
      author: { name: 'Bot', email: 'bot@example.com' },
    });
  }

  describe('push', () => {
    it('reports a push that lost the race as rejected, to be retried on the new tip', async () => {
      const mirror = await open();
      const ours = await commitOnTip(mirror);
      const theirs = repo.commitFiles({ 'README.md': 'theirs\n' }, 'Theirs');
      await expect(mirror.push(ours)).resolves.toEqual({
        ok: false,
        rejected: true,
        message: expect.stringContaining('[rejected]'),
      });
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(theirs);
    });

    it('fails at once with the reason when a hook of the remote refuses the push', async () => {
      // As a protected branch or a policy hook of the git host refuses it.
      writeHook(
        path.join(repo.url, 'hooks', 'pre-receive'),
        'echo "GH006: Protected branch update failed for refs/heads/main." >&2\nexit 1',
      );
      const tip = repo.git(['rev-parse', 'main']).trim();
      const mirror = await open();
      const ours = await commitOnTip(mirror);

      const error = await mirror.push(ours).catch(e => e);

      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toBe(
        'The remote refused the push to branch main (pre-receive hook declined): ' +
          'GH006: Protected branch update failed for refs/heads/main.',
      );
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(tip);
    });
  });

  describe("the user's git config", () => {
    const home = () => path.join(cache, 'home');
    let savedEnv: NodeJS.ProcessEnv;

    beforeEach(() => {
      savedEnv = { ...process.env };
      // A developer's or a container image's ~/.gitconfig: a hook that fails
      // every push and a rewrite that sends the remote elsewhere.
      writeHook(
        path.join(home(), 'hooks', 'pre-push'),
        'echo "global pre-push hook ran" >&2\nexit 1',
      );
      fs.writeFileSync(
        path.join(home(), '.gitconfig'),
        [
          '[core]',
          `\thooksPath = ${path.join(home(), 'hooks')}`,
          `[url "${path.join(cache, 'nowhere.git')}"]`,
          `\tinsteadOf = ${repo.url}`,
          '[promotion]',
          '\tmarker = from-the-global-config',
          '',
        ].join('\n'),
      );
      process.env.HOME = home();
      process.env.XDG_CONFIG_HOME = path.join(home(), '.config');
    });

    afterEach(() => {
      process.env = savedEnv;
    });

    it('is ignored: fetch and push reach the configured remote, and no global hook runs', async () => {
      const mirror = await open();
      const ours = await commitOnTip(mirror);
      await expect(mirror.push(ours)).resolves.toEqual({ ok: true });
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(ours);
    });
  });
});
