import fs from 'node:fs/promises';
import { NotAllowedError } from '@backstage/errors';
import { classifyPushFailure } from './pushFailure';
import { GitObjects, TreeEntry } from './GitObjects';
import { GitCommandError, runGit } from './runGit';

/** One file's new content in a commit. */
export interface FileChange {
  path: string;
  content: string;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

/** A commit that changed a file, as the pipeline and history show it. */
export interface FileCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  date: string;
  /** Value of the `Promoted-By` trailer, when the commit has one. */
  promotedBy?: string;
  /** Value of the `Bypassed-By` trailer: the change skipped gates or approvals in an emergency. */
  bypassedBy?: string;
}

/** Resolves the `Authorization` header value for the remote, if any. */
export type AuthorizationSource = () => Promise<string | undefined>;

export type PushResult =
  | { ok: true }
  | { ok: false; rejected: true; message: string };

const SYMLINK_MODE = '120000';
/** A full commit id (SHA-1 or SHA-256), as opposed to a ref name. */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const LOG_FORMAT =
  '%H%x1f%an%x1f%ae%x1f%cI%x1f%(trailers:key=Promoted-By,valueonly,separator=%x2C)%x1f%(trailers:key=Bypassed-By,valueonly,separator=%x2C)%x1e';

/**
 * A bare local mirror of one branch of a GitOps repository.
 *
 * Reads and commits work on git objects only: no work tree is checked out
 * and a commit rewrites just the trees on the changed files' paths, so the
 * cost of a promotion does not grow with the size of the repository or its
 * history. Fetches are incremental and serialised per mirror, because two
 * concurrent fetches into one ref fail on git's ref lock.
 */
export class GitMirror {
  private fetching: Promise<string> | undefined;
  /** The tip the last fetch (or push) saw, and when it began: the remote was there then or later. */
  private lastKnown: { tip: string; at: number } | undefined;
  /** `lastCommitChanging` answers per commit, path and value (commits never change). */
  private readonly commitLookups = new Map<
    string,
    Promise<FileCommit | undefined>
  >();
  private hasChangedPathFilters = false;
  /** Paths already checked for symbolic links, per commit (trees never change). */
  private readonly checkedPaths = new Set<string>();
  /** Object reads and tree writes, without a git process per object. */
  private readonly objects: GitObjects;
  /** Tree entries by name, per tree sha (trees never change), for {@link blobsAt}. */
  private readonly trees = new Map<string, Promise<Map<string, TreeEntry>>>();

  private constructor(
    private readonly gitDir: string,
    readonly url: string,
    readonly branch: string,
    private readonly authorization?: AuthorizationSource,
  ) {
    this.objects = new GitObjects(gitDir);
  }

  static async open(options: {
    gitDir: string;
    url: string;
    branch: string;
    /** The `Authorization` header for an http(s) remote, e.g. from Backstage's integrations. */
    authorization?: AuthorizationSource;
  }) {
    const { gitDir, url, branch, authorization } = options;
    try {
      await fs.access(`${gitDir}/HEAD`);
    } catch {
      await fs.mkdir(gitDir, { recursive: true });
      await runGit(['init', '--bare', '--quiet', gitDir]);
    }
    return new GitMirror(gitDir, url, branch, authorization);
  }

  private git(
    args: string[],
    options: { input?: string; env?: Record<string, string> } = {},
  ) {
    return runGit(args, { gitDir: this.gitDir, ...options });
  }

  /**
   * Runs a command that talks to the remote. Credentials go in through
   * environment config (never the command line, where other users of the
   * machine could read them) and only for http(s) remotes.
   */
  private async gitRemote(args: string[]) {
    const header = /^https?:\/\//.test(this.url)
      ? await this.authorization?.()
      : undefined;
    const env: Record<string, string> = header
      ? {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'http.extraHeader',
          GIT_CONFIG_VALUE_0: `Authorization: ${header}`,
        }
      : {};
    return this.git(args, { env });
  }

  private get trackingRef() {
    return `refs/promotion/${this.branch}`;
  }

  /** Fetches the branch and returns its tip; concurrent callers share one fetch. */
  fetch(): Promise<string> {
    if (!this.fetching) {
      this.fetching = (async () => {
        const startedAt = Date.now();
        try {
          await this.gitRemote([
            'fetch',
            '--quiet',
            '--no-tags',
            '--force',
            this.url,
            `refs/heads/${this.branch}:${this.trackingRef}`,
          ]);
          await this.ensureChangedPathFilters();
          const tip = await this.shaOf(this.trackingRef);
          this.remember(tip, startedAt);
          return tip;
        } finally {
          this.fetching = undefined;
        }
      })();
    }
    return this.fetching;
  }

  /**
   * The branch tip as the remote had it at most `maxAgeMs` ago: the last
   * fetch's (or this mirror's own push's) when it is that recent, else a new
   * fetch. Pages that many people keep open read through this, so reading
   * them again runs no git command while the window lasts.
   */
  recentTip(maxAgeMs: number): Promise<string> {
    const known = this.lastKnown;
    if (known && Date.now() - known.at <= maxAgeMs)
      return Promise.resolve(known.tip);
    return this.fetch();
  }

  /** Keeps the newest sighting: a fetch that began before a push ended after it saw less. */
  private remember(tip: string, at: number) {
    if (!this.lastKnown || this.lastKnown.at <= at)
      this.lastKnown = { tip, at };
  }

  /**
   * Writes a commit-graph with changed-path Bloom filters once. With it,
   * `git log -- <path>` skips the commits that did not touch the path
   * without diffing their trees, so reading an environment's history costs
   * the same with 1,000 or 20,000 commits of other apps' history.
   */
  private async ensureChangedPathFilters() {
    if (this.hasChangedPathFilters) return;
    const marker = `${this.gitDir}/promotion-changed-paths`;
    const written = await fs.access(marker).then(
      () => true,
      () => false,
    );
    if (!written) {
      await this.git([
        'commit-graph',
        'write',
        '--reachable',
        '--changed-paths',
      ]);
      // From now on every fetch adds a commit-graph layer, and layers keep the
      // changed-path filters of the graph they are written on. (Set only now:
      // a fetch that wrote a graph first would have written it without them.)
      await this.git(['config', 'fetch.writeCommitGraph', 'true']);
      await fs.writeFile(
        marker,
        'commit-graph with changed-path filters written\n',
      );
    }
    this.hasChangedPathFilters = true;
  }

  /** Ends the mirror's long-lived git processes (they end with the backend too). */
  close() {
    this.objects.close();
  }

  private async shaOf(name: string): Promise<string> {
    const object = await this.objects.read(name);
    if (!object)
      throw new Error(`${name} does not exist in the mirror of ${this.url}`);
    return object.sha;
  }

  /** The file's content at a commit, or undefined when the path is not a file there. */
  async readFile(commit: string, path: string): Promise<string | undefined> {
    const object = await this.objects.read(`${commit}:${path}`);
    return object?.type === 'blob'
      ? object.content.toString('utf8')
      : undefined;
  }

  /**
   * The blob at each path at a commit, found by walking trees from the
   * commit's root through the mirror's one `cat-file --batch` process. A tree
   * on many paths (say `apps/`) is read once, and trees are kept by sha, so
   * after the branch moved only the trees on changed paths are read again.
   * A path that is no file there answers undefined; one that reaches through
   * a symbolic link answers an error, as {@link assertNoSymlinks} refuses it.
   */
  async blobsAt(
    commit: string,
    paths: Iterable<string>,
  ): Promise<Map<string, { sha: string } | { error: string } | undefined>> {
    const root = await this.shaOf(`${commit}^{tree}`);
    const wanted = [...new Set(paths)];
    const found = await Promise.all(
      wanted.map(async path => {
        const parts = path.split('/');
        let tree = root;
        for (const [i, part] of parts.entries()) {
          const entry = (await this.treeEntries(tree)).get(part);
          if (entry?.mode === SYMLINK_MODE) {
            const link = parts.slice(0, i + 1).join('/');
            return {
              error: `'${link}' is a symbolic link; promotion paths may not pass through links`,
            };
          }
          if (i === parts.length - 1)
            return entry?.type === 'blob' ? { sha: entry.sha } : undefined;
          if (entry?.type !== 'tree') return undefined;
          tree = entry.sha;
        }
        return undefined;
      }),
    );
    return new Map(wanted.map((path, i) => [path, found[i]]));
  }

  private treeEntries(sha: string): Promise<Map<string, TreeEntry>> {
    let entries = this.trees.get(sha);
    if (!entries) {
      entries = this.objects
        .readTree(sha)
        .then(list => new Map(list.map(entry => [entry.name, entry])));
      entries.catch(() => this.trees.delete(sha));
      if (this.trees.size >= 50_000) this.trees.clear();
      this.trees.set(sha, entries);
    }
    return entries;
  }

  /** A blob's content by its sha. */
  async readBlob(sha: string): Promise<string | undefined> {
    const object = await this.objects.read(sha);
    return object?.type === 'blob'
      ? object.content.toString('utf8')
      : undefined;
  }

  /**
   * Refuses a path that reaches through a symbolic link: a link inside the
   * repository could point the edit at a file outside the allowed layout.
   */
  async assertNoSymlinks(commit: string, path: string): Promise<void> {
    const key = `${commit}:${path}`;
    if (this.checkedPaths.has(key)) return;
    const parts = path.split('/');
    let tree = await this.shaOf(`${commit}^{tree}`);
    for (const [i, part] of parts.entries()) {
      const entry = (await this.objects.readTree(tree)).find(
        e => e.name === part,
      );
      if (entry?.mode === SYMLINK_MODE) {
        const link = parts.slice(0, i + 1).join('/');
        throw new Error(
          `'${link}' is a symbolic link; promotion paths may not pass through links`,
        );
      }
      if (entry?.type !== 'tree') break;
      tree = entry.sha;
    }
    if (this.checkedPaths.size >= 10_000) this.checkedPaths.clear();
    this.checkedPaths.add(key);
  }

  /**
   * The newest commit reachable from `commit` that changed how often `needle`
   * occurs in the file: for a value present now, the commit that put it there.
   */
  lastCommitChanging(
    commit: string,
    path: string,
    needle?: string,
  ): Promise<FileCommit | undefined> {
    const lookup = async () => {
      const args = ['log', '-1', `--format=${LOG_FORMAT}`];
      if (needle) args.push(`-S${needle}`);
      return parseLog(await this.git([...args, commit, '--', path]))[0];
    };
    // The answer for a commit id never changes; a ref name's would.
    if (!OBJECT_ID.test(commit)) return lookup();
    const key = `${commit}\0${path}\0${needle ?? ''}`;
    let answer = this.commitLookups.get(key);
    if (!answer) {
      answer = lookup();
      answer.catch(() => this.commitLookups.delete(key));
      if (this.commitLookups.size >= 10_000) this.commitLookups.clear();
      this.commitLookups.set(key, answer);
    }
    return answer;
  }

  /** The (first) parent of a commit, or undefined for a root commit. */
  async parentOf(commit: string): Promise<string | undefined> {
    return (await this.objects.read(`${commit}^`))?.sha;
  }

  /** The commits reachable from `commit` that touched the file, newest first. */
  async fileLog(
    commit: string,
    path: string,
    limit?: number,
  ): Promise<FileCommit[]> {
    const out = await this.git([
      'log',
      ...(limit === undefined ? [] : [`-${limit}`]),
      `--format=${LOG_FORMAT}`,
      commit,
      '--',
      path,
    ]);
    return parseLog(out);
  }

  /**
   * The file's content at each of the newest `limit` commits that touched it
   * (every one of them without a limit), newest first. Contents come from one `cat-file --batch` process rather
   * than a process per commit.
   */
  async fileVersions(
    commit: string,
    path: string,
    limit?: number,
  ): Promise<Array<{ commit: FileCommit; content: string | undefined }>> {
    const commits = await this.fileLog(commit, path, limit);
    // Undefined where the commit deleted the file (or it is not a file there).
    const contents = await Promise.all(
      commits.map(c => this.readFile(c.sha, path)),
    );
    return commits.map((c, i) => ({ commit: c, content: contents[i] }));
  }

  /**
   * Finds a commit reachable from `commit` whose message carries the trailer,
   * among the commits that touched `paths` since `since` (the walk stops at
   * older commits, so its cost follows what happened since, not history).
   */
  async findCommitWithTrailer(
    commit: string,
    key: string,
    value: string,
    paths: string[],
    since: Date,
  ): Promise<string | undefined> {
    const out = await this.git([
      'log',
      `--since=${since.toISOString()}`,
      '--fixed-strings',
      `--grep=${key}: ${value}`,
      `--format=%H%x1f%(trailers:key=${key},valueonly,separator=%x2C)`,
      commit,
      '--',
      ...paths,
    ]);
    for (const line of out.split('\n')) {
      const [sha, trailer] = line.split('\x1f');
      if (
        trailer &&
        trailer
          .split(',')
          .map(v => v.trim())
          .includes(value)
      )
        return sha;
    }
    return undefined;
  }

  /** Creates a commit on top of `parent` with the changed files; returns its sha. */
  async commit(options: {
    parent: string;
    changes: FileChange[];
    message: string;
    author: CommitAuthor;
  }): Promise<string> {
    const blobs = new Map<string, string>();
    for (const change of options.changes) {
      const sha = (
        await this.git(['hash-object', '-w', '--stdin'], {
          input: change.content,
        })
      ).trim();
      blobs.set(change.path, sha);
    }
    const baseTree = await this.shaOf(`${options.parent}^{tree}`);
    const tree = await this.rewriteTree(baseTree, '', blobs);
    const env = {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_COMMITTER_NAME: options.author.name,
      GIT_COMMITTER_EMAIL: options.author.email,
    };
    return (
      await this.git(['commit-tree', tree, '-p', options.parent, '-F', '-'], {
        input: options.message,
        env,
      })
    ).trim();
  }

  /** Rebuilds the tree at `prefix` with new blobs for the changed files below it. */
  private async rewriteTree(
    tree: string,
    prefix: string,
    blobs: Map<string, string>,
  ): Promise<string> {
    const entries: TreeEntry[] = await this.objects.readTree(tree);
    const below = new Set<string>();
    for (const path of blobs.keys()) {
      const rest = path.slice(prefix.length);
      if (path.startsWith(prefix) && rest.includes('/'))
        below.add(rest.split('/')[0]);
    }
    for (const entry of entries) {
      const path = prefix + entry.name;
      const blob = blobs.get(path);
      if (blob) {
        if (entry.type !== 'blob' || entry.mode === SYMLINK_MODE) {
          throw new Error(`'${path}' is not a regular file`);
        }
        entry.sha = blob;
      } else if (below.has(entry.name) && entry.type === 'tree') {
        entry.sha = await this.rewriteTree(entry.sha, `${path}/`, blobs);
        below.delete(entry.name);
      }
    }
    const missing = [...blobs.keys()].filter(
      path =>
        path.startsWith(prefix) &&
        !path.slice(prefix.length).includes('/') &&
        !entries.some(e => e.name === path.slice(prefix.length)),
    );
    if (below.size > 0 || missing.length > 0) {
      throw new Error(
        `Cannot change files that do not exist: ${[...below, ...missing].join(
          ', ',
        )}`,
      );
    }
    return this.objects.writeTree(entries);
  }

  /**
   * Pushes a commit to a branch (by default the mirrored one). A push that
   * lost the race to another writer is reported, not thrown, so the caller
   * can re-apply its edit on the new tip; a push the remote refuses (a hook,
   * a protected branch) throws a NotAllowedError with the remote's reason.
   * `force` is for promotion branches of pull requests, which only this
   * plugin writes.
   */
  async push(
    commit: string,
    options: { branch?: string; force?: boolean } = {},
  ): Promise<PushResult> {
    const branch = options.branch ?? this.branch;
    const startedAt = Date.now();
    try {
      await this.gitRemote([
        'push',
        this.url,
        `${options.force ? '+' : ''}${commit}:refs/heads/${branch}`,
      ]);
      if (branch === this.branch) {
        await this.git(['update-ref', this.trackingRef, commit]);
        this.remember(commit, startedAt);
      }
      return { ok: true };
    } catch (error) {
      const failure =
        error instanceof GitCommandError
          ? classifyPushFailure(error.stderr)
          : undefined;
      if (failure?.kind === 'lost-race') {
        return { ok: false, rejected: true, message: failure.message };
      }
      if (failure?.kind === 'refused') {
        throw new NotAllowedError(
          `The remote refused the push to branch ${branch} (${failure.reason})${
            failure.remoteMessage ? `: ${failure.remoteMessage}` : ''
          }`,
        );
      }
      throw error;
    }
  }
}

function parseLog(out: string): FileCommit[] {
  return out
    .split('\x1e')
    .map(record => record.trim())
    .filter(Boolean)
    .map(record => {
      const [sha, authorName, authorEmail, date, promotedBy, bypassedBy] =
        record.split('\x1f');
      return {
        sha,
        authorName,
        authorEmail,
        date,
        promotedBy: promotedBy?.trim() || undefined,
        bypassedBy: bypassedBy?.trim() || undefined,
      };
    });
}
