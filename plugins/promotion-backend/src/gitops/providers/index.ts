/**
 * Pull and merge requests on GitHub and GitLab, and git credentials for
 * https remotes, all from Backstage's `integrations` config.
 */
export type {
  GitCredentialsProvider,
  OpenPullRequestOptions,
  PullRequestProvider,
  PullRequestProviderFactory,
  PullRequestRef,
  PullRequestState,
} from './types';
export { GithubPullRequestProvider } from './GithubPullRequestProvider';
export type { GithubClientFactory } from './GithubPullRequestProvider';
export { GitlabPullRequestProvider } from './GitlabPullRequestProvider';
export { ScmPullRequestProviderFactory } from './ScmPullRequestProviderFactory';
export type {
  GithubPullRequestProviderCreator,
  GitlabPullRequestProviderCreator,
  ScmPullRequestProviderFactoryOptions,
} from './ScmPullRequestProviderFactory';
export { ScmGitCredentialsProvider } from './ScmGitCredentialsProvider';
export { PullRequestNotReadyError, ScmRetryLaterError } from './scmErrors';
export { renderPullRequestBody } from './renderPullRequestBody';
export type { PullRequestBodyInput } from './renderPullRequestBody';
export { toWebUrl } from './repositoryUrl';
