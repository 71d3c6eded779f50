import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  Artifact,
  CreatePromotionRequest,
  RequesterKind,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig, PromotionConfig } from '../config';
import { EnvironmentPin, GitOpsService, GitSnapshot } from '../gitops';
import { deniedTagRule } from './denyTags';
import { samePin } from './samePin';

/** A request checked against the pipeline, ready to gate or plan. */
export interface ResolvedRequest {
  entityRef: string;
  /** The source environment's config; undefined for a build that CI introduces. */
  source?: EnvironmentConfig;
  sourceName: string;
  target: EnvironmentConfig;
  artifact: Artifact;
  /** For a tag-only pin: the digest its tag names in the target's registry (see RegistryService). */
  resolvedDigest?: string;
  sourcePin: EnvironmentPin;
  targetPin: EnvironmentPin;
  /** The branch tips the checks read at; a plan made from this request reads the same. */
  snapshot: GitSnapshot;
  /** The change ticket the request names, when it names one. */
  changeTicket?: string;
}

/** The pseudo-source of builds that CI writes into an environment. */
export const CI_SOURCE = 'ci';

/**
 * Checks a request against the entity's pipeline and the repository: the
 * target exists and is not the first environment (unless CI brings the
 * build), the source may promote into it, the artifact is allowed, and it is
 * not something the target ran before (that is a rollback).
 */
export async function resolveRequest(options: {
  entity: Entity;
  request: Pick<
    CreatePromotionRequest,
    | 'targetEnvironment'
    | 'sourceEnvironment'
    | 'digest'
    | 'tag'
    | 'changeTicket'
  >;
  requesterKind: RequesterKind;
  config: PromotionConfig;
  gitops: GitOpsService;
}): Promise<ResolvedRequest> {
  const { entity, request, requesterKind, config, gitops } = options;
  const entityRef = stringifyEntityRef(entity);
  const snapshot = gitops.snapshot();
  const environments = gitops.targets.environmentsFor(entity);
  const names = environments.map(env => env.name);
  const targetIndex = names.indexOf(request.targetEnvironment);
  if (targetIndex < 0) {
    throw new InputError(
      `Unknown environment '${
        request.targetEnvironment
      }'; the pipeline of ${entityRef} is ${names.join(' → ')}`,
    );
  }
  const target = environments[targetIndex];
  const image = gitops.targets.imageOf(entity);

  let source: EnvironmentConfig | undefined;
  let sourceName: string;
  let sourcePin: EnvironmentPin;
  let artifact: Artifact;
  if (requesterKind === 'service') {
    if (!target.acceptsCi) {
      throw new NotAllowedError(
        `'${target.name}' does not accept builds from CI; set acceptsCi on it to allow that`,
      );
    }
    if (!request.digest && !request.tag) {
      throw new InputError(
        'A CI request names the build: give its digest (and tag, if the manifests pin one)',
      );
    }
    sourceName = CI_SOURCE;
    artifact = {
      image,
      ...(request.tag ? { tag: request.tag } : {}),
      ...(request.digest ? { digest: request.digest } : {}),
    };
    sourcePin = { artifact, commit: null };
  } else {
    if (targetIndex === 0 && !request.sourceEnvironment) {
      throw new InputError(
        `'${target.name}' is the first environment of ${entityRef}; builds enter it from CI, not by promotion`,
      );
    }
    const previous = names[targetIndex - 1];
    sourceName = request.sourceEnvironment ?? previous;
    const allowed = [previous, ...target.acceptsFrom].filter(Boolean);
    if (!allowed.includes(sourceName)) {
      throw new InputError(
        `'${target.name}' accepts promotions from ${allowed
          .map(n => `'${n}'`)
          .join(', ')} only, not from '${sourceName}'`,
      );
    }
    source = environments.find(env => env.name === sourceName);
    if (!source) {
      throw new InputError(
        `Unknown source environment '${sourceName}' for ${entityRef}`,
      );
    }
    sourcePin = await gitops.readEnvironment(entity, source, {
      withCommit: false,
      snapshot,
    });
    if (!sourcePin.artifact) {
      throw new ConflictError(
        `${source.name} pins no artifact of ${entityRef} yet; there is nothing to promote`,
      );
    }
    artifact = sourcePin.artifact;
    // A build named by digest (or, for tag-only pins, by tag) other than the
    // one the source runs now must have run there: "tested in staging" must
    // mean those exact bytes.
    let named: { key: 'digest' | 'tag'; value: string } | undefined;
    if (request.digest) named = { key: 'digest', value: request.digest };
    else if (request.tag) named = { key: 'tag', value: request.tag };
    if (named && sourcePin.artifact[named.key] !== named.value) {
      const ran = (await gitops.readHistory(entity, source, { snapshot })).find(
        v => v.artifact[named.key] === named.value,
      );
      if (!ran) {
        throw new InputError(
          `${named.value} never ran in ${source.name}; only builds that ran there can be promoted from it`,
        );
      }
      artifact = ran.artifact;
    }
  }

  const deniedBy = deniedTagRule(config, artifact);
  if (deniedBy) {
    throw new InputError(
      `Tag '${artifact.tag}' may not be promoted (denyTags: '${deniedBy}'); promote an immutable build`,
    );
  }

  const targetPin = await gitops.readEnvironment(entity, target, {
    withCommit: false,
    snapshot,
  });
  if (samePin(targetPin.artifact, artifact)) {
    throw new ConflictError(
      `${target.name} already runs ${artifact.digest ?? artifact.tag}`,
    );
  }
  const history = await gitops.readHistory(entity, target, { snapshot });
  const ranBefore = history
    .slice(1)
    .find(version => samePin(version.artifact, artifact));
  if (ranBefore) {
    throw new ConflictError(
      `${target.name} ran ${
        artifact.digest ?? artifact.tag
      } before (commit ${ranBefore.commit.sha.slice(
        0,
        8,
      )}); going back is a rollback: POST /rollbacks shows its impact first`,
    );
  }
  return {
    entityRef,
    source,
    sourceName,
    target,
    artifact,
    sourcePin,
    targetPin,
    snapshot,
    ...(request.changeTicket ? { changeTicket: request.changeTicket } : {}),
  };
}
