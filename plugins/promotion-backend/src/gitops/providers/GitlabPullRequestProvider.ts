import { ConflictError, InputError } from '@backstage/errors';
import {
  getGitLabRequestOptions,
  type GitLabIntegrationConfig,
} from '@backstage/integration';
import { parseGitlabProjectPath, toWebUrl } from './repositoryUrl';
import {
  PullRequestNotReadyError,
  ScmRetryLaterError,
  toScmError,
} from './scmErrors';
import type {
  OpenPullRequestOptions,
  PullRequestProvider,
  PullRequestRef,
  PullRequestState,
} from './types';

/** The fields of a GitLab v4 merge request that the promotion reads. */
interface GitlabMergeRequest {
  iid: number;
  web_url: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  /** The head of the source branch. */
  sha?: string;
  detailed_merge_status?: string;
}

interface GitlabAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

// Mergeability is computed asynchronously after a merge request is opened or
// its branches move; a merge refused in these states may succeed shortly.
const STILL_CHECKING = new Set([
  'unchecked',
  'checking',
  'preparing',
  'approvals_syncing',
]);
const RECHECK_DELAY_MS = 5_000;
/** How long to wait before trying a GitLab that could not be reached again. */
const UNREACHABLE_RETRY_DELAY_MS = 60_000;

/**
 * What GitLab's `detailed_merge_status` says about a merge request that
 * cannot be merged now; each of these can clear up while its head stays the
 * approved commit (people approve, fix, rebase, undraft or reopen it).
 */
const NOT_READY: Record<string, string> = {
  ci_still_running: 'the pipeline is still running',
  ci_must_pass: 'the pipeline must succeed first',
  status_checks_must_pass: 'external status checks must pass first',
  not_approved: 'it needs approvals',
  requested_changes: 'a reviewer requested changes',
  discussions_not_resolved: 'open threads must be resolved',
  draft_status: 'it is a draft',
  conflict: 'the branch conflicts with the target',
  need_rebase: 'the branch must be rebased',
  merge_request_blocked: 'another merge request blocks it',
  merge_time: 'it may merge only later',
  not_open: 'it is not open',
  commits_status: 'its commits do not meet the project rules',
  jira_association_missing: 'the title or description must name a Jira issue',
  security_policy_violations: 'security policies must be satisfied',
};

/**
 * GitLab explains errors as `{ message: string }`, `{ message: string[] }`,
 * `{ message: { field: string[] } }` or, for OAuth, `{ error, error_description }`.
 */
function explain(body: unknown): string {
  if (typeof body === 'string') {
    // An error page of a proxy can be long; its start says what it is.
    return body.length > 300 ? `${body.slice(0, 300)}…` : body;
  }
  if (typeof body !== 'object' || body === null) {
    return '';
  }
  const { message, error, error_description } = body as Record<string, unknown>;
  if (typeof message === 'string') {
    return message;
  }
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  if (typeof message === 'object' && message !== null) {
    return Object.entries(message)
      .map(([field, problems]) => `${field} ${[problems].flat().join(', ')}`)
      .join('; ');
  }
  return [error, error_description]
    .filter(part => typeof part === 'string')
    .join(': ');
}

/**
 * Merge requests on GitLab (gitlab.com or self-managed), through its v4 REST
 * API.
 *
 * This calls the five endpoints it needs with `fetch` rather than through
 * `@gitbeaker/rest`: gitbeaker answers a 429 by retrying ten times within a
 * quarter of a second and then drops the answer's `Retry-After`, so it can
 * neither respect GitLab's rate limit nor tell the scheduler when to retry.
 */
export class GitlabPullRequestProvider implements PullRequestProvider {
  private readonly config: GitLabIntegrationConfig;

  /** @param config - one `integrations.gitlab` entry, as read by `ScmIntegrations`. */
  constructor(config: GitLabIntegrationConfig) {
    this.config = config;
  }

  async open(options: OpenPullRequestOptions): Promise<PullRequestRef> {
    const { base, head, title, body } = options;
    const project = this.projectPath(options.repositoryUrl);
    const subject = `project ${project}`;
    const created = await this.call(
      'POST',
      `${this.projectApi(project)}/merge_requests`,
      {
        source_branch: head,
        target_branch: base,
        title,
        description: body,
      },
    );
    if (created.status === 201) {
      return this.toRef(created.body as GitlabMergeRequest);
    }
    // "Another open merge request already exists for this source branch: !12"
    // (409; some GitLab versions answer 422).
    if (
      (created.status === 409 || created.status === 422) &&
      /already exists/i.test(explain(created.body))
    ) {
      const query = new URLSearchParams({
        state: 'opened',
        source_branch: head,
        target_branch: base,
      });
      const listed = await this.call(
        'GET',
        `${this.projectApi(project)}/merge_requests?${query}`,
      );
      if (listed.status !== 200) {
        throw this.toError(listed, subject);
      }
      const existing = (listed.body as GitlabMergeRequest[])[0];
      if (!existing) {
        throw new ConflictError(
          `GitLab reports a merge request from ${head} into ${base} of ${project}, but none is open; try again`,
        );
      }
      return this.toRef(existing);
    }
    throw this.toError(created, subject);
  }

  async getState(
    repositoryUrl: string,
    ref: PullRequestRef,
  ): Promise<PullRequestState> {
    const mergeRequest = await this.show(
      this.projectPath(repositoryUrl, ref),
      ref,
    );
    switch (mergeRequest.state) {
      case 'merged':
        return 'merged';
      case 'closed':
        return 'closed';
      default:
        // `locked` is the short moment while GitLab merges: still open.
        return 'open';
    }
  }

  async merge(
    repositoryUrl: string,
    ref: PullRequestRef,
    headSha?: string,
  ): Promise<void> {
    const project = this.projectPath(repositoryUrl, ref);
    const answer = await this.call(
      'PUT',
      `${this.mergeRequestApi(project, ref)}/merge`,
      headSha ? { sha: headSha } : {},
    );
    if (answer.status === 200) {
      return;
    }
    // 409: the source branch is no longer `sha`. 405 (draft, closed,
    // pipeline, approvals, or already merged), 406 (conflicts) and 422
    // (newer versions, for either): not mergeable now.
    if ([405, 406, 409, 422].includes(answer.status)) {
      const subject = `merge request !${ref.number} of ${project}`;
      const why = explain(answer.body);
      const current = await this.show(project, ref);
      // A crashed promotion that is resumed merges again: done is done.
      if (current.state === 'merged') {
        return;
      }
      if (answer.status === 409) {
        throw new ConflictError(`${subject} cannot be merged: ${why}`);
      }
      if (headSha && current.sha && current.sha !== headSha) {
        throw new ConflictError(
          `${subject} cannot be merged: its head is now ${current.sha.slice(
            0,
            8,
          )}, not the approved ${headSha.slice(0, 8)}`,
        );
      }
      const status = current.detailed_merge_status;
      if (status && STILL_CHECKING.has(status)) {
        throw new ScmRetryLaterError(
          `GitLab is still checking whether ${subject} can be merged (${status})`,
          new Date(Date.now() + RECHECK_DELAY_MS),
        );
      }
      const meaning =
        (status && NOT_READY[status]) ?? 'it cannot be merged yet';
      throw new PullRequestNotReadyError(
        `${subject} is not ready to merge: ${why} (${
          status ?? 'unknown'
        }: ${meaning})`,
        status,
      );
    }
    throw this.toError(answer, `merge request !${ref.number} of ${project}`);
  }

  async close(repositoryUrl: string, ref: PullRequestRef): Promise<void> {
    const project = this.projectPath(repositoryUrl, ref);
    const subject = `merge request !${ref.number} of ${project}`;
    const answer = await this.call('PUT', this.mergeRequestApi(project, ref), {
      state_event: 'close',
    });
    let mergeRequest: GitlabMergeRequest;
    if (answer.status === 200) {
      // GitLab ignores a `close` that its state machine does not allow (a
      // merged or already closed merge request) and answers 200 with the
      // state as it is, which is what decides.
      mergeRequest = answer.body as GitlabMergeRequest;
    } else if ([400, 405, 406, 409, 422].includes(answer.status)) {
      // Refusals that may stem from the state; what it is now decides.
      mergeRequest = await this.show(project, ref);
      if (mergeRequest.state !== 'merged' && mergeRequest.state !== 'closed') {
        throw this.toError(answer, subject);
      }
    } else {
      throw this.toError(answer, subject);
    }
    switch (mergeRequest.state) {
      case 'closed':
        return;
      case 'merged':
        throw new ConflictError(
          `${subject} cannot be closed: it was merged already, so its change has landed`,
        );
      case 'locked':
        // GitLab is merging it right now; it will end up merged, which a
        // retry then reports.
        throw new ScmRetryLaterError(
          `${subject} cannot be closed while GitLab is merging it`,
          new Date(Date.now() + RECHECK_DELAY_MS),
        );
      default:
        throw new Error(
          `GitLab left ${subject} ${mergeRequest.state} when asked to close it on ${this.config.host}`,
        );
    }
  }

  private async show(
    project: string,
    ref: PullRequestRef,
  ): Promise<GitlabMergeRequest> {
    const answer = await this.call('GET', this.mergeRequestApi(project, ref));
    if (answer.status !== 200) {
      throw this.toError(answer, `merge request !${ref.number} of ${project}`);
    }
    return answer.body as GitlabMergeRequest;
  }

  private projectPath(repositoryUrl: string, ref?: PullRequestRef): string {
    if (ref && ref.provider !== 'gitlab') {
      throw new InputError(
        `${ref.url} is a ${ref.provider} pull request, not a GitLab merge request`,
      );
    }
    const url = toWebUrl(repositoryUrl);
    if (!url || url.host !== this.config.host) {
      throw new InputError(
        `${repositoryUrl} is not a project on ${this.config.host}`,
      );
    }
    return parseGitlabProjectPath(url, this.config.baseUrl);
  }

  private projectApi(project: string): string {
    // A project path is one URL segment, slashes encoded (`group%2Fsub%2Frepo`).
    return `/projects/${encodeURIComponent(project)}`;
  }

  private mergeRequestApi(project: string, ref: PullRequestRef): string {
    return `${this.projectApi(project)}/merge_requests/${ref.number}`;
  }

  private toRef(mergeRequest: GitlabMergeRequest): PullRequestRef {
    return {
      provider: 'gitlab',
      number: mergeRequest.iid,
      url: mergeRequest.web_url,
    };
  }

  private async call(
    method: string,
    path: string,
    body?: object,
  ): Promise<GitlabAnswer> {
    const { host, token } = this.config;
    if (!token) {
      throw new InputError(
        `No credentials to open merge requests on ${host}: add a token for host ${host} under integrations.gitlab in app-config`,
      );
    }
    const url = `${this.config.apiBaseUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        ...getGitLabRequestOptions(this.config, token).headers,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    }).catch(error => {
      // fetch only says "fetch failed"; say where, with the reason it hides.
      const reason = error?.cause?.message ?? error?.message ?? String(error);
      // A host that cannot be reached now may be back in a minute: the
      // caller waits, as it does for a 5xx, rather than giving up.
      throw new ScmRetryLaterError(
        `Could not reach GitLab at ${this.config.apiBaseUrl} (apiBaseUrl of host ${host} under integrations.gitlab): ${reason}`,
        new Date(Date.now() + UNREACHABLE_RETRY_DELAY_MS),
      );
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Proxies in front of GitLab answer errors in HTML or plain text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  private toError(answer: GitlabAnswer, subject: string): Error {
    const message = explain(answer.body);
    const known = toScmError({
      provider: 'gitlab',
      host: this.config.host,
      subject,
      status: answer.status,
      message,
      header: name => answer.headers.get(name) ?? undefined,
    });
    if (known) {
      return known;
    }
    if (answer.status === 400 || answer.status === 422) {
      return new InputError(
        `GitLab refused the request for ${subject}: ${message}`,
      );
    }
    return new Error(
      `GitLab answered ${answer.status} for ${subject} on ${this.config.host}: ${message}`,
    );
  }
}
