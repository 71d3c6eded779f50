import crypto from 'node:crypto';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import {
  Artifact,
  EnvironmentVersion,
  PinCommit,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  EnvironmentConfig,
  PromotionConfig,
  RepositoryConfig,
} from '../config';
import {
  createManifestEditor,
  ManifestEditError,
  PinnedValues,
} from './editors';
import { createTwoFilesPatch } from 'diff';
import { FileChange, FileCommit, GitMirror } from './GitMirror';
import {
  GitCredentialsProvider,
  PullRequestProviderFactory,
  PullRequestRef,
  PullRequestState,
} from './providers';
import { isLocalRepositoryPath } from './providers/repositoryUrl';
import { PromotionTarget, TargetResolver } from './TargetResolver';

/**
 * The branch tips one operation reads at: each repository is fetched at most
 * once per snapshot, so a request that looks at several environments (and
 * their history) pays for one fetch per repository, not one per look.
 */
export class GitSnapshot {
  private readonly tips = new Map<string, Promise<string>>();

  constructor(
    private readonly fetchTip: (repositoryId: string) => Promise<string>,
  ) {}

  tipOf(repositoryId: string): Promise<string> {
    let tip = this.tips.get(repositoryId);
    if (!tip) {
      tip = this.fetchTip(repositoryId);
      this.tips.set(repositoryId, tip);
    }
    return tip;
  }
}

/** What an environment runs now, as read from git. */
export interface EnvironmentPin {
  artifact: Artifact | null;
  commit: PinCommit | null;
}

/** What one environment pins now, from {@link GitOpsService.readPins}, or why it could not be read. */
export type PinRead = { artifact: Artifact | null } | { error: string };

/** The outcome of writing a promotion to git. */
export interface AppliedChange {
  /** The commit that carries the change (on the branch, or the pull request's head). */
  commitSha: string;
  /**
   * True when nothing was pushed because the branch already carries the
   * change: this promotion's commit (a retry after a crash), or another
   * writer's commit that pins exactly this build (`pinnedByAnotherWriter`).
   */
  alreadyApplied: boolean;
  /** The branch already pinned this build through someone else's commit (`commitSha`). */
  pinnedByAnotherWriter?: boolean;
  /** The pull request opened for it, with pull-request delivery. */
  pullRequest?: PullRequestRef;
}

/** One file of a planned change, as a unified diff. */
export interface PlannedChange {
  repository: string;
  path: string;
  diff: string;
}

export interface ApplyPromotionOptions {
  entity: Entity;
  environment: EnvironmentConfig;
  pin: PinnedValues;
  promotionId: string;
  /** When the request was made: its commit cannot be older (bounds the search for it). */
  requestedAt: Date;
  promotedBy: string;
  subject: string;
  /** `rollback` titles the commit "Roll back …" instead of "Promote …". */
  kind?: 'promotion' | 'rollback';
  reason?: string;
  /** More trailers for the commit message (e.g. the audit head, a bypass). */
  trailers?: Record<string, string>;
  /** Title and body of the pull request, for pull-request delivery. */
  pullRequest?: { title: string; body: string };
}

/**
 * How long a promotion keeps retrying rejected pushes. Writers on other
 * replicas (or CI) can win the race several times in a row under load, so
 * the bound is time, not a small number of attempts.
 */
const PUSH_RETRY_DEADLINE_MS = 60_000;

/** A file at a commit that is not valid YAML (or not readable as a manifest). */
const UNREADABLE = Symbol('unreadable');

/**
 * Reads what each environment pins and writes promotions as commits, through
 * one local mirror per configured repository.
 */
export class GitOpsService {
  private readonly mirrors = new Map<string, Promise<GitMirror>>();
  /** Tail of the queue of writes per repository in this process. */
  private readonly writeQueues = new Map<string, Promise<unknown>>();
  /** `readPin` answers per repository, commit, path and locator. */
  private readonly pins = new Map<string, Promise<PinnedValues | undefined>>();
  /** `readPins` answers per blob, path and locator (a blob never changes). */
  private readonly blobPins = new Map<string, PinnedValues | null | Error>();
  readonly targets: TargetResolver;

  constructor(
    private readonly options: {
      config: PromotionConfig;
      /** Folder for the local mirrors. */
      cacheDir: string;
      logger: LoggerService;
      /** Opens and merges pull requests, for pull-request delivery. */
      pullRequests?: PullRequestProviderFactory;
      /** Credentials for http(s) remotes. */
      credentials?: GitCredentialsProvider;
    },
  ) {
    this.targets = new TargetResolver(options.config);
  }

  private repository(id: string): RepositoryConfig {
    const repository = this.options.config.gitops.repositories.find(
      r => r.id === id,
    );
    if (!repository) throw new Error(`Unknown repository '${id}'`);
    return repository;
  }

  private mirror(id: string): Promise<GitMirror> {
    let mirror = this.mirrors.get(id);
    if (!mirror) {
      const { url, branch } = this.repository(id);
      const remote = isLocalRepositoryPath(url) ? path.resolve(url) : url;
      const key = crypto
        .createHash('sha256')
        .update(`${remote}#${branch}`)
        .digest('hex')
        .slice(0, 12);
      const credentials = this.options.credentials;
      mirror = GitMirror.open({
        gitDir: path.join(this.options.cacheDir, `${id}-${key}.git`),
        url: remote,
        branch,
        authorization: credentials
          ? () => credentials.authorizationHeader(remote)
          : undefined,
      });
      mirror.catch(() => this.mirrors.delete(id));
      this.mirrors.set(id, mirror);
    }
    return mirror;
  }

  /** Ends the mirrors' long-lived git processes. */
  async close(): Promise<void> {
    const mirrors = await Promise.allSettled(this.mirrors.values());
    this.mirrors.clear();
    for (const mirror of mirrors) {
      if (mirror.status === 'fulfilled') mirror.value.close();
    }
  }

  /**
   * Starts a snapshot: reads through it share one fetch per repository.
   * `recent` reads what a fetch within `maxReadAge` saw instead, for
   * pages that show state (a tab open in many browsers fetches once per
   * window); whatever decides what to write reads `latest`.
   */
  snapshot(freshness: 'latest' | 'recent' = 'latest'): GitSnapshot {
    if (freshness === 'latest') {
      return new GitSnapshot(async repositoryId =>
        (await this.mirror(repositoryId)).fetch(),
      );
    }
    const maxAgeMs = durationToMilliseconds(this.options.config.maxReadAge);
    return new GitSnapshot(async repositoryId =>
      (await this.mirror(repositoryId)).recentTip(maxAgeMs),
    );
  }

  /**
   * What the environment's (first) target file pins now and, unless
   * `withCommit` is false, the commit that pinned it. Requests skip the commit
   * look-up: it walks history, and a promotion's cost must not grow with it.
   */
  async readEnvironment(
    entity: Entity,
    environment: EnvironmentConfig,
    options: { withCommit?: boolean; snapshot?: GitSnapshot } = {},
  ): Promise<EnvironmentPin> {
    const [target] = this.targets.targetsFor(entity, environment);
    const mirror = await this.mirror(target.repositoryId);
    const tip = await (options.snapshot ?? this.snapshot()).tipOf(
      target.repositoryId,
    );
    const pin = await this.readPin(mirror, tip, target);
    if (!pin) return { artifact: null, commit: null };
    const commit =
      options.withCommit === false
        ? undefined
        : await mirror.lastCommitChanging(
            tip,
            target.path,
            pin.digest ?? pin.tag,
          );
    return {
      artifact: { image: target.locator.image, ...pin },
      commit: commit ? toPinCommit(commit) : null,
    };
  }

  /**
   * What each of many environments (of many entities) pins now, in the order
   * asked, without the commits that pinned them: for overviews of many
   * entities. Each repository's tree is walked once at its tip for all of
   * them through the mirror's batch process, and a manifest is parsed only
   * when its content is new: answers are kept by blob, which a moved branch
   * leaves as they were for every file it did not change. A read that fails
   * answers its error and leaves the others alone.
   */
  async readPins(
    reads: Array<{ entity: Entity; environment: EnvironmentConfig }>,
    options: { snapshot?: GitSnapshot } = {},
  ): Promise<PinRead[]> {
    const snapshot = options.snapshot ?? this.snapshot();
    const targets = reads.map(({ entity, environment }) => {
      try {
        return this.targets.targetsFor(entity, environment)[0];
      } catch (error) {
        return error as Error;
      }
    });
    const byRepository = new Map<string, PromotionTarget[]>();
    for (const target of targets) {
      if (target instanceof Error) continue;
      byRepository.set(target.repositoryId, [
        ...(byRepository.get(target.repositoryId) ?? []),
        target,
      ]);
    }
    const blobs = new Map<
      string,
      { mirror: GitMirror; found: Awaited<ReturnType<GitMirror['blobsAt']>> }
    >();
    await Promise.all(
      [...byRepository].map(async ([repositoryId, repositoryTargets]) => {
        try {
          const mirror = await this.mirror(repositoryId);
          const tip = await snapshot.tipOf(repositoryId);
          const found = await mirror.blobsAt(
            tip,
            repositoryTargets.map(t => t.path),
          );
          blobs.set(repositoryId, { mirror, found });
        } catch (error) {
          this.options.logger.warn(
            `Could not read repository '${repositoryId}': ${error}`,
          );
        }
      }),
    );
    return Promise.all(
      targets.map(async (target): Promise<PinRead> => {
        if (target instanceof Error) return { error: target.message };
        const repository = blobs.get(target.repositoryId);
        if (!repository)
          return {
            error: `Repository '${target.repositoryId}' could not be read`,
          };
        const blob = repository.found.get(target.path);
        if (!blob) return { artifact: null };
        if ('error' in blob) return { error: blob.error };
        const pin = await this.pinOfBlob(repository.mirror, blob.sha, target);
        if (pin instanceof Error) return { error: pin.message };
        return {
          artifact: pin && { image: target.locator.image, ...pin },
        };
      }),
    );
  }

  private async pinOfBlob(
    mirror: GitMirror,
    sha: string,
    target: PromotionTarget,
  ): Promise<PinnedValues | null | Error> {
    const key = [sha, target.path, JSON.stringify(target.locator)].join('\0');
    const known = this.blobPins.get(key);
    if (known !== undefined) return known;
    const text = await mirror.readBlob(sha);
    let pin: PinnedValues | null | Error;
    try {
      pin =
        createManifestEditor(target.locator).readPin(text ?? '', target.path) ??
        null;
    } catch (error) {
      pin = error instanceof Error ? error : new Error(String(error));
    }
    if (this.blobPins.size >= 50_000) this.blobPins.clear();
    this.blobPins.set(key, pin);
    return pin;
  }

  /**
   * The versions the environment ran, newest first: one entry per commit that
   * changed the pinned value (a commit that only reworded a comment is not a
   * version), among every commit that touched the file, or among the newest
   * `limit` of them. The whole history by default: a rollback may go back to
   * any build the environment ran, however long ago.
   */
  async readHistory(
    entity: Entity,
    environment: EnvironmentConfig,
    options: { limit?: number; snapshot?: GitSnapshot } = {},
  ): Promise<EnvironmentVersion[]> {
    const { limit } = options;
    const [target] = this.targets.targetsFor(entity, environment);
    const mirror = await this.mirror(target.repositoryId);
    const tip = await (options.snapshot ?? this.snapshot()).tipOf(
      target.repositoryId,
    );
    await mirror.assertNoSymlinks(tip, target.path);
    const editor = createManifestEditor(target.locator);
    const readPin = (
      content: string | undefined,
    ): PinnedValues | undefined | typeof UNREADABLE => {
      if (content === undefined) return undefined;
      try {
        return editor.readPin(content, target.path);
      } catch {
        return UNREADABLE;
      }
    };
    // One commit more than the window, to tell whether the window's oldest
    // version began inside it or before it.
    const versions = await mirror.fileVersions(
      tip,
      target.path,
      limit === undefined ? undefined : limit + 1,
    );
    const beyond =
      limit !== undefined && versions.length > limit
        ? versions.pop()
        : undefined;
    const history: EnvironmentVersion[] = [];
    let previous: string | undefined;
    let readableSeen = false;
    let opensWindow = false;
    for (const { commit, content } of versions.reverse()) {
      const pin = readPin(content);
      // A file that was not valid YAML could not be applied: whatever ran
      // before it kept running, so it neither ends nor starts a version.
      if (pin === UNREADABLE) continue;
      const key = pin ? describePin(pin) : undefined;
      if (pin && key !== previous) {
        if (history.length === 0) opensWindow = !readableSeen;
        history.push({
          artifact: { image: target.locator.image, ...pin },
          commit: toPinCommit(commit),
        });
      }
      previous = key;
      readableSeen = true;
    }
    const oldest = history[0];
    if (beyond && opensWindow) {
      const before = readPin(beyond.content);
      const pin = { tag: oldest.artifact.tag, digest: oldest.artifact.digest };
      if (
        before === UNREADABLE ||
        (before && describePin(before) === describePin(pin))
      ) {
        // The version was already pinned before the window: credit the
        // commit that pinned it, as readEnvironment does for the current one.
        const pinnedBy = await this.commitThatPinned(
          mirror,
          beyond.commit.sha,
          target,
          pin,
        );
        if (pinnedBy) oldest.commit = toPinCommit(pinnedBy);
      }
    }
    return history.reverse();
  }

  /**
   * The commit at or before `from` that set the pin: the newest commit that
   * changed how often its digest (or tag) occurs in the file and whose parent
   * pinned something else. A commit that only mentioned the value (say, in a
   * comment) is passed over; the search gives up after a few of those.
   */
  private async commitThatPinned(
    mirror: GitMirror,
    from: string,
    target: PromotionTarget,
    pin: PinnedValues,
  ) {
    const editor = createManifestEditor(target.locator);
    const pinAt = async (commit: string) => {
      const text = await mirror.readFile(commit, target.path);
      try {
        const read =
          text === undefined ? undefined : editor.readPin(text, target.path);
        return read ? describePin(read) : undefined;
      } catch {
        return UNREADABLE;
      }
    };
    const wanted = describePin(pin);
    let start = from;
    for (let step = 0; step < 5; step++) {
      const candidate = await mirror.lastCommitChanging(
        start,
        target.path,
        pin.digest ?? pin.tag,
      );
      if (!candidate || (await pinAt(candidate.sha)) !== wanted)
        return undefined;
      const parent = await mirror.parentOf(candidate.sha);
      const before = parent ? await pinAt(parent) : undefined;
      if (before !== wanted && before !== UNREADABLE) return candidate;
      if (!parent) return undefined;
      start = parent;
    }
    return undefined;
  }

  /**
   * What the target file pins at a commit. Answers are kept per commit (a
   * commit never changes), so the entity tab read again on an unmoved branch
   * parses no YAML; a file that cannot be read is asked again each time.
   */
  private readPin(
    mirror: GitMirror,
    commit: string,
    target: PromotionTarget,
  ): Promise<PinnedValues | undefined> {
    const key = [
      target.repositoryId,
      commit,
      target.path,
      JSON.stringify(target.locator),
    ].join('\0');
    let pin = this.pins.get(key);
    if (!pin) {
      pin = (async () => {
        await mirror.assertNoSymlinks(commit, target.path);
        const text = await mirror.readFile(commit, target.path);
        if (text === undefined) return undefined;
        return createManifestEditor(target.locator).readPin(text, target.path);
      })();
      pin.catch(() => this.pins.delete(key));
      if (this.pins.size >= 10_000) this.pins.clear();
      this.pins.set(key, pin);
    }
    return pin;
  }

  /**
   * Writes the pin into every target file of the environment, one commit per
   * repository. A rejected push is retried by re-applying the edit to the new
   * tip's content, never by replaying stale bytes; a commit that already
   * carries this promotion's id is recognised instead of repeated.
   */
  async applyPromotion(options: ApplyPromotionOptions): Promise<AppliedChange> {
    const targets = this.targets.targetsFor(
      options.entity,
      options.environment,
    );
    const byRepository = new Map<string, PromotionTarget[]>();
    for (const target of targets) {
      byRepository.set(target.repositoryId, [
        ...(byRepository.get(target.repositoryId) ?? []),
        target,
      ]);
    }
    let result: AppliedChange | undefined;
    for (const [repositoryId, repositoryTargets] of byRepository) {
      result = await this.serialised(repositoryId, () =>
        this.applyToRepository(repositoryId, repositoryTargets, options),
      );
    }
    return result!;
  }

  /**
   * Pushes the commit to a branch of its own and opens (or finds, after a
   * retry) the pull request into the environment's branch.
   */
  private async openPullRequest(
    mirror: GitMirror,
    commit: string,
    options: ApplyPromotionOptions,
  ): Promise<AppliedChange> {
    const head = promotionBranch(options);
    const pushed = await mirror.push(commit, { branch: head, force: true });
    if (!pushed.ok)
      throw new ConflictError(
        `Could not push branch ${head}: ${pushed.message}`,
      );
    const provider = this.pullRequestProvider(mirror.url);
    const pullRequest = await provider.open({
      repositoryUrl: mirror.url,
      base: mirror.branch,
      head,
      title:
        options.pullRequest?.title ?? commitMessage(options).split('\n')[0],
      body: options.pullRequest?.body ?? commitMessage(options),
    });
    return { commitSha: commit, alreadyApplied: false, pullRequest };
  }

  private pullRequestProvider(url: string) {
    if (!this.options.pullRequests) {
      throw new Error(
        'Pull-request delivery needs the integrations config of the repository host',
      );
    }
    return this.options.pullRequests.forRepository(url);
  }

  private async repositoryUrlOf(
    entity: Entity,
    environment: EnvironmentConfig,
  ) {
    const [target] = this.targets.targetsFor(entity, environment);
    return (await this.mirror(target.repositoryId)).url;
  }

  /** The state of a promotion's pull request. */
  async pullRequestState(
    entity: Entity,
    environment: EnvironmentConfig,
    ref: PullRequestRef,
  ): Promise<PullRequestState> {
    const url = await this.repositoryUrlOf(entity, environment);
    return this.pullRequestProvider(url).getState(url, ref);
  }

  /** Merges a promotion's pull request (merge: auto), only while its head is the promotion's commit. */
  async mergePullRequest(
    entity: Entity,
    environment: EnvironmentConfig,
    ref: PullRequestRef,
    headSha: string,
  ): Promise<void> {
    const url = await this.repositoryUrlOf(entity, environment);
    await this.pullRequestProvider(url).merge(url, ref, headSha);
  }

  /**
   * Closes a promotion's pull request without merging it, leaving its branch
   * in place; a pull request that is closed already is fine. Throws a
   * ConflictError when it was merged: the change reached the environment.
   */
  async closePullRequest(
    entity: Entity,
    environment: EnvironmentConfig,
    ref: PullRequestRef,
  ): Promise<void> {
    const url = await this.repositoryUrlOf(entity, environment);
    await this.pullRequestProvider(url).close(url, ref);
  }

  /**
   * The commit on the environment's branch that carries the promotion, if
   * any: found by its `Promotion-Id` trailer among the commits that touched
   * the target files, however far back (changed-path filters keep this cheap).
   */
  async findAppliedCommit(
    entity: Entity,
    environment: EnvironmentConfig,
    promotionId: string,
    requestedAt: Date,
  ) {
    const targets = this.targets.targetsFor(entity, environment);
    const mirror = await this.mirror(targets[0].repositoryId);
    const tip = await mirror.fetch();
    return mirror.findCommitWithTrailer(
      tip,
      'Promotion-Id',
      promotionId,
      targets.map(t => t.path),
      searchFrom(requestedAt),
    );
  }

  /**
   * The exact change a promotion would make, file by file, without writing
   * anything: the same edit as {@link applyPromotion}, on the current tip.
   */
  async planPromotion(
    entity: Entity,
    environment: EnvironmentConfig,
    pin: PinnedValues,
    snapshot: GitSnapshot = this.snapshot(),
  ): Promise<PlannedChange[]> {
    const planned: PlannedChange[] = [];
    for (const target of this.targets.targetsFor(entity, environment)) {
      const mirror = await this.mirror(target.repositoryId);
      const tip = await snapshot.tipOf(target.repositoryId);
      const { text, edited } = await editAt(mirror, tip, target, pin);
      planned.push({
        repository: target.repositoryId,
        path: target.path,
        // git's unified-diff layout, without jsdiff's `===` banner
        diff: createTwoFilesPatch(
          `a/${target.path}`,
          `b/${target.path}`,
          text,
          edited,
          undefined,
          undefined,
          {
            context: 3,
          },
        ).replace(/^=+\n/, ''),
      });
    }
    return planned;
  }

  /**
   * Runs writes to one repository one after another within this process, so
   * that promotions made here never race each other's pushes; writers on other
   * replicas are handled by the retry on a rejected push.
   */
  private serialised<T>(
    repositoryId: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const previous = this.writeQueues.get(repositoryId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.writeQueues.set(repositoryId, tail);
    tail.then(() => {
      if (this.writeQueues.get(repositoryId) === tail)
        this.writeQueues.delete(repositoryId);
    });
    return next;
  }

  private async applyToRepository(
    repositoryId: string,
    targets: PromotionTarget[],
    options: ApplyPromotionOptions,
  ): Promise<AppliedChange> {
    const mirror = await this.mirror(repositoryId);
    const deadline = Date.now() + PUSH_RETRY_DEADLINE_MS;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      const tip = await mirror.fetch();
      const existing = await mirror.findCommitWithTrailer(
        tip,
        'Promotion-Id',
        options.promotionId,
        targets.map(t => t.path),
        searchFrom(options.requestedAt),
      );
      if (existing) return { commitSha: existing, alreadyApplied: true };

      const changes: FileChange[] = [];
      for (const target of targets) {
        const { text, edited } = await editAt(mirror, tip, target, options.pin);
        if (edited !== text)
          changes.push({ path: target.path, content: edited });
      }
      if (changes.length === 0) {
        // Another writer (CI, a person, another tool) already pinned exactly
        // this build: the environment is where the promotion wanted it, so
        // that is its outcome, credited to the commit that did it.
        const [first] = targets;
        const pinnedBy = await mirror.lastCommitChanging(
          tip,
          first.path,
          options.pin.digest ?? options.pin.tag,
        );
        this.options.logger.info(
          `Promotion ${options.promotionId}: ${
            options.environment.name
          } already pins ${describePin(options.pin)} (commit ${(
            pinnedBy?.sha ?? tip
          ).slice(0, 8)}); nothing to push`,
        );
        return {
          commitSha: pinnedBy?.sha ?? tip,
          alreadyApplied: true,
          pinnedByAnotherWriter: true,
        };
      }
      const commit = await mirror.commit({
        parent: tip,
        changes,
        author: this.options.config.gitops.author,
        message: commitMessage(options),
      });
      if (options.environment.delivery === 'pull-request') {
        return this.openPullRequest(mirror, commit, options);
      }
      const pushed = await mirror.push(commit);
      if (pushed.ok) return { commitSha: commit, alreadyApplied: false };
      this.options.logger.info(
        `Push of promotion ${options.promotionId} to '${repositoryId}' was rejected (attempt ${attempt}); re-applying on the new tip`,
      );
      // Writers on other replicas lost the same race: back off exponentially,
      // with full jitter, so that they stop colliding.
      const backoff = Math.random() * Math.min(1000, 20 * 2 ** attempt);
      await new Promise(resolve => setTimeout(resolve, backoff));
    }
    throw new ConflictError(
      `Could not push to repository '${repositoryId}' within ${
        PUSH_RETRY_DEADLINE_MS / 1000
      }s: the branch keeps moving`,
    );
  }
}

/** Commit dates come from the clocks of whichever replica committed: allow a day of skew. */
function searchFrom(requestedAt: Date) {
  return new Date(requestedAt.getTime() - 24 * 3600_000);
}

/** A target file at a commit and the same file with the pin written into it. */
async function editAt(
  mirror: GitMirror,
  tip: string,
  target: PromotionTarget,
  pin: PinnedValues,
) {
  await mirror.assertNoSymlinks(tip, target.path);
  const text = await mirror.readFile(tip, target.path);
  if (text === undefined) {
    throw new ManifestEditError(
      target.path,
      `does not exist on branch ${mirror.branch} of repository '${target.repositoryId}'`,
    );
  }
  return {
    text,
    edited: createManifestEditor(target.locator).writePin(
      text,
      target.path,
      pin,
    ),
  };
}

function toPinCommit(commit: FileCommit): PinCommit {
  return {
    sha: commit.sha,
    author: commit.promotedBy ?? commit.authorName,
    date: commit.date,
    ...(commit.bypassedBy ? { bypassedBy: commit.bypassedBy } : {}),
  };
}

export function describePin(pin: PinnedValues): string {
  return [pin.tag, pin.digest].filter(Boolean).join('@');
}

function promotionBranch(options: ApplyPromotionOptions) {
  return `promotion/${options.subject}-${
    options.environment.name
  }-${options.promotionId.slice(0, 8)}`;
}

function commitMessage(options: ApplyPromotionOptions): string {
  const lines = [
    options.kind === 'rollback'
      ? `Roll back ${options.subject} in ${
          options.environment.name
        } to ${describePin(options.pin)}`
      : `Promote ${options.subject} to ${
          options.environment.name
        }: ${describePin(options.pin)}`,
    '',
  ];
  if (options.reason) lines.push(options.reason, '');
  lines.push(
    `Promotion-Id: ${options.promotionId}`,
    `Promoted-By: ${options.promotedBy}`,
  );
  for (const [key, value] of Object.entries(options.trailers ?? {}))
    lines.push(`${key}: ${value}`);
  lines.push('');
  return lines.join('\n');
}
