/**
 * What a failed `git push` means for the writer:
 *
 * - `lost-race`: another writer moved the branch first (`[rejected] …
 *   (fetch first)` / `(non-fast-forward)`), or won the ref lock inside the
 *   remote (`[remote rejected] … (cannot lock ref …)`). Fetching and
 *   re-applying the edit on the new tip fixes it.
 * - `refused`: the remote will not take the push whatever its parent is: a
 *   hook or a protected-branch rule (`[remote rejected] … (pre-receive hook
 *   declined)`). Retrying only delays the answer, so it is final.
 * - `undefined`: anything else (network, credentials), for the caller to throw.
 */
export type PushFailure =
  | { kind: 'lost-race'; message: string }
  | { kind: 'refused'; reason: string; remoteMessage: string }
  | undefined;

// Reasons receive-pack gives when a concurrent update of the ref won.
const REF_RACE =
  /cannot lock ref|failed to lock|failed to update ref|incorrect old value/i;

export function classifyPushFailure(stderr: string): PushFailure {
  const remoteRejected =
    /^\s*! \[remote rejected\] \S+ -> \S+ \((.*)\)\s*$/m.exec(stderr);
  if (remoteRejected) {
    const reason = remoteRejected[1];
    if (REF_RACE.test(reason))
      return { kind: 'lost-race', message: stderr.trim() };
    // What the hook printed is the explanation people need (which rule, what to do).
    const remoteMessage = stderr
      .split(/\r?\n/)
      .filter(line => line.startsWith('remote:'))
      .map(line => line.slice('remote:'.length).trim())
      .filter(Boolean)
      .join(' ');
    return { kind: 'refused', reason, remoteMessage };
  }
  if (
    /^\s*! \[rejected\] .*\((fetch first|non-fast-forward)\)\s*$/m.test(
      stderr,
    ) ||
    REF_RACE.test(stderr)
  ) {
    return { kind: 'lost-race', message: stderr.trim() };
  }
  return undefined;
}
