import { classifyPushFailure } from './pushFailure';

const lines = (...content: string[]) => content.map(l => `${l}\n`).join('');

describe('classifyPushFailure', () => {
  it.each([
    [
      'the branch moved (fetch first)',
      lines(
        'To https://github.com/acme/gitops.git',
        ' ! [rejected]        5d0c3f9 -> main (fetch first)',
        "error: failed to push some refs to 'https://github.com/acme/gitops.git'",
        'hint: Updates were rejected because the remote contains work that you do not',
      ),
    ],
    [
      'the branch moved (non-fast-forward)',
      lines(
        ' ! [rejected]        5d0c3f9 -> main (non-fast-forward)',
        "error: failed to push some refs to '/srv/gitops.git'",
      ),
    ],
    [
      'another push won the ref lock inside the remote',
      lines(
        'To /srv/gitops.git',
        " ! [remote rejected] 5d0c3f9 -> main (cannot lock ref 'refs/heads/main': is at 1a2b3c but expected 4d5e6f)",
        "error: failed to push some refs to '/srv/gitops.git'",
      ),
    ],
    [
      'the ref update failed on a concurrent write',
      lines(' ! [remote rejected] 5d0c3f9 -> main (failed to update ref)'),
    ],
  ])('retries when %s', (_, stderr) => {
    expect(classifyPushFailure(stderr)).toEqual({
      kind: 'lost-race',
      message: stderr.trim(),
    });
  });

  it.each([
    [
      'a GitHub protected branch',
      lines(
        'remote: error: GH006: Protected branch update failed for refs/heads/main.',
        'remote: error: Changes must be made through a pull request.',
        'To https://github.com/acme/gitops.git',
        ' ! [remote rejected] 5d0c3f9 -> main (protected branch hook declined)',
        "error: failed to push some refs to 'https://github.com/acme/gitops.git'",
      ),
      'protected branch hook declined',
      'error: GH006: Protected branch update failed for refs/heads/main. error: Changes must be made through a pull request.',
    ],
    [
      'GitHub repository rules',
      lines(
        'remote: error: GH013: Repository rule violations found for refs/heads/main.',
        'remote: ',
        'remote: - Changes must be made through a pull request.',
        'To https://github.com/acme/gitops.git',
        ' ! [remote rejected] 5d0c3f9 -> main (push declined due to repository rule violations)',
      ),
      'push declined due to repository rule violations',
      'error: GH013: Repository rule violations found for refs/heads/main. - Changes must be made through a pull request.',
    ],
    [
      'a GitLab protected branch',
      lines(
        'remote: GitLab: You are not allowed to push code to protected branches on this project.',
        'To https://gitlab.com/platform/gitops.git',
        ' ! [remote rejected] 5d0c3f9 -> main (pre-receive hook declined)',
      ),
      'pre-receive hook declined',
      'GitLab: You are not allowed to push code to protected branches on this project.',
    ],
    [
      'a hook that says nothing',
      lines(' ! [remote rejected] 5d0c3f9 -> main (pre-receive hook declined)'),
      'pre-receive hook declined',
      '',
    ],
  ])(
    'gives up at once on %s, with the remote’s reason',
    (_, stderr, reason, remoteMessage) => {
      expect(classifyPushFailure(stderr)).toEqual({
        kind: 'refused',
        reason,
        remoteMessage,
      });
    },
  );

  it('leaves other failures to the caller', () => {
    expect(
      classifyPushFailure(
        lines(
          "fatal: unable to access 'https://github.com/acme/gitops.git/': Could not resolve host: github.com",
        ),
      ),
    ).toBeUndefined();
  });
});
