import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { generateKeyPairSync } from 'node:crypto';
import { ScmPullRequestProviderFactory } from './ScmPullRequestProviderFactory';
import type { PullRequestProvider } from './types';

const server = setupServer();
registerMswTestHooks(server);

const config = new ConfigReader({
  integrations: {
    github: [{ host: 'github.com', token: 't' }],
    gitlab: [{ host: 'gitlab.com', token: 'g' }],
  },
});

const openOptions = (repositoryUrl: string) => ({
  repositoryUrl,
  base: 'main',
  head: 'promotion/payments-prod-1',
  title: 'Promote payments to prod',
  body: 'body',
});

/** Answers a pull request creation on GitHub, recording the token it came with. */
function githubCreate(
  apiBaseUrl: string,
  owner: string,
  repo: string,
  seen: string[],
) {
  return http.post(
    `${apiBaseUrl}/repos/${owner}/${repo}/pulls`,
    ({ request }) => {
      seen.push(request.headers.get('authorization') ?? '');
      return HttpResponse.json(
        {
          number: 8,
          state: 'open',
          html_url: `https://github.com/${owner}/${repo}/pull/8`,
          merged: false,
        },
        { status: 201 },
      );
    },
  );
}

describe('ScmPullRequestProviderFactory', () => {
  it('opens GitHub pull requests with the token of integrations.github', async () => {
    const seen: string[] = [];
    server.use(githubCreate('https://api.github.com', 'acme', 'gitops', seen));
    const factory = ScmPullRequestProviderFactory.fromConfig(config);

    const ref = await factory
      .forRepository('https://github.com/acme/gitops')
      .open(openOptions('https://github.com/acme/gitops'));

    expect(ref).toEqual({
      provider: 'github',
      number: 8,
      url: 'https://github.com/acme/gitops/pull/8',
    });
    expect(seen).toEqual(['token t']);
  });

  it('opens GitLab merge requests with the token of integrations.gitlab', async () => {
    const seen: string[] = [];
    server.use(
      http.post(
        'https://gitlab.com/api/v4/projects/group%2Fsub%2Frepo/merge_requests',
        ({ request }) => {
          seen.push(request.headers.get('authorization') ?? '');
          return HttpResponse.json(
            {
              iid: 4,
              state: 'opened',
              web_url: 'https://gitlab.com/group/sub/repo/-/merge_requests/4',
            },
            { status: 201 },
          );
        },
      ),
    );
    const factory = ScmPullRequestProviderFactory.fromConfig(config);
    const repositoryUrl = 'https://gitlab.com/group/sub/repo.git';

    const ref = await factory
      .forRepository(repositoryUrl)
      .open(openOptions(repositoryUrl));

    expect(ref).toEqual({
      provider: 'gitlab',
      number: 4,
      url: 'https://gitlab.com/group/sub/repo/-/merge_requests/4',
    });
    expect(seen).toEqual(['Bearer g']);
  });

  it('serves an ssh remote through the API of its host', async () => {
    const seen: string[] = [];
    server.use(githubCreate('https://api.github.com', 'acme', 'gitops', seen));
    const factory = ScmPullRequestProviderFactory.fromConfig(config);
    const repositoryUrl = 'git@github.com:acme/gitops.git';

    const ref = await factory
      .forRepository(repositoryUrl)
      .open(openOptions(repositoryUrl));

    expect(ref.number).toBe(8);
    expect(seen).toEqual(['token t']);
  });

  it('uses a GitHub App installation token when an app is installed on the owner', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const appRequests: string[] = [];
    const seen: string[] = [];
    server.use(
      http.get('https://api.github.com/app/installations', ({ request }) => {
        appRequests.push(
          request.headers.get('authorization')?.split(' ')[0] ?? '',
        );
        return HttpResponse.json([
          {
            id: 4242,
            account: { login: 'acme', id: 1, type: 'Organization' },
            app_id: 1234,
            target_type: 'Organization',
            repository_selection: 'all',
            suspended_at: null,
          },
        ]);
      }),
      http.post(
        'https://api.github.com/app/installations/4242/access_tokens',
        ({ request }) => {
          appRequests.push(
            request.headers.get('authorization')?.split(' ')[0] ?? '',
          );
          return HttpResponse.json(
            {
              token: 'ghs_installation',
              expires_at: new Date(Date.now() + 3_600_000).toISOString(),
              permissions: { contents: 'write', pull_requests: 'write' },
              repository_selection: 'all',
            },
            { status: 201 },
          );
        },
      ),
      githubCreate('https://api.github.com', 'acme', 'gitops', seen),
    );
    const factory = ScmPullRequestProviderFactory.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            {
              host: 'github.com',
              apps: [
                {
                  appId: 1234,
                  privateKey,
                  clientId: 'Iv1.abc',
                  clientSecret: 's',
                  webhookSecret: 'w',
                },
              ],
            },
          ],
        },
      }),
    );

    await factory
      .forRepository('https://github.com/acme/gitops')
      .open(openOptions('https://github.com/acme/gitops'));

    // The app authenticates with a JWT, the pull request with the installation token.
    expect(appRequests).toEqual(['bearer', 'bearer']);
    expect(seen).toEqual(['token ghs_installation']);
  });

  it('fails the first API call with a config hint when github.com has no credentials', async () => {
    // github.com is always an integration, configured or not, so a missing
    // token shows up when credentials are needed, not when picking a provider.
    const factory = ScmPullRequestProviderFactory.fromConfig(
      new ConfigReader({
        integrations: { gitlab: [{ host: 'gitlab.com', token: 'g' }] },
      }),
    );

    await expect(
      factory
        .forRepository('https://github.com/acme/gitops')
        .open(openOptions('https://github.com/acme/gitops')),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('integrations.github'),
    });
  });

  it('hands the matching integration config to the injected creators', () => {
    const github: PullRequestProvider = {
      open: jest.fn(),
      getState: jest.fn(),
      merge: jest.fn(),
      close: jest.fn(),
    };
    const gitlab: PullRequestProvider = {
      open: jest.fn(),
      getState: jest.fn(),
      merge: jest.fn(),
      close: jest.fn(),
    };
    const createGithubProvider = jest.fn(() => github);
    const createGitlabProvider = jest.fn(() => gitlab);
    const factory = ScmPullRequestProviderFactory.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            {
              host: 'ghe.acme.internal',
              apiBaseUrl: 'https://ghe.acme.internal/api/v3',
              token: 'e',
            },
          ],
          gitlab: [
            {
              host: 'gitlab.acme.internal',
              apiBaseUrl: 'https://gitlab.acme.internal/api/v4',
              token: 'h',
            },
          ],
        },
      }),
      { createGithubProvider, createGitlabProvider },
    );

    expect(
      factory.forRepository('https://ghe.acme.internal/platform/gitops'),
    ).toBe(github);
    expect(
      factory.forRepository('https://gitlab.acme.internal/platform/gitops'),
    ).toBe(gitlab);
    expect(createGithubProvider).toHaveBeenCalledWith(
      expect.objectContaining({
        config: expect.objectContaining({
          host: 'ghe.acme.internal',
          apiBaseUrl: 'https://ghe.acme.internal/api/v3',
        }),
      }),
    );
    expect(createGitlabProvider).toHaveBeenCalledWith({
      config: expect.objectContaining({
        host: 'gitlab.acme.internal',
        token: 'h',
      }),
    });
  });

  it('makes one provider per host', () => {
    const createGithubProvider = jest.fn(
      (): PullRequestProvider => ({
        open: jest.fn(),
        getState: jest.fn(),
        merge: jest.fn(),
        close: jest.fn(),
      }),
    );
    const factory = ScmPullRequestProviderFactory.fromConfig(config, {
      createGithubProvider,
    });

    const first = factory.forRepository('https://github.com/acme/gitops');
    const second = factory.forRepository('https://github.com/acme/other.git');

    expect(second).toBe(first);
    expect(createGithubProvider).toHaveBeenCalledTimes(1);
  });

  it('asks to add the host under integrations when none matches', () => {
    const factory = ScmPullRequestProviderFactory.fromConfig(config);

    expect(() =>
      factory.forRepository('https://git.example.org/acme/gitops'),
    ).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(
          /git\.example\.org.*integrations\.github or integrations\.gitlab in app-config/,
        ),
      }),
    );
  });

  it('refuses hosts whose integration cannot open pull requests here', () => {
    const factory = ScmPullRequestProviderFactory.fromConfig(
      new ConfigReader({
        integrations: { bitbucketCloud: [{ username: 'u', appPassword: 'p' }] },
      }),
    );

    expect(() =>
      factory.forRepository('https://bitbucket.org/acme/gitops'),
    ).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringContaining('bitbucketCloud'),
      }),
    );
  });

  it('refuses local repositories, which have no pull requests', () => {
    const factory = ScmPullRequestProviderFactory.fromConfig(config);

    expect(() => factory.forRepository('/var/lib/gitops')).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
    expect(() => factory.forRepository('file:///var/lib/gitops')).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });
});
