import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  DeploymentStatus,
  Promotion,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig } from '../config';
import { PromotionStore } from '../database';
import { DeploymentService, DeploymentSourceError } from '../deployment';
import { deploymentVerdict } from '../gates/deploymentVerdict';
import { describeArtifact } from '../gates/artifacts';
import { formatDuration } from '../gates/formatDuration';
import { GitOpsService } from '../gitops';
import { samePin } from './samePin';

/** How often a followed deployment is looked at. */
const FOLLOW_POLL_MS = 15_000;
/** How often a manual-sync environment is looked at while nobody has synced. */
const AWAITING_SYNC_POLL_MS = 60_000;
const SCHEDULER = 'plugin:promotion';

/**
 * Follows a landed change until the environment's deployment source reports
 * it running healthy (`succeeded` → `deployed`), or degraded, or not healthy
 * within the environment's `deployment.timeout` (→ `failed`, with what the
 * source said). The timeout counts from the landing; for a manual-sync Argo
 * CD Application, from the sync (the Sync action, or a sync started in Argo
 * CD). A newer change pinned over it ends the following: it then stays
 * `succeeded`.
 */
export class DeploymentFollower {
  constructor(
    private readonly options: {
      store: PromotionStore;
      gitops: GitOpsService;
      deployments: DeploymentService;
      logger: LoggerService;
    },
  ) {}

  /** Whether a change landing in the environment is followed. */
  follows(environment: EnvironmentConfig): boolean {
    return !!environment.deployment;
  }

  /** The build the deployment source must report: a tag-only pin by the digest it was approved as. */
  private expected(promotion: Promotion) {
    return promotion.resolvedDigest
      ? { ...promotion.artifact, digest: promotion.resolvedDigest }
      : promotion.artifact;
  }

  /** One look at a followed request; it is rescheduled, `deployed` or `failed`. */
  async follow(
    promotion: Promotion,
    entity: Entity,
    environment: EnvironmentConfig,
    now: Date,
  ): Promise<void> {
    const { store, gitops, deployments } = this.options;
    const audit = {
      actor: SCHEDULER,
      entityRef: promotion.entityRef,
      environment: environment.name,
    };
    if (!environment.deployment) {
      await store.reschedule(promotion.id, 'succeeded', null, null);
      return;
    }
    const { artifact: pinned } = await gitops.readEnvironment(
      entity,
      environment,
      { withCommit: false },
    );
    if (!samePin(pinned, promotion.artifact)) {
      await store.transition(
        promotion.id,
        ['succeeded'],
        'succeeded',
        { nextEvaluationAt: null, deployDeadlineAt: null },
        {
          ...audit,
          action: 'promotion.deployment-unfollowed',
          details: {
            pinnedNow: pinned ?? null,
            reason: 'a newer change was pinned in the environment',
          },
        },
      );
      return;
    }
    const status = (await deployments.read(entity, environment, {
      fresh: true,
    }))!;
    const verdict = deploymentVerdict(
      environment.name,
      status,
      this.expected(promotion),
    );
    if (verdict.ready) {
      await store.transition(
        promotion.id,
        ['succeeded'],
        'deployed',
        { nextEvaluationAt: null, deployDeadlineAt: null },
        {
          ...audit,
          action: 'promotion.deployed',
          details: deploymentDetails(status),
        },
      );
      return;
    }
    if (verdict.final) {
      await this.fail(promotion, `Landed, but ${verdict.message}`, status);
      return;
    }
    let deadline = promotion.deployment?.deadlineAt
      ? new Date(promotion.deployment.deadlineAt)
      : undefined;
    const timeoutMs = deploymentTimeoutMs(environment);
    if (!deadline) {
      // Manual sync: the clock starts when someone syncs, here or in Argo CD.
      // A source that cannot be asked does not say which kind it is: the
      // clock starts once it answers.
      if (status.error || (status.manualSync && !status.operationRunning)) {
        await store.reschedule(
          promotion.id,
          'succeeded',
          new Date(now.getTime() + AWAITING_SYNC_POLL_MS),
        );
        return;
      }
      deadline = new Date(now.getTime() + timeoutMs);
    }
    if (now >= deadline) {
      await this.fail(
        promotion,
        `${environment.name} did not run ${describeArtifact(
          promotion.artifact,
        )} healthy within ${formatDuration(timeoutMs)}: ${verdict.message}`,
        status,
      );
      return;
    }
    await store.reschedule(
      promotion.id,
      'succeeded',
      new Date(now.getTime() + FOLLOW_POLL_MS),
      deadline,
    );
  }

  /**
   * Asks the environment's Argo CD Application to sync, then audits it; the
   * request that landed there (if one is followed) starts its timeout now.
   * Nothing is written when Argo CD refuses.
   */
  async sync(
    entity: Entity,
    environment: EnvironmentConfig,
    {
      actor,
      entityRef,
      reason,
    }: { actor: string; entityRef: string; reason?: string },
    now: Date,
  ) {
    const { store, deployments } = this.options;
    let application: string;
    try {
      application = await deployments.sync(entity, environment);
    } catch (error) {
      if (error instanceof DeploymentSourceError) {
        throw new ConflictError(`Not synced: ${error.message}`);
      }
      throw error;
    }
    const [followed] = (
      await store.listPromotions({
        entityRef,
        environment: environment.name,
        statuses: ['succeeded'],
        limit: 5,
      })
    ).filter(p => p.deployment);
    const details = {
      application,
      ...(reason ? { reason } : {}),
      ...(followed ? { promotionId: followed.id } : {}),
    };
    if (followed) {
      const timeoutMs = deploymentTimeoutMs(environment);
      await store.transition(
        followed.id,
        ['succeeded'],
        'succeeded',
        {
          nextEvaluationAt: now,
          deployDeadlineAt: new Date(now.getTime() + timeoutMs),
        },
        {
          action: 'promotion.sync-requested',
          actor,
          entityRef,
          environment: environment.name,
          details,
        },
      );
    } else {
      await store.appendAudit({
        action: 'promotion.sync-requested',
        actor,
        entityRef,
        environment: environment.name,
        details,
      });
    }
    return { application, promotionId: followed?.id };
  }

  private async fail(
    promotion: Promotion,
    message: string,
    status: DeploymentStatus,
  ) {
    this.options.logger.warn(`Promotion ${promotion.id}: ${message}`);
    await this.options.store.transition(
      promotion.id,
      ['succeeded'],
      'failed',
      { error: message, nextEvaluationAt: null, deployDeadlineAt: null },
      {
        action: 'promotion.failed',
        actor: SCHEDULER,
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
        details: { error: message, deployment: deploymentDetails(status) },
      },
    );
  }
}

/** How long a landed change in the environment may take to run healthy. */
function deploymentTimeoutMs(environment: EnvironmentConfig): number {
  return durationToMilliseconds(
    environment.deployment!.timeout as HumanDuration,
  );
}

/** What the audit keeps of a deployment source's answer. */
function deploymentDetails(status: DeploymentStatus) {
  return {
    source: status.source,
    resource: status.resource,
    sync: status.sync,
    health: status.health,
    images: status.images,
    ...(status.revision ? { revision: status.revision } : {}),
    ...(status.healthySince ? { healthySince: status.healthySince } : {}),
    ...(status.message ? { message: status.message } : {}),
  };
}
