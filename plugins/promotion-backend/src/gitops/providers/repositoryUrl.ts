import { InputError } from '@backstage/errors';

// `git@host:owner/repo.git`. Git reads `x:y` as scp-like only when no slash
// comes before the colon, and a one-letter "host" is a Windows drive.
const SCP_LIKE = /^(?:[^@/]+@)?([^/:]{2,}):(?!\/\/)(.+)$/;

/**
 * True when git reads the remote as a directory on this machine, by git's own
 * rule: not `scheme://…`, and either no colon or a slash before the first
 * colon (`./a:b`, `/srv/x:y`). `host:path` and `user@host:path` are ssh, as
 * for git. A drive letter (`C:\gitops`) is a path only on Windows, where
 * git allows it.
 */
export function isLocalRepositoryPath(
  remote: string,
  platform: string = process.platform,
): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(remote)) return false;
  const colon = remote.indexOf(':');
  const slash = remote.indexOf('/');
  if (colon < 0 || (slash >= 0 && slash < colon)) return true;
  return platform === 'win32' && /^[A-Za-z]:/.test(remote);
}

/**
 * The web (https) address of a git remote, which is how Backstage's
 * `integrations` are looked up and how the SCM APIs name a repository.
 *
 * A GitOps repository may be configured with an ssh remote (pushes then use
 * the host's ssh keys) and still get pull requests through the host's API,
 * so ssh and scp-like remotes map to the same host's https address. Local
 * paths and `file:` URLs have no host and give `undefined`.
 */
export function toWebUrl(repositoryUrl: string): URL | undefined {
  const scp = SCP_LIKE.exec(repositoryUrl);
  if (scp && !repositoryUrl.includes('://')) {
    return new URL(`https://${scp[1]}/${scp[2].replace(/^\/+/, '')}`);
  }
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    return undefined;
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    return url;
  }
  if (url.protocol === 'ssh:' || url.protocol === 'git+ssh:') {
    // The ssh port says nothing about where the web server listens.
    return new URL(`https://${url.hostname}${url.pathname}`);
  }
  return undefined;
}

function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter(Boolean)
    .map(segment => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment; // a stray `%` is a character of the name, not an escape
      }
    });
}

function withoutGitSuffix(name: string) {
  return name.endsWith('.git') ? name.slice(0, -'.git'.length) : name;
}

/** Owner and name of a GitHub (or GitHub Enterprise) repository, from e.g. `https://github.com/acme/gitops.git`. */
export function parseGithubRepository(url: URL): {
  owner: string;
  repo: string;
} {
  const [owner, repo] = pathSegments(url.pathname);
  if (!owner || !repo || !withoutGitSuffix(repo)) {
    throw new InputError(
      `${url.href} does not name a GitHub repository; expected https://${url.host}/OWNER/REPOSITORY`,
    );
  }
  return { owner, repo: withoutGitSuffix(repo) };
}

/**
 * The full path of a GitLab project (`group/subgroup/project`), from e.g.
 * `https://gitlab.com/group/sub/repo.git`. GitLab may be served under a
 * relative path (`baseUrl: https://example.com/gitlab`), which is not part
 * of the project path; a `/-/…` suffix (tree, blob, merge requests) is a
 * page of the project, not part of its path either.
 */
export function parseGitlabProjectPath(url: URL, baseUrl: string): string {
  const relative = new URL(baseUrl).pathname.replace(/\/+$/, '');
  let pathname = url.pathname;
  if (
    relative &&
    (pathname === relative || pathname.startsWith(`${relative}/`))
  ) {
    pathname = pathname.slice(relative.length);
  }
  pathname = pathname.split('/-/')[0];
  const segments = pathSegments(pathname);
  const last = segments.length - 1;
  if (last >= 0) {
    segments[last] = withoutGitSuffix(segments[last]);
  }
  if (segments.length < 2 || segments.some(segment => !segment)) {
    throw new InputError(
      `${url.href} does not name a GitLab project; expected ${baseUrl}/GROUP/[SUBGROUP/]PROJECT`,
    );
  }
  return segments.join('/');
}
