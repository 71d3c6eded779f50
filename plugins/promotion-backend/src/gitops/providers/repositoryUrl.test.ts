import {
  isLocalRepositoryPath,
  parseGithubRepository,
  parseGitlabProjectPath,
  toWebUrl,
} from './repositoryUrl';

describe('toWebUrl', () => {
  it.each([
    [
      'https://github.com/acme/gitops.git',
      'https://github.com/acme/gitops.git',
    ],
    ['git@github.com:acme/gitops.git', 'https://github.com/acme/gitops.git'],
    [
      'ssh://git@gitlab.com:2222/group/sub/repo.git',
      'https://gitlab.com/group/sub/repo.git',
    ],
  ])('maps %s to %s', (remote, web) => {
    expect(toWebUrl(remote)?.href).toBe(web);
  });

  it.each([
    '/var/lib/gitops',
    './gitops',
    'file:///var/lib/gitops',
    'C:/gitops',
    'gitops',
  ])('has no web address for the local repository %s', remote => {
    expect(toWebUrl(remote)).toBeUndefined();
  });
});

describe('parseGithubRepository', () => {
  it.each([
    'https://github.com/acme/gitops',
    'https://github.com/acme/gitops.git',
    'https://github.com/acme/gitops/',
    'https://github.com/acme/gitops/tree/main/apps',
  ])('reads acme/gitops from %s', url => {
    expect(parseGithubRepository(new URL(url))).toEqual({
      owner: 'acme',
      repo: 'gitops',
    });
  });

  it('refuses a URL without a repository', () => {
    expect(() =>
      parseGithubRepository(new URL('https://github.com/acme')),
    ).toThrow(/OWNER\/REPOSITORY/);
  });
});

describe('parseGitlabProjectPath', () => {
  it.each([
    ['https://gitlab.com/group/repo', 'group/repo'],
    ['https://gitlab.com/group/sub/repo.git', 'group/sub/repo'],
    ['https://gitlab.com/group/sub/repo/-/tree/main', 'group/sub/repo'],
    ['https://gitlab.com/group/my%20repo', 'group/my repo'],
  ])('reads the project path of %s', (url, path) => {
    expect(parseGitlabProjectPath(new URL(url), 'https://gitlab.com')).toBe(
      path,
    );
  });

  it('leaves out the relative path GitLab is served under', () => {
    expect(
      parseGitlabProjectPath(
        new URL('https://git.acme.internal/gitlab/ops/gitops.git'),
        'https://git.acme.internal/gitlab',
      ),
    ).toBe('ops/gitops');
  });

  it('refuses a URL without a project', () => {
    expect(() =>
      parseGitlabProjectPath(
        new URL('https://gitlab.com/group'),
        'https://gitlab.com',
      ),
    ).toThrow(/GROUP\/\[SUBGROUP\/\]PROJECT/);
  });
});

describe('isLocalRepositoryPath', () => {
  it.each([
    '/var/lib/gitops',
    './gitops',
    '../gitops.git',
    'gitops',
    './releases:2024/gitops.git',
    '/srv/git/a:b',
  ])('reads %s as a directory, as git does', remote => {
    expect(isLocalRepositoryPath(remote, 'linux')).toBe(true);
  });

  it.each([
    'github.com:acme/gitops.git',
    'git@github.com:acme/gitops.git',
    'gitlab-mirror:platform/gitops.git',
    '[git.acme.internal:2222]:platform/gitops.git',
    'https://github.com/acme/gitops.git',
    'ssh://git@github.com/acme/gitops.git',
    'file:///var/lib/gitops',
  ])('reads %s as a remote, as git does', remote => {
    expect(isLocalRepositoryPath(remote, 'linux')).toBe(false);
  });

  it('reads a drive letter as a path only on Windows', () => {
    expect(isLocalRepositoryPath('C:\\gitops', 'win32')).toBe(true);
    expect(isLocalRepositoryPath('C:/gitops', 'win32')).toBe(true);
    expect(isLocalRepositoryPath('c:gitops', 'linux')).toBe(false);
  });
});
