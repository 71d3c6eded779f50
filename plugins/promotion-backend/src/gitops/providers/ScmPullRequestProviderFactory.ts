import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
  type GithubIntegrationConfig,
  type GitLabIntegrationConfig,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import { GithubPullRequestProvider } from './GithubPullRequestProvider';
import { GitlabPullRequestProvider } from './GitlabPullRequestProvider';
import { toWebUrl } from './repositoryUrl';
import type { PullRequestProvider, PullRequestProviderFactory } from './types';

export type GithubPullRequestProviderCreator = (options: {
  config: GithubIntegrationConfig;
  credentialsProvider: GithubCredentialsProvider;
}) => PullRequestProvider;

export type GitlabPullRequestProviderCreator = (options: {
  config: GitLabIntegrationConfig;
}) => PullRequestProvider;

export interface ScmPullRequestProviderFactoryOptions {
  integrations: ScmIntegrationRegistry;
  /** Defaults to `DefaultGithubCredentialsProvider` over the integrations (tokens and GitHub Apps). */
  githubCredentialsProvider?: GithubCredentialsProvider;
  /** Makes the provider for one GitHub integration; tests pass fakes. */
  createGithubProvider?: GithubPullRequestProviderCreator;
  /** Makes the provider for one GitLab integration; tests pass fakes. */
  createGitlabProvider?: GitlabPullRequestProviderCreator;
}

/**
 * Picks the pull-request provider for a GitOps repository from Backstage's
 * `integrations` config: the integration whose host serves the repository
 * decides between GitHub and GitLab and supplies the credentials.
 */
export class ScmPullRequestProviderFactory
  implements PullRequestProviderFactory
{
  static fromConfig(
    config: Config,
    options: Omit<ScmPullRequestProviderFactoryOptions, 'integrations'> = {},
  ): ScmPullRequestProviderFactory {
    return new ScmPullRequestProviderFactory({
      integrations: ScmIntegrations.fromConfig(config),
      ...options,
    });
  }

  private readonly integrations: ScmIntegrationRegistry;
  private readonly githubCredentialsProvider: GithubCredentialsProvider;
  private readonly createGithubProvider: GithubPullRequestProviderCreator;
  private readonly createGitlabProvider: GitlabPullRequestProviderCreator;
  // One provider per integration host; they hold no per-repository state.
  private readonly providers = new Map<string, PullRequestProvider>();

  constructor(options: ScmPullRequestProviderFactoryOptions) {
    this.integrations = options.integrations;
    this.githubCredentialsProvider =
      options.githubCredentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(options.integrations);
    this.createGithubProvider =
      options.createGithubProvider ??
      (o => GithubPullRequestProvider.fromIntegration(o));
    this.createGitlabProvider =
      options.createGitlabProvider ??
      (o => new GitlabPullRequestProvider(o.config));
  }

  forRepository(repositoryUrl: string): PullRequestProvider {
    const url = toWebUrl(repositoryUrl);
    if (!url) {
      throw new InputError(
        `Pull requests need a repository on GitHub or GitLab, but ${repositoryUrl} is a local path; ` +
          `use delivery: commit for it`,
      );
    }
    const cached = this.providers.get(url.host);
    if (cached) {
      return cached;
    }
    const provider = this.create(url, repositoryUrl);
    this.providers.set(url.host, provider);
    return provider;
  }

  private create(url: URL, repositoryUrl: string): PullRequestProvider {
    const github = this.integrations.github.byUrl(url);
    if (github) {
      return this.createGithubProvider({
        config: github.config,
        credentialsProvider: this.githubCredentialsProvider,
      });
    }
    const gitlab = this.integrations.gitlab.byUrl(url);
    if (gitlab) {
      return this.createGitlabProvider({ config: gitlab.config });
    }
    const other = this.integrations.byUrl(url);
    if (other) {
      throw new InputError(
        `${url.host} is configured as a ${other.type} integration; pull requests are supported on GitHub and ` +
          `GitLab only, so use delivery: commit for ${repositoryUrl}`,
      );
    }
    throw new InputError(
      `No integration is configured for ${url.host}, which hosts ${repositoryUrl}; add the host under ` +
        `integrations.github or integrations.gitlab in app-config to open pull requests there`,
    );
  }
}
