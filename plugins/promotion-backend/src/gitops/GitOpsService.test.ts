import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { PromotionConfig } from '../config';
import { promotionConfigSchema } from '../config/schema';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { GitMirror } from './GitMirror';
import { GitOpsService } from './GitOpsService';
import { PullRequestProviderFactory } from './providers';

const IMAGE = 'ghcr.io/acme/payments';

function entity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'promotion.backstage.io/image': IMAGE },
    },
    spec: {},
  };
}

function config(
  url: string,
  environments: unknown[] = [{ name: 'dev' }, { name: 'staging' }],
): PromotionConfig {
  return promotionConfigSchema.parse({
    environments,
    gitops: {
      repositories: [{ id: 'platform', url, branch: 'main' }],
      defaults: {
        path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
        format: 'kustomize',
      },
      author: { name: 'Promotion Bot', email: 'bot@example.com' },
    },
  });
}

// Real repositories and git processes: slower than pure unit tests on two cores.
jest.setTimeout(120_000);

describe('GitOpsService', () => {
  let repo: TestRepository;
  let cacheRoot: string;
  const services: GitOpsService[] = [];

  const newService = (url = repo.url) => {
    const service = new GitOpsService({
      config: config(url),
      cacheDir: fs.mkdtempSync(path.join(cacheRoot, 'replica-')),
      logger: mockServices.logger.mock(),
    });
    services.push(service);
    return service;
  };
  const env = (service: GitOpsService, name: string) =>
    service.targets
      .environmentsFor(entity('payments'))
      .find(e => e.name === name)!;

  beforeEach(() => {
    cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-cache-'));
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    repo.cleanup();
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  });

  it('reads the pin and the commit that set it, not a later commit that touched the file', async () => {
    const pinning = repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.2.0',
          digestOf('c'),
        ),
      },
      'Build 1.2.0\n\nPromoted-By: user:default/alice\n',
    );
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': `# a comment-only change\n${kustomization(
          IMAGE,
          '1.2.0',
          digestOf('c'),
        )}`,
      },
      'Reword a comment',
    );
    const service = newService();
    const pin = await service.readEnvironment(
      entity('payments'),
      env(service, 'dev'),
    );
    expect(pin.artifact).toEqual({
      image: IMAGE,
      tag: '1.2.0',
      digest: digestOf('c'),
    });
    expect(pin.commit).toEqual(
      expect.objectContaining({ sha: pinning, author: 'user:default/alice' }),
    );
  });

  it('falls back to the commit author when there is no Promoted-By trailer', async () => {
    const service = newService();
    const pin = await service.readEnvironment(
      entity('payments'),
      env(service, 'staging'),
    );
    expect(pin.commit?.author).toBe('Test Author');
  });

  it('commits only the pinned values, with trailers and the configured author', async () => {
    const service = newService();
    const before = repo.readFile('apps/payments/staging/kustomization.yaml');
    const change = await service.applyPromotion({
      entity: entity('payments'),
      environment: env(service, 'staging'),
      pin: { tag: '1.1.0', digest: digestOf('b') },
      promotionId: 'p-1',
      requestedAt: new Date(),
      promotedBy: 'user:default/alice',
      subject: 'payments',
    });
    expect(change.alreadyApplied).toBe(false);
    expect(repo.git(['rev-parse', 'main']).trim()).toBe(change.commitSha);
    expect(repo.readFile('apps/payments/staging/kustomization.yaml')).toBe(
      before
        .replace('"1.0.0"', '"1.1.0"')
        .replace(digestOf('a'), digestOf('b')),
    );
    expect(repo.git(['show', '--name-only', '--format=', 'main']).trim()).toBe(
      'apps/payments/staging/kustomization.yaml',
    );
    const message = repo.git(['log', '-1', '--format=%an <%ae>%n%B', 'main']);
    expect(message).toContain('Promotion Bot <bot@example.com>');
    expect(message).toContain('Promotion-Id: p-1');
    expect(message).toContain('Promoted-By: user:default/alice');
  });

  it('reads and writes an environment that lives in another repository, on its own branch and path', async () => {
    const prodRepo = createTestRepository({
      'clusters/prod/payments/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
    });
    try {
      prodRepo.git(['branch', '-m', 'main', 'release']);
      const service = new GitOpsService({
        config: promotionConfigSchema.parse({
          environments: [
            { name: 'dev' },
            {
              name: 'prod',
              repository: 'prod-gitops',
              path: 'clusters/{{ environment }}/{{ entity.metadata.name }}/kustomization.yaml',
            },
          ],
          gitops: {
            repositories: [
              { id: 'platform', url: repo.url },
              { id: 'prod-gitops', url: prodRepo.url, branch: 'release' },
            ],
            defaults: {
              path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
            },
          },
        }),
        cacheDir: fs.mkdtempSync(path.join(cacheRoot, 'replica-')),
        logger: mockServices.logger.mock(),
      });
      services.push(service);
      const prod = env(service, 'prod');
      expect(
        (await service.readEnvironment(entity('payments'), prod)).artifact
          ?.digest,
      ).toBe(digestOf('a'));
      const platformTip = repo.git(['rev-parse', 'main']).trim();
      const change = await service.applyPromotion({
        entity: entity('payments'),
        environment: prod,
        pin: { tag: '1.1.0', digest: digestOf('b') },
        promotionId: 'p-prod',
        requestedAt: new Date(),
        promotedBy: 'user:default/alice',
        subject: 'payments',
      });
      expect(prodRepo.git(['rev-parse', 'release']).trim()).toBe(
        change.commitSha,
      );
      expect(
        prodRepo.git([
          'show',
          'release:clusters/prod/payments/kustomization.yaml',
        ]),
      ).toContain(digestOf('b'));
      // The platform repository is untouched.
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(platformTip);
      const history = await service.readHistory(entity('payments'), prod);
      expect(history.map(v => v.artifact.digest)).toEqual([
        digestOf('b'),
        digestOf('a'),
      ]);
    } finally {
      prodRepo.cleanup();
    }
  });

  describe('reads for pages (a recent snapshot)', () => {
    const gitProcesses = () => {
      const spawn = jest.spyOn(childProcess, 'spawn');
      return () =>
        spawn.mock.calls
          .filter(([command]) => command === 'git')
          .map(([, args]) => args);
    };

    it('reads again without a git process while the last fetch is recent', async () => {
      const service = newService();
      const first = await service.readEnvironment(
        entity('payments'),
        env(service, 'dev'),
        {
          snapshot: service.snapshot('recent'),
        },
      );
      const started = gitProcesses();
      const again = await Promise.all(
        ['dev', 'staging', 'dev'].map(name =>
          service.readEnvironment(entity('payments'), env(service, name), {
            snapshot: service.snapshot('recent'),
          }),
        ),
      );
      // staging's commit look-up is new; the repeated dev reads run nothing.
      expect(
        started().map(args => args?.find(arg => !arg.startsWith('--git-dir'))),
      ).toEqual(['log']);
      expect(again[0]).toEqual(first);
      expect(again[2]).toEqual(first);
    });

    it("sees another writer's commit only after the window, and its own push at once", async () => {
      const service = newService();
      const read = (snapshot = service.snapshot('recent')) =>
        service.readEnvironment(entity('payments'), env(service, 'dev'), {
          snapshot,
        });
      expect((await read()).artifact?.tag).toBe('1.1.0');
      repo.commitFiles(
        {
          'apps/payments/dev/kustomization.yaml': kustomization(
            IMAGE,
            '1.2.0',
            digestOf('c'),
          ),
        },
        'CI',
      );
      // Within maxReadAge (5 s by default) the page shows what the last fetch saw.
      expect((await read()).artifact?.tag).toBe('1.1.0');
      // Whatever decides what to write reads the latest tip, and so refreshes the recent one.
      expect((await read(service.snapshot('latest'))).artifact?.tag).toBe(
        '1.2.0',
      );
      expect((await read()).artifact?.tag).toBe('1.2.0');

      await service.applyPromotion({
        entity: entity('payments'),
        environment: env(service, 'dev'),
        pin: { tag: '1.3.0', digest: digestOf('d') },
        promotionId: 'p-recent',
        requestedAt: new Date(),
        promotedBy: 'user:default/alice',
        subject: 'payments',
      });
      const started = gitProcesses();
      expect((await read()).artifact?.tag).toBe('1.3.0');
      expect(started().filter(args => args?.includes('fetch'))).toEqual([]);
    });

    it('fetches again once the window has passed', async () => {
      const service = new GitOpsService({
        config: promotionConfigSchema.parse({
          ...config(repo.url),
          maxReadAge: '1ms',
        }),
        cacheDir: fs.mkdtempSync(path.join(cacheRoot, 'replica-')),
        logger: mockServices.logger.mock(),
      });
      services.push(service);
      const read = () =>
        service.readEnvironment(entity('payments'), env(service, 'dev'), {
          snapshot: service.snapshot('recent'),
        });
      expect((await read()).artifact?.tag).toBe('1.1.0');
      repo.commitFiles(
        {
          'apps/payments/dev/kustomization.yaml': kustomization(
            IMAGE,
            '1.2.0',
            digestOf('c'),
          ),
        },
        'CI',
      );
      await new Promise(resolve => setTimeout(resolve, 5));
      expect((await read()).artifact?.tag).toBe('1.2.0');
    });
  });

  it('recognises a change already pushed for the same promotion instead of repeating it', async () => {
    const service = newService();
    const options = {
      entity: entity('payments'),
      environment: env(service, 'staging'),
      pin: { tag: '1.1.0', digest: digestOf('b') },
      promotionId: 'p-2',
      requestedAt: new Date(),
      promotedBy: 'user:default/alice',
      subject: 'payments',
    };
    const first = await service.applyPromotion(options);
    const again = await newService().applyPromotion(options);
    expect(again).toEqual({ commitSha: first.commitSha, alreadyApplied: true });
    expect(repo.git(['rev-list', '--count', 'main']).trim()).toBe('2');
  });

  it('lands 20 concurrent promotions of different apps from 4 replicas, none lost', async () => {
    const apps = Array.from({ length: 20 }, (_, i) => `app-${i}`);
    repo.commitFiles(
      Object.fromEntries(
        apps.map(app => [
          `apps/${app}/staging/kustomization.yaml`,
          kustomization(IMAGE, '1.0.0', digestOf('a')),
        ]),
      ),
      'More apps',
    );
    // Replicas have their own mirrors, so their pushes race and are retried
    // on the new tip; within one replica, writes queue.
    const replicas = Array.from({ length: 4 }, () => newService());
    const results = await Promise.all(
      apps.map((app, i) => {
        const service = replicas[i % replicas.length];
        return service.applyPromotion({
          entity: entity(app),
          environment: env(service, 'staging'),
          pin: { tag: '2.0.0', digest: digestOf('f') },
          promotionId: `p-${app}`,
          requestedAt: new Date(),
          promotedBy: 'user:default/alice',
          subject: app,
        });
      }),
    );
    expect(new Set(results.map(r => r.commitSha)).size).toBe(apps.length);
    for (const app of apps) {
      expect(repo.readFile(`apps/${app}/staging/kustomization.yaml`)).toContain(
        digestOf('f'),
      );
    }
    // one initial commit, one for the extra apps, one per promotion
    expect(repo.git(['rev-list', '--count', 'main']).trim()).toBe(
      String(2 + apps.length),
    );
    const ids = repo.git([
      'log',
      '--format=%(trailers:key=Promotion-Id,valueonly)',
      'main',
    ]);
    expect(ids.split('\n').filter(Boolean).sort()).toEqual(
      apps.map(app => `p-${app}`).sort(),
    );
  });

  it('lists the versions an environment ran, skipping commits that did not change the pin', async () => {
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': `# reworded\n${kustomization(
          IMAGE,
          '1.1.0',
          digestOf('b'),
        )}`,
      },
      'Reword a comment',
    );
    const pinning = repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.2.0',
          digestOf('c'),
        ),
      },
      'Build 1.2.0\n\nPromoted-By: user:default/alice\n',
    );
    const initial = repo.git(['rev-list', '--max-parents=0', 'main']).trim();
    const service = newService();
    const history = await service.readHistory(
      entity('payments'),
      env(service, 'dev'),
    );
    expect(history).toEqual([
      {
        artifact: { image: IMAGE, tag: '1.2.0', digest: digestOf('c') },
        commit: {
          sha: pinning,
          author: 'user:default/alice',
          date: expect.any(String),
        },
      },
      {
        artifact: { image: IMAGE, tag: '1.1.0', digest: digestOf('b') },
        commit: {
          sha: initial,
          author: 'Test Author',
          date: expect.any(String),
        },
      },
    ]);
  });

  it('changes every target file of an environment in one commit', async () => {
    repo.commitFiles(
      {
        'apps/payments/prod-eu/kustomization.yaml': kustomization(
          IMAGE,
          '1.0.0',
          digestOf('a'),
        ),
        'apps/payments/prod-us/kustomization.yaml': kustomization(
          IMAGE,
          '1.0.0',
          digestOf('a'),
        ),
      },
      'Two prod regions',
    );
    const service = new GitOpsService({
      config: config(repo.url, [
        { name: 'staging' },
        {
          name: 'prod',
          path: [
            'apps/{{ entity.metadata.name }}/prod-eu/kustomization.yaml',
            'apps/{{ entity.metadata.name }}/prod-us/kustomization.yaml',
          ],
        },
      ]),
      cacheDir: fs.mkdtempSync(path.join(cacheRoot, 'replica-')),
      logger: mockServices.logger.mock(),
    });
    const prod = service.targets.environmentsFor(entity('payments'))[1];
    await service.applyPromotion({
      entity: entity('payments'),
      environment: prod,
      pin: { tag: '1.1.0', digest: digestOf('b') },
      promotionId: 'p-regions',
      requestedAt: new Date(),
      promotedBy: 'user:default/alice',
      subject: 'payments',
    });
    expect(
      repo.git(['show', '--name-only', '--format=', 'main']).trim().split('\n'),
    ).toEqual([
      'apps/payments/prod-eu/kustomization.yaml',
      'apps/payments/prod-us/kustomization.yaml',
    ]);
  });

  it('plans the exact diff of a promotion without writing anything', async () => {
    const service = newService();
    const tip = repo.git(['rev-parse', 'main']).trim();
    const [change] = await service.planPromotion(
      entity('payments'),
      env(service, 'staging'),
      {
        tag: '1.1.0',
        digest: digestOf('b'),
      },
    );
    expect(change.repository).toBe('platform');
    expect(change.path).toBe('apps/payments/staging/kustomization.yaml');
    expect(change.diff).toBe(
      [
        '--- a/apps/payments/staging/kustomization.yaml',
        '+++ b/apps/payments/staging/kustomization.yaml',
        '@@ -5,5 +5,5 @@',
        '   - ../../base',
        ' images:',
        '   - name: ghcr.io/acme/payments',
        '-    newTag: "1.0.0" # version',
        `-    digest: ${digestOf('a')}`,
        '+    newTag: "1.1.0" # version',
        `+    digest: ${digestOf('b')}`,
        '',
      ].join('\n'),
    );
    expect(repo.git(['rev-parse', 'main']).trim()).toBe(tip);
  });

  it('delivers by pull request: a branch of its own and a pull request into the environment branch', async () => {
    const opened: unknown[] = [];
    const closed: unknown[] = [];
    const service = new GitOpsService({
      config: config(repo.url, [
        { name: 'dev' },
        { name: 'staging', delivery: 'pull-request' },
      ]),
      cacheDir: fs.mkdtempSync(path.join(cacheRoot, 'replica-')),
      logger: mockServices.logger.mock(),
      pullRequests: {
        forRepository: () => ({
          open: async options => {
            opened.push(options);
            return {
              provider: 'github',
              number: 7,
              url: 'https://github.com/acme/gitops/pull/7',
            };
          },
          getState: async () => 'open',
          merge: async () => {},
          close: async (repositoryUrl, ref) => {
            closed.push([repositoryUrl, ref]);
          },
        }),
      },
    });
    const tip = repo.git(['rev-parse', 'main']).trim();
    const change = await service.applyPromotion({
      entity: entity('payments'),
      environment: env(service, 'staging'),
      pin: { tag: '1.1.0', digest: digestOf('b') },
      promotionId: '0f0e0d0c-1111-2222-3333-444455556666',
      requestedAt: new Date(),
      promotedBy: 'user:default/alice',
      subject: 'payments',
      pullRequest: { title: 'Promote payments', body: 'body' },
    });
    expect(change.pullRequest?.number).toBe(7);
    expect(repo.git(['rev-parse', 'main']).trim()).toBe(tip);
    const branch = 'promotion/payments-staging-0f0e0d0c';
    expect(repo.git(['rev-parse', branch]).trim()).toBe(change.commitSha);
    expect(
      repo.git(['show', `${branch}:apps/payments/staging/kustomization.yaml`]),
    ).toContain(digestOf('b'));
    expect(opened).toEqual([
      {
        repositoryUrl: repo.url,
        base: 'main',
        head: branch,
        title: 'Promote payments',
        body: 'body',
      },
    ]);

    await service.closePullRequest(
      entity('payments'),
      env(service, 'staging'),
      change.pullRequest!,
    );
    expect(closed).toEqual([[repo.url, change.pullRequest]]);
  });

  it('refuses a path that passes through a symbolic link and pushes nothing', async () => {
    const tip = repo.commitSymlink('apps/linked', 'payments');
    const service = newService();
    await expect(
      service.applyPromotion({
        entity: entity('linked'),
        environment: env(service, 'staging'),
        pin: { digest: digestOf('b') },
        promotionId: 'p-link',
        requestedAt: new Date(),
        promotedBy: 'user:default/alice',
        subject: 'linked',
      }),
    ).rejects.toThrow(/symbolic link/);
    expect(repo.git(['rev-parse', 'main']).trim()).toBe(tip);
  });

  it('names the file when the manifest does not exist and pushes nothing', async () => {
    const service = newService();
    await expect(
      service.applyPromotion({
        entity: entity('unknown-app'),
        environment: env(service, 'staging'),
        pin: { digest: digestOf('b') },
        promotionId: 'p-missing',
        requestedAt: new Date(),
        promotedBy: 'user:default/alice',
        subject: 'unknown-app',
      }),
    ).rejects.toThrow(
      'apps/unknown-app/staging/kustomization.yaml: does not exist',
    );
    expect(repo.git(['rev-list', '--count', 'main']).trim()).toBe('1');
  });

  const promote = (
    service: GitOpsService,
    overrides: Partial<Parameters<GitOpsService['applyPromotion']>[0]> = {},
  ) =>
    service.applyPromotion({
      entity: entity('payments'),
      environment: env(service, 'staging'),
      pin: { tag: '1.1.0', digest: digestOf('b') },
      promotionId: 'p-test',
      requestedAt: new Date(),
      promotedBy: 'user:default/alice',
      subject: 'payments',
      ...overrides,
    });

  describe('a build that does not carry every value the target pins', () => {
    const STAGING = 'apps/payments/staging/kustomization.yaml';
    const refusal =
      `${STAGING}: images[] entry '${IMAGE}' pins digest '${digestOf(
        'a',
      )}' but the promoted build has no digest; ` +
      'setting only newTag would leave that digest in place, and kustomize would keep deploying it. ' +
      "Promote a build that has a digest, or remove 'digest' from the entry";

    it('is refused before anything is written, naming the file and the field', async () => {
      const service = newService();
      const tip = repo.git(['rev-parse', 'main']).trim();
      await expect(
        promote(service, { pin: { tag: '2.0.0' } }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: refusal,
      });
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(tip);
      expect(repo.readFile(STAGING)).toContain(digestOf('a'));
    });

    it('is refused the same way by the plan', async () => {
      const service = newService();
      await expect(
        service.planPromotion(entity('payments'), env(service, 'staging'), {
          tag: '2.0.0',
        }),
      ).rejects.toMatchObject({ name: 'InputError', message: refusal });
    });
  });

  it('fails at once with the reason when a hook of the remote refuses the push, without retrying', async () => {
    fs.writeFileSync(
      path.join(repo.url, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "GitLab: You are not allowed to push code to protected branches on this project." >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const service = newService();
    const started = Date.now();
    await expect(promote(service)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'The remote refused the push to branch main (pre-receive hook declined): ' +
        'GitLab: You are not allowed to push code to protected branches on this project.',
    });
    // The retry of a lost race backs off for up to a minute; a refusal is final.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  describe('another writer changing the same file between our fetch and our push', () => {
    const STAGING = 'apps/payments/staging/kustomization.yaml';

    it.each([
      [
        'adds a comment line',
        (text: string) =>
          text.replace('# overlay\n', '# overlay\n# owned by team payments\n'),
      ],
      [
        'adds another image to the same kustomization',
        (text: string) =>
          `${text}  - name: ghcr.io/acme/sidecar\n    newTag: "7.1.0"\n`,
      ],
      [
        'changes the unrelated resources list',
        (text: string) =>
          text.replace(
            '  - ../../base\n',
            '  - ../../base\n  - ./network-policy.yaml\n',
          ),
      ],
    ])(
      '%s: the retry re-applies our edit on their bytes, and both changes land',
      async (_, change) => {
        const service = newService();
        const theirs = change(repo.readFile(STAGING));
        const push = GitMirror.prototype.push;
        let theirCommit: string | undefined;
        jest
          .spyOn(GitMirror.prototype, 'push')
          .mockImplementation(async function push_(this: GitMirror, ...args) {
            // The first push finds the branch moved by someone else.
            if (!theirCommit)
              theirCommit = repo.commitFiles(
                { [STAGING]: theirs },
                'Their change',
              );
            return push.apply(this, args);
          });

        const change_ = await promote(service);

        expect(repo.readFile(STAGING)).toBe(
          theirs
            .replace('"1.0.0"', '"1.1.0"')
            .replace(digestOf('a'), digestOf('b')),
        );
        expect(repo.git(['rev-parse', 'main']).trim()).toBe(change_.commitSha);
        expect(repo.git(['rev-parse', `${change_.commitSha}^`]).trim()).toBe(
          theirCommit,
        );
        expect(GitMirror.prototype.push).toHaveBeenCalledTimes(2);
      },
    );
  });

  describe('another writer pushing the very same pin', () => {
    const STAGING = 'apps/payments/staging/kustomization.yaml';
    const commits = () => repo.git(['rev-list', '--count', 'main']).trim();

    it('before the promotion runs: recognised as landed, credited to their commit, nothing pushed', async () => {
      const theirs = repo.commitFiles(
        { [STAGING]: kustomization(IMAGE, '1.1.0', digestOf('b')) },
        'CI promotes 1.1.0',
      );
      const service = newService();
      const push = jest.spyOn(GitMirror.prototype, 'push');

      const change = await promote(service);

      expect(change).toEqual({
        commitSha: theirs,
        alreadyApplied: true,
        pinnedByAnotherWriter: true,
      });
      expect(push).not.toHaveBeenCalled();
      expect(commits()).toBe('2');
    });

    it('between our fetch and our push: the retry finds the pin there and stops', async () => {
      const service = newService();
      const push = GitMirror.prototype.push;
      let theirs: string | undefined;
      jest
        .spyOn(GitMirror.prototype, 'push')
        .mockImplementation(async function push_(this: GitMirror, ...args) {
          if (!theirs)
            theirs = repo.commitFiles(
              { [STAGING]: kustomization(IMAGE, '1.1.0', digestOf('b')) },
              'CI promotes 1.1.0',
            );
          return push.apply(this, args);
        });

      const change = await promote(service);

      expect(change).toEqual({
        commitSha: theirs,
        alreadyApplied: true,
        pinnedByAnotherWriter: true,
      });
      expect(GitMirror.prototype.push).toHaveBeenCalledTimes(1);
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(theirs);
      expect(commits()).toBe('2');
    });
  });

  describe('history', () => {
    const DEV = 'apps/payments/dev/kustomization.yaml';

    it('lists every version however long the history, so the oldest build can be rolled back to', async () => {
      const initial = repo.git(['rev-list', '--max-parents=0', 'main']).trim();
      const builds = Array.from({ length: 260 }, (_, i) => `1.2.${i}`);
      const shas = repo.commitSeries(
        DEV,
        builds.map((tag, i) =>
          kustomization(IMAGE, tag, `sha256:${String(i).padStart(64, 'c')}`),
        ),
        i => `Build ${builds[i]}`,
      );
      const service = newService();
      const history = await service.readHistory(
        entity('payments'),
        env(service, 'dev'),
      );
      expect(history).toHaveLength(261);
      expect(history[0]).toEqual(
        expect.objectContaining({
          artifact: expect.objectContaining({ tag: '1.2.259' }),
        }),
      );
      expect(history[0].commit.sha).toBe(shas[259]);
      expect(history[260].artifact.tag).toBe('1.1.0');
      expect(history[260].commit.sha).toBe(initial);
    });

    it('credits the oldest version of a limited window to the commit that pinned it, not the oldest commit seen', async () => {
      const initial = repo.git(['rev-list', '--max-parents=0', 'main']).trim();
      repo.commitFiles(
        {
          [DEV]: `# reworded\n${kustomization(IMAGE, '1.1.0', digestOf('b'))}`,
        },
        'Reword a comment',
      );
      const pinning = repo.commitFiles(
        { [DEV]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'Build 1.2.0',
      );
      const service = newService();
      const history = await service.readHistory(
        entity('payments'),
        env(service, 'dev'),
        { limit: 2 },
      );
      expect(history.map(v => [v.artifact.tag, v.commit.sha])).toEqual([
        ['1.2.0', pinning],
        ['1.1.0', initial],
      ]);
    });

    it('passes over a commit before the window that only mentioned the pinned digest', async () => {
      const initial = repo.git(['rev-list', '--max-parents=0', 'main']).trim();
      const pinned = kustomization(IMAGE, '1.1.0', digestOf('b'));
      repo.commitFiles(
        { [DEV]: `# verified: ${digestOf('b')}\n${pinned}` },
        'Note the digest',
      );
      repo.commitFiles(
        { [DEV]: `# verified by QA: ${digestOf('b')}\n${pinned}` },
        'Reword the note',
      );
      repo.commitFiles(
        {
          [DEV]: `${kustomization(IMAGE, '1.1.0', digestOf('b'))}  - [broken\n`,
        },
        'Break the file',
      );
      const pinning = repo.commitFiles(
        { [DEV]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'Build 1.2.0',
      );
      const service = newService();
      const history = await service.readHistory(
        entity('payments'),
        env(service, 'dev'),
        { limit: 3 },
      );
      expect(history.map(v => [v.artifact.tag, v.commit.sha])).toEqual([
        ['1.2.0', pinning],
        ['1.1.0', initial],
      ]);
    });

    it('lists a version once when a commit with invalid YAML came between', async () => {
      const initial = repo.git(['rev-list', '--max-parents=0', 'main']).trim();
      repo.commitFiles(
        {
          [DEV]: `${kustomization(IMAGE, '1.1.0', digestOf('b'))}  - [broken\n`,
        },
        'Break the file',
      );
      repo.commitFiles(
        { [DEV]: kustomization(IMAGE, '1.1.0', digestOf('b')) },
        'Fix the file',
      );
      const pinning = repo.commitFiles(
        { [DEV]: kustomization(IMAGE, '1.2.0', digestOf('c')) },
        'Build 1.2.0',
      );
      const service = newService();
      const history = await service.readHistory(
        entity('payments'),
        env(service, 'dev'),
      );
      expect(history.map(v => [v.artifact.tag, v.commit.sha])).toEqual([
        ['1.2.0', pinning],
        ['1.1.0', initial],
      ]);
    });

    it('still lists a version again when the image came back after being removed', async () => {
      const initial = repo.git(['rev-list', '--max-parents=0', 'main']).trim();
      repo.commitFiles(
        { [DEV]: 'resources:\n  - ../../base\n' },
        'Remove the image',
      );
      const back = repo.commitFiles(
        { [DEV]: kustomization(IMAGE, '1.1.0', digestOf('b')) },
        'Bring it back',
      );
      const service = newService();
      const history = await service.readHistory(
        entity('payments'),
        env(service, 'dev'),
      );
      expect(history.map(v => [v.artifact.tag, v.commit.sha])).toEqual([
        ['1.1.0', back],
        ['1.1.0', initial],
      ]);
    });
  });

  describe('remote addresses', () => {
    it('reads and writes a file:// remote', async () => {
      const service = newService(`file://${repo.url}`);
      const pin = await service.readEnvironment(
        entity('payments'),
        env(service, 'staging'),
      );
      expect(pin.artifact).toEqual({
        image: IMAGE,
        tag: '1.0.0',
        digest: digestOf('a'),
      });
      const change = await promote(service);
      expect(repo.git(['rev-parse', 'main']).trim()).toBe(change.commitSha);
    });

    it.each([
      ['github.com:acme/gitops.git', 'github.com:acme/gitops.git'],
      ['git@github.com:acme/gitops.git', 'git@github.com:acme/gitops.git'],
      [
        'ssh://git@github.com/acme/gitops.git',
        'ssh://git@github.com/acme/gitops.git',
      ],
      ['./gitops:v2/repo.git', path.resolve('./gitops:v2/repo.git')],
      ['gitops', path.resolve('gitops')],
    ])('treats %s as git does', async (url, remote) => {
      const seen: string[] = [];
      const pullRequests: PullRequestProviderFactory = {
        forRepository: repositoryUrl => {
          seen.push(repositoryUrl);
          return {
            open: async () => ({ provider: 'github', number: 1, url: '' }),
            getState: async () => 'open',
            merge: async () => {},
            close: async () => {},
          };
        },
      };
      const service = new GitOpsService({
        config: config(url),
        cacheDir: fs.mkdtempSync(path.join(cacheRoot, 'replica-')),
        logger: mockServices.logger.mock(),
        pullRequests,
      });
      const ref = { provider: 'github' as const, number: 1, url: '' };
      await service.pullRequestState(
        entity('payments'),
        env(service, 'staging'),
        ref,
      );
      expect(seen).toEqual([remote]);
    });
  });
});
