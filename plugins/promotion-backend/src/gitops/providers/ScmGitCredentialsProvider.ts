import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import type { GitCredentialsProvider } from './types';

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * Credentials for git over https from Backstage's `integrations` config, as
 * the `Authorization` header value git sends with `http.extraHeader`.
 *
 * The user names are the ones each host documents for token access over
 * git: `x-access-token` for GitHub (it accepts both tokens and GitHub App
 * installation tokens) and `oauth2` for GitLab.
 */
export class ScmGitCredentialsProvider implements GitCredentialsProvider {
  static fromConfig(config: Config): ScmGitCredentialsProvider {
    return new ScmGitCredentialsProvider({
      integrations: ScmIntegrations.fromConfig(config),
    });
  }

  private readonly integrations: ScmIntegrationRegistry;
  private readonly githubCredentialsProvider: GithubCredentialsProvider;

  constructor(options: {
    integrations: ScmIntegrationRegistry;
    /** Defaults to `DefaultGithubCredentialsProvider` over the integrations. */
    githubCredentialsProvider?: GithubCredentialsProvider;
  }) {
    this.integrations = options.integrations;
    this.githubCredentialsProvider =
      options.githubCredentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(options.integrations);
  }

  async authorizationHeader(
    repositoryUrl: string,
  ): Promise<string | undefined> {
    let url: URL;
    try {
      url = new URL(repositoryUrl);
    } catch {
      return undefined; // a local path
    }
    // Tokens travel only over https, never in clear text; ssh remotes use keys.
    if (url.protocol !== 'https:') {
      return undefined;
    }
    if (this.integrations.github.byUrl(url)) {
      const { token } = await this.githubCredentialsProvider.getCredentials({
        url: url.href,
      });
      return token ? basic('x-access-token', token) : undefined;
    }
    const gitlab = this.integrations.gitlab.byUrl(url);
    if (gitlab?.config.token) {
      return basic('oauth2', gitlab.config.token);
    }
    return undefined;
  }
}
