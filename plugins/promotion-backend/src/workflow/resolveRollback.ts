import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  Artifact,
  CreateRollbackRequest,
  EnvironmentVersion,
  RollbackImpact,
} from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionConfig } from '../config';
import { GitOpsService } from '../gitops';
import { ResolvedRequest } from './resolveRequest';
import { deniedTagRule } from './denyTags';
import { samePin } from './samePin';

/** A target version this old is worth a second look: what else changed since? */
const STALE_AFTER_DAYS = 30;

const describe = (artifact: Artifact) =>
  artifact.tag ?? artifact.digest?.slice(0, 19) ?? artifact.image;

/** A rollback checked against the environment's history, with its impact. */
export interface ResolvedRollback {
  resolved: ResolvedRequest;
  impact: RollbackImpact;
}

/**
 * Resolves a rollback: the environment exists and ran the requested build
 * before (by default, the build before the current one), and analyses what
 * going back means — the builds backed out, the commits since, later
 * environments running a backed-out build — into a recommendation.
 */
export async function resolveRollback(options: {
  entity: Entity;
  request: Pick<
    CreateRollbackRequest,
    'environment' | 'digest' | 'tag' | 'changeTicket'
  >;
  config: PromotionConfig;
  gitops: GitOpsService;
  now: Date;
}): Promise<ResolvedRollback> {
  const { entity, request, config, gitops, now } = options;
  const entityRef = stringifyEntityRef(entity);
  const environments = gitops.targets.environmentsFor(entity);
  const index = environments.findIndex(env => env.name === request.environment);
  if (index < 0) {
    throw new InputError(
      `Unknown environment '${
        request.environment
      }'; the pipeline of ${entityRef} is ${environments
        .map(e => e.name)
        .join(' → ')}`,
    );
  }
  const target = environments[index];
  const snapshot = gitops.snapshot();
  const history = await gitops.readHistory(entity, target, { snapshot });
  if (history.length === 0) {
    throw new ConflictError(
      `${target.name} pins no artifact of ${entityRef} yet; there is nothing to go back from`,
    );
  }
  const current = history[0];
  const chosen = chooseVersion(history, request, target.name);

  // Each build once, with the commit that last pinned it: after earlier
  // rollbacks a build can appear more than once since the target version.
  const backedOut = history
    .slice(0, chosen)
    .filter(
      (version, i, newer) =>
        !newer.slice(0, i).some(v => samePin(v.artifact, version.artifact)),
    )
    .map(version => ({ artifact: version.artifact, commit: version.commit }));
  const downstream = (
    await Promise.all(
      environments.slice(index + 1).map(async env => ({
        environment: env.name,
        artifact: (
          await gitops.readEnvironment(entity, env, {
            withCommit: false,
            snapshot,
          })
        ).artifact,
      })),
    )
  ).filter((env): env is { environment: string; artifact: Artifact } =>
    backedOut.some(version => samePin(env.artifact, version.artifact)),
  );
  const version = history[chosen];
  const impact: RollbackImpact = {
    current: current.artifact,
    target: version,
    backedOut,
    commitsBetween: chosen,
    downstream,
    ...recommend({
      version,
      backedOut,
      downstream,
      deniedBy: deniedTagRule(config, version.artifact),
      now,
    }),
  };
  const targetPin = { artifact: current.artifact, commit: current.commit };
  return {
    impact,
    resolved: {
      entityRef,
      // A rollback's build comes from the environment's own past.
      source: target,
      sourceName: target.name,
      target,
      artifact: version.artifact,
      sourcePin: { artifact: version.artifact, commit: version.commit },
      targetPin,
      snapshot,
      ...(request.changeTicket ? { changeTicket: request.changeTicket } : {}),
    },
  };
}

/** The index in the history (newest first) of the version to go back to. */
function chooseVersion(
  history: EnvironmentVersion[],
  request: Pick<CreateRollbackRequest, 'digest' | 'tag'>,
  environment: string,
): number {
  const current = history[0].artifact;
  if (!request.digest && !request.tag) {
    const previous = history.findIndex(
      (v, i) => i > 0 && !samePin(v.artifact, current),
    );
    if (previous < 0) {
      throw new ConflictError(
        `${environment} has run nothing but ${describe(
          current,
        )}; there is no earlier build to go back to`,
      );
    }
    return previous;
  }
  const wanted = request.digest ?? request.tag!;
  // Both given: both must name the same build.
  const matches = (artifact: Artifact) =>
    (!request.digest || artifact.digest === request.digest) &&
    (!request.tag || artifact.tag === request.tag);
  if (matches(current)) {
    throw new ConflictError(`${environment} already runs ${wanted}`);
  }
  const found = history.findIndex((v, i) => i > 0 && matches(v.artifact));
  if (found < 0) {
    throw new InputError(
      `${wanted} never ran in ${environment}; a rollback goes back to a build the environment ran before`,
    );
  }
  return found;
}

function recommend(options: {
  version: EnvironmentVersion;
  backedOut: RollbackImpact['backedOut'];
  downstream: RollbackImpact['downstream'];
  deniedBy?: string;
  now: Date;
}): Pick<RollbackImpact, 'recommendation' | 'reasons'> {
  const { version, backedOut, downstream, deniedBy, now } = options;
  if (deniedBy) {
    return {
      recommendation: 'blocked',
      reasons: [
        `Tag '${version.artifact.tag}' may not be deployed (denyTags: '${deniedBy}'); it does not name one immutable build`,
      ],
    };
  }
  const reasons: string[] = [];
  if (backedOut.length > 1) {
    reasons.push(
      `Backs out ${backedOut.length} builds (${backedOut
        .map(v => describe(v.artifact))
        .join(', ')}), not just the latest`,
    );
  }
  for (const env of downstream) {
    reasons.push(
      `${env.environment} runs ${describe(
        env.artifact,
      )}, which this backs out; it would run a build this environment no longer has`,
    );
  }
  const ageDays = Math.floor(
    (now.getTime() - new Date(version.commit.date).getTime()) / 86_400_000,
  );
  if (ageDays > STALE_AFTER_DAYS) {
    reasons.push(
      `${describe(
        version.artifact,
      )} was pinned ${ageDays} days ago; much may have changed around it since`,
    );
  }
  if (reasons.length > 0) return { recommendation: 'risky', reasons };
  return {
    recommendation: 'safe',
    reasons: [
      `Goes back one build, to ${describe(version.artifact)}, pinned ${
        ageDays === 0 ? 'today' : `${ageDays} day(s) ago`
      } by ${version.commit.author}`,
    ],
  };
}
