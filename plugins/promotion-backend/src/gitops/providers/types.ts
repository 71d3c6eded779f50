export type PullRequestState = 'open' | 'merged' | 'closed';

export interface PullRequestRef {
  provider: 'github' | 'gitlab';
  /** GitHub's pull request number, or GitLab's project-scoped merge request `iid`. */
  number: number;
  url: string;
}

export interface OpenPullRequestOptions {
  repositoryUrl: string;
  base: string;
  head: string;
  title: string;
  body: string;
}

export interface PullRequestProvider {
  /** Opens a PR/MR from head into base; when one is already open for head, returns it (idempotent: a retried promotion never opens two). */
  open(options: OpenPullRequestOptions): Promise<PullRequestRef>;
  getState(
    repositoryUrl: string,
    ref: PullRequestRef,
  ): Promise<PullRequestState>;
  /**
   * Merges; resolves when it is merged (also when it was already). With
   * `headSha`, the host merges only while the request's head is still that
   * commit: what people approved is what lands, not a later push to the
   * promotion branch.
   *
   * Throws a ConflictError only when the head is no longer `headSha`, which
   * waiting cannot fix; a PullRequestNotReadyError (or a ScmRetryLaterError)
   * when it may become mergeable: checks or reviews pending, a conflict
   * people can resolve, mergeability not computed yet.
   */
  merge(
    repositoryUrl: string,
    ref: PullRequestRef,
    headSha?: string,
  ): Promise<void>;
  /**
   * Closes without merging; the branch and everything else stay. Resolves
   * when it is closed (also when it was already), so a retried close is
   * harmless.
   *
   * Throws a ConflictError when it was merged: the change landed, and the
   * caller must treat it as applied rather than withdrawn.
   */
  close(repositoryUrl: string, ref: PullRequestRef): Promise<void>;
}

export interface PullRequestProviderFactory {
  forRepository(repositoryUrl: string): PullRequestProvider;
}

/** Git credentials for https remotes, as an HTTP header value for `http.extraHeader`. */
export interface GitCredentialsProvider {
  authorizationHeader(repositoryUrl: string): Promise<string | undefined>;
}
