import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { GitMirror } from './GitMirror';

jest.setTimeout(60_000);

const AUTH = `Basic ${Buffer.from('x-access-token:secret').toString('base64')}`;

describe('GitMirror over smart HTTP', () => {
  let repo: TestRepository;
  let cache: string;
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;

  beforeEach(async () => {
    repo = createTestRepository({
      'apps/payments/staging/kustomization.yaml': kustomization(
        'ghcr.io/acme/payments',
        '1.0.0',
        digestOf('a'),
      ),
    });
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-http-cache-'));
    server = await startGitHttpServer({
      projectRoot: path.dirname(repo.url),
      authorization: AUTH,
    });
  });

  afterEach(async () => {
    await server.close();
    repo.cleanup();
    fs.rmSync(cache, { recursive: true, force: true });
  });

  const open = (authorization?: () => Promise<string | undefined>) =>
    GitMirror.open({
      gitDir: path.join(cache, 'mirror.git'),
      url: `${server.baseUrl}/${path.basename(repo.url)}`,
      branch: 'main',
      authorization,
    });

  it('fetches, commits and pushes with the integration credentials, incrementally', async () => {
    const mirror = await open(async () => AUTH);
    const tip = await mirror.fetch();
    expect(tip).toBe(repo.git(['rev-parse', 'main']).trim());
    const file = 'apps/payments/staging/kustomization.yaml';
    const before = await mirror.readFile(tip, file);
    const commit = await mirror.commit({
      parent: tip,
      changes: [
        { path: file, content: before!.replace(digestOf('a'), digestOf('b')) },
      ],
      message: 'Promote\n\nPromotion-Id: p-http\n',
      author: { name: 'Bot', email: 'bot@example.com' },
    });
    await expect(mirror.push(commit)).resolves.toEqual({ ok: true });
    expect(repo.git(['rev-parse', 'main']).trim()).toBe(commit);
    expect(repo.readFile(file)).toContain(digestOf('b'));

    // Another writer moves the branch; the next fetch brings only what is new.
    const other = repo.commitFiles({ 'README.md': 'hello\n' }, 'Docs');
    const fetchesBefore = server.requests.filter(r =>
      r.url.includes('git-upload-pack'),
    ).length;
    await expect(mirror.fetch()).resolves.toBe(other);
    expect(
      server.requests.filter(r => r.url.includes('git-upload-pack')).length,
    ).toBeGreaterThan(fetchesBefore);
    expect(server.requests.every(r => r.authorization === AUTH)).toBe(true);
  });

  it('reports a push that lost the race as rejected, without changing the remote', async () => {
    const mirror = await open(async () => AUTH);
    const tip = await mirror.fetch();
    const theirs = repo.commitFiles({ 'README.md': 'theirs\n' }, 'Theirs');
    const ours = await mirror.commit({
      parent: tip,
      changes: [
        {
          path: 'apps/payments/staging/kustomization.yaml',
          content: 'images: []\n',
        },
      ],
      message: 'Ours\n',
      author: { name: 'Bot', email: 'bot@example.com' },
    });
    await expect(mirror.push(ours)).resolves.toEqual(
      expect.objectContaining({ ok: false, rejected: true }),
    );
    expect(repo.git(['rev-parse', 'main']).trim()).toBe(theirs);
  });

  it('fails clearly without credentials', async () => {
    const mirror = await open();
    await expect(mirror.fetch()).rejects.toThrow(/git fetch failed/);
  });
});
