import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { ScmGitCredentialsProvider } from './ScmGitCredentialsProvider';

const config = new ConfigReader({
  integrations: {
    github: [
      { host: 'github.com', token: 't' },
      {
        host: 'ghe.acme.internal',
        apiBaseUrl: 'https://ghe.acme.internal/api/v3',
        token: 'e',
      },
    ],
    gitlab: [{ host: 'gitlab.com', token: 'g' }],
  },
});

/** The user and password inside a Basic header. */
function decode(header: string | undefined): string | undefined {
  if (!header) {
    return undefined;
  }
  const [scheme, encoded] = header.split(' ');
  expect(scheme).toBe('Basic');
  return Buffer.from(encoded, 'base64').toString('utf8');
}

describe('ScmGitCredentialsProvider', () => {
  const credentials = ScmGitCredentialsProvider.fromConfig(config);

  it.each([
    ['https://github.com/acme/gitops', 'x-access-token:t'],
    ['https://github.com/acme/gitops.git', 'x-access-token:t'],
    ['https://ghe.acme.internal/platform/gitops.git', 'x-access-token:e'],
    ['https://gitlab.com/group/sub/repo.git', 'oauth2:g'],
  ])('gives %s the integration token as %s', async (url, expected) => {
    expect(decode(await credentials.authorizationHeader(url))).toBe(expected);
  });

  it.each([
    ['an ssh remote', 'ssh://git@github.com/acme/gitops.git'],
    ['an scp-like remote', 'git@github.com:acme/gitops.git'],
    ['a local path', '/var/lib/gitops'],
    ['a file URL', 'file:///var/lib/gitops'],
    ['a host without integration', 'https://git.example.org/acme/gitops.git'],
    [
      'plain http, where the token would travel in clear text',
      'http://github.com/acme/gitops.git',
    ],
  ])('gives nothing to %s', async (_, url) => {
    await expect(credentials.authorizationHeader(url)).resolves.toBeUndefined();
  });

  it('gives nothing for github.com when no token or app is configured, so public clones stay anonymous', async () => {
    const anonymous = ScmGitCredentialsProvider.fromConfig(
      new ConfigReader({
        integrations: { gitlab: [{ host: 'gitlab.com', token: 'g' }] },
      }),
    );

    await expect(
      anonymous.authorizationHeader('https://github.com/acme/gitops'),
    ).resolves.toBeUndefined();
    expect(
      decode(await anonymous.authorizationHeader('https://gitlab.com/a/b')),
    ).toBe('oauth2:g');
  });

  it('asks the GitHub credentials provider per repository, so app tokens follow the owner', async () => {
    const getCredentials = jest.fn(async ({ url }: { url: string }) => ({
      type: 'app' as const,
      token: url.includes('/acme/') ? 'ghs_acme' : 'ghs_other',
    }));
    const provider = new ScmGitCredentialsProvider({
      integrations: ScmIntegrations.fromConfig(config),
      githubCredentialsProvider: { getCredentials },
    });

    expect(
      decode(
        await provider.authorizationHeader(
          'https://github.com/acme/gitops.git',
        ),
      ),
    ).toBe('x-access-token:ghs_acme');
    expect(
      decode(
        await provider.authorizationHeader(
          'https://github.com/other/gitops.git',
        ),
      ),
    ).toBe('x-access-token:ghs_other');
  });
});
