import { ConflictError, InputError } from '@backstage/errors';
import type {
  GithubCredentialsProvider,
  GithubIntegrationConfig,
} from '@backstage/integration';
import { Octokit } from '@octokit/core';
import { parseGithubRepository, toWebUrl } from './repositoryUrl';
import { PullRequestNotReadyError, toScmError } from './scmErrors';
import type {
  OpenPullRequestOptions,
  PullRequestProvider,
  PullRequestRef,
  PullRequestState,
} from './types';

/**
 * Makes an authenticated client for one repository. It is called for every
 * operation rather than once, because GitHub App installation tokens expire
 * within the hour and the credentials provider renews them.
 */
export type GithubClientFactory = (repositoryUrl: string) => Promise<Octokit>;

// The shape of Octokit's RequestError, read structurally so that this file
// depends only on @octokit/core.
interface GithubRequestError {
  status: number;
  message: string;
  response?: {
    headers: Record<string, string | number | undefined>;
    data?: unknown;
  };
}

interface GithubErrorBody {
  message?: string;
  errors?: Array<string | { message?: string; field?: string; code?: string }>;
}

function isRequestError(error: unknown): error is GithubRequestError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as GithubRequestError).status === 'number'
  );
}

function errorBody(error: GithubRequestError): GithubErrorBody {
  const data = error.response?.data;
  return typeof data === 'object' && data !== null
    ? (data as GithubErrorBody)
    : {};
}

/** GitHub's explanation, with the validation details that a 422 carries. */
function explain(error: GithubRequestError): string {
  const body = errorBody(error);
  const details = (body.errors ?? []).map(detail =>
    typeof detail === 'string'
      ? detail
      : detail.message ?? [detail.field, detail.code].filter(Boolean).join(' '),
  );
  return [body.message ?? error.message, ...details].join(': ');
}

/**
 * What GitHub's `mergeable_state` of a pull request that cannot be merged
 * says, for the message of a PullRequestNotReadyError.
 */
function mergeableStateMeaning(
  state: string | undefined,
  base: string,
): string {
  switch (state) {
    case 'blocked':
      return 'required checks or reviews have not passed yet';
    case 'dirty':
      return `the branch conflicts with ${base}`;
    case 'behind':
      return `the branch must be brought up to date with ${base}`;
    case 'draft':
      return 'it is a draft';
    case 'unknown':
    case undefined:
      return 'GitHub is still working out whether it can be merged';
    default:
      return 'it cannot be merged yet';
  }
}

/** Pull requests on GitHub or GitHub Enterprise, through its REST API. */
export class GithubPullRequestProvider implements PullRequestProvider {
  /**
   * A provider for one `integrations.github` entry. The token comes from the
   * credentials provider for each repository, so a GitHub App installed on
   * the repository's owner is used when configured, else the plain token.
   */
  static fromIntegration(options: {
    config: GithubIntegrationConfig;
    credentialsProvider: GithubCredentialsProvider;
  }): GithubPullRequestProvider {
    const { config, credentialsProvider } = options;
    // GitHub Enterprise always serves its REST API under /api/v3. Falling back
    // to it, rather than to Octokit's default api.github.com, keeps an
    // Enterprise token from ever being sent to github.com.
    const baseUrl = config.apiBaseUrl ?? `https://${config.host}/api/v3`;
    return new GithubPullRequestProvider({
      host: config.host,
      createClient: async repositoryUrl => {
        const { token } = await credentialsProvider.getCredentials({
          url: repositoryUrl,
        });
        if (!token) {
          throw new InputError(
            `No credentials to open pull requests on ${config.host}: add a token or a GitHub App for host ` +
              `${config.host} under integrations.github in app-config`,
          );
        }
        return new Octokit({ auth: token, baseUrl });
      },
    });
  }

  private readonly host: string;
  private readonly createClient: GithubClientFactory;

  constructor(options: { host: string; createClient: GithubClientFactory }) {
    this.host = options.host;
    this.createClient = options.createClient;
  }

  async open(options: OpenPullRequestOptions): Promise<PullRequestRef> {
    const { base, head, title, body } = options;
    const { owner, repo, octokit } = await this.connect(options.repositoryUrl);
    try {
      const { data } = await octokit.request(
        'POST /repos/{owner}/{repo}/pulls',
        {
          owner,
          repo,
          base,
          head,
          title,
          body,
        },
      );
      return { provider: 'github', number: data.number, url: data.html_url };
    } catch (error) {
      if (
        isRequestError(error) &&
        error.status === 422 &&
        /pull request already exists/i.test(explain(error))
      ) {
        return this.findOpen(octokit, owner, repo, base, head);
      }
      throw this.toError(error, `repository ${owner}/${repo}`);
    }
  }

  async getState(
    repositoryUrl: string,
    ref: PullRequestRef,
  ): Promise<PullRequestState> {
    const connection = await this.connect(repositoryUrl, ref);
    const data = await this.readPullRequest(connection, ref);
    if (isMerged(data)) {
      return 'merged';
    }
    return data.state === 'closed' ? 'closed' : 'open';
  }

  async merge(
    repositoryUrl: string,
    ref: PullRequestRef,
    headSha?: string,
  ): Promise<void> {
    const connection = await this.connect(repositoryUrl, ref);
    const { owner, repo, octokit } = connection;
    const subject = pullRequestName(connection, ref);
    try {
      await octokit.request(
        'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
        {
          owner,
          repo,
          pull_number: ref.number,
          ...(headSha ? { sha: headSha } : {}),
        },
      );
    } catch (error) {
      // 409: the head is no longer `sha`. 405: not mergeable now (checks or
      // reviews pending, a conflict, a draft, mergeability not computed
      // yet), the merge method is not allowed, or it was merged already.
      if (
        isRequestError(error) &&
        (error.status === 405 || error.status === 409)
      ) {
        const why = explain(error);
        const data = await this.readPullRequest(connection, ref);
        // A crashed promotion that is resumed merges again: done is done.
        if (isMerged(data)) {
          return;
        }
        if (error.status === 409) {
          throw new ConflictError(`${subject} cannot be merged: ${why}`);
        }
        if (headSha && data.head.sha !== headSha) {
          throw new ConflictError(
            `${subject} cannot be merged: its head is now ${data.head.sha.slice(
              0,
              8,
            )}, not the approved ${headSha.slice(0, 8)}`,
          );
        }
        if (/are not allowed on this repository/i.test(why)) {
          throw new InputError(
            `${subject} cannot be merged: ${why}; promotions merge with a merge commit: allow merge commits ` +
              `in the settings of ${owner}/${repo}, or use merge: manual`,
          );
        }
        const state = data.mergeable_state;
        throw new PullRequestNotReadyError(
          `${subject} is not ready to merge: ${why} (${
            state ?? 'unknown'
          }: ${mergeableStateMeaning(state, data.base.ref)})`,
          state,
        );
      }
      throw this.toError(error, subject);
    }
  }

  async close(repositoryUrl: string, ref: PullRequestRef): Promise<void> {
    const connection = await this.connect(repositoryUrl, ref);
    const { owner, repo, octokit } = connection;
    const subject = pullRequestName(connection, ref);
    const mergedError = () =>
      new ConflictError(
        `${subject} cannot be closed: it was merged already, so its change has landed`,
      );
    let merged: boolean;
    try {
      // Closing a closed pull request is a no-op that answers 200; so is
      // closing a merged one, whose answer says `merged`.
      const { data } = await octokit.request(
        'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
        {
          owner,
          repo,
          pull_number: ref.number,
          state: 'closed',
        },
      );
      merged = isMerged(data);
    } catch (error) {
      if (!isRequestError(error) || error.status !== 422) {
        throw this.toError(error, subject);
      }
      // Some GitHub versions refuse to edit a merged pull request with a 422
      // instead; what the pull request is now tells that apart from a real
      // validation failure.
      const data = await this.readPullRequest(connection, ref);
      if (isMerged(data)) {
        throw mergedError();
      }
      if (data.state === 'closed') {
        return;
      }
      throw this.toError(error, subject);
    }
    if (merged) {
      throw mergedError();
    }
  }

  /** The pull request as GitHub has it now, its errors mapped as every call's are. */
  private async readPullRequest(connection: Connection, ref: PullRequestRef) {
    const { owner, repo, octokit } = connection;
    try {
      const { data } = await octokit.request(
        'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        { owner, repo, pull_number: ref.number },
      );
      return data;
    } catch (error) {
      throw this.toError(error, pullRequestName(connection, ref));
    }
  }

  private async connect(repositoryUrl: string, ref?: PullRequestRef) {
    if (ref && ref.provider !== 'github') {
      throw new InputError(
        `${ref.url} is a ${ref.provider} merge request, not a GitHub pull request`,
      );
    }
    const url = toWebUrl(repositoryUrl);
    if (!url || url.host !== this.host) {
      throw new InputError(
        `${repositoryUrl} is not a repository on ${this.host}`,
      );
    }
    const { owner, repo } = parseGithubRepository(url);
    const octokit = await this.createClient(
      `https://${url.host}/${owner}/${repo}`,
    );
    return { owner, repo, octokit };
  }

  private async findOpen(
    octokit: Octokit,
    owner: string,
    repo: string,
    base: string,
    head: string,
  ): Promise<PullRequestRef> {
    try {
      // The `head` filter of the list needs the `owner:branch` form.
      const { data } = await octokit.request(
        'GET /repos/{owner}/{repo}/pulls',
        {
          owner,
          repo,
          base,
          head: head.includes(':') ? head : `${owner}:${head}`,
          state: 'open',
        },
      );
      const existing = data[0];
      if (!existing) {
        throw new ConflictError(
          `GitHub reports a pull request from ${head} into ${base} of ${owner}/${repo}, but none is open; try again`,
        );
      }
      return {
        provider: 'github',
        number: existing.number,
        url: existing.html_url,
      };
    } catch (error) {
      throw this.toError(error, `repository ${owner}/${repo}`);
    }
  }

  private toError(error: unknown, subject: string): Error {
    if (!isRequestError(error)) {
      return error as Error;
    }
    const headers = error.response?.headers ?? {};
    const known = toScmError({
      provider: 'github',
      host: this.host,
      subject,
      status: error.status,
      message: explain(error),
      header: name => {
        const value = headers[name];
        return value === undefined ? undefined : String(value);
      },
    });
    if (known) {
      return known;
    }
    if (error.status === 422) {
      return new InputError(
        `GitHub refused the request for ${subject}: ${explain(error)}`,
      );
    }
    return new Error(
      `GitHub answered ${error.status} for ${subject} on ${
        this.host
      }: ${explain(error)}`,
    );
  }
}

type Connection = Awaited<ReturnType<GithubPullRequestProvider['connect']>>;

/** How messages name a pull request: `pull request #7 of acme/gitops`. */
function pullRequestName(
  connection: Pick<Connection, 'owner' | 'repo'>,
  ref: PullRequestRef,
) {
  return `pull request #${ref.number} of ${connection.owner}/${connection.repo}`;
}

function isMerged(data: {
  merged?: boolean;
  merged_at: string | null;
}): boolean {
  return Boolean(data.merged || data.merged_at);
}
