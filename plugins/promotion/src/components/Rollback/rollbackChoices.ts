import { EnvironmentVersion } from '@promotion-for-backstage/plugin-promotion-common';
import { sameBuild } from './buildName';

/** One entry of an environment's history, and why it cannot be chosen, if so. */
export type RollbackChoice = {
  version: EnvironmentVersion;
  /** Position in the history, newest first; 0 runs now. */
  index: number;
  /** Set when going back to this entry is not possible, in words. */
  unavailable?: string;
};

/**
 * The history as the rollback dialog offers it. The backend goes back to the
 * newest entry of a build, so an older entry of the same build is not a
 * separate choice, and neither is anything that runs now.
 */
export function rollbackChoices(
  versions: EnvironmentVersion[],
): RollbackChoice[] {
  const current = versions[0]?.artifact;
  return versions.map((version, index) => {
    if (index === 0) {
      return { version, index, unavailable: 'Runs now' };
    }
    if (sameBuild(version.artifact, current)) {
      return { version, index, unavailable: 'The build that runs now' };
    }
    if (
      versions
        .slice(1, index)
        .some(newer => sameBuild(newer.artifact, version.artifact))
    ) {
      return { version, index, unavailable: 'Ran again later, see above' };
    }
    return { version, index };
  });
}

/** The build before the current one: what the backend goes back to by default. */
export function defaultChoice(choices: RollbackChoice[]): number | undefined {
  return choices.find(choice => !choice.unavailable)?.index;
}
