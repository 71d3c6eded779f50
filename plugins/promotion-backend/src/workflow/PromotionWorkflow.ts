import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonObject,
} from '@backstage/types';
import {
  ACTIVE_PROMOTION_STATUSES,
  changeTicketUrl,
  SUPERSEDABLE_PROMOTION_STATUSES,
  CreatePromotionRequest,
  CreateRollbackRequest,
  EnvironmentHistory,
  GateRun,
  Pipeline,
  Promotion,
  PromotionKind,
  PromotionPlan,
  RequesterKind,
  RollbackPlan,
} from '@promotion-for-backstage/plugin-promotion-common';
import { EnvironmentConfig, PromotionConfig } from '../config';
import {
  approvalsSatisfied,
  decisionCounts,
  PromotionStore,
} from '../database';
import { PromotionNotifier } from '../notifications';
import { GateConfigError, GateRunner, summarise } from '../gates';
import { AppliedChange, GitOpsService } from '../gitops';
import {
  PullRequestState,
  renderPullRequestBody,
  ScmRetryLaterError,
} from '../gitops/providers';
import { GitCommandError } from '../gitops/runGit';
import {
  PreparedRegistries,
  RegistryRequest,
  RegistryService,
} from '../registry';
import { DeploymentService } from '../deployment';
import { DeploymentFollower } from './DeploymentFollower';
import { Caller, environmentActions, requestActions } from './allowedActions';
import { changeTicketRule, checkChangeTicket } from './changeTicket';
import { CI_SOURCE, resolveRequest, ResolvedRequest } from './resolveRequest';
import { resolveRollback, ResolvedRollback } from './resolveRollback';

/** Who asks, and as what kind of principal. */
export interface Requester {
  ref: string;
  kind: RequesterKind;
}

/** Loads an entity with the plugin's own credentials (the scheduler acts for nobody). */
export type EntityLoader = (entityRef: string) => Promise<Entity | undefined>;

/** Longer than a cold mirror's first fetch plus the push retry deadline. */
const LEASE_MS = 5 * 60_000;
/** When a gate's service or the repository could not be reached. */
const RETRY_MS = 60_000;
const MERGE_POLL_MS = 60_000;
const SCHEDULER = 'plugin:promotion';

/**
 * The promotion workflow: `gating` → (`awaiting-approval`) → `approved` →
 * `executing` → (`awaiting-merge`) → `succeeded`, with the exits `failed`,
 * `expired`, `cancelled`, `superseded` (and `rejected`, by approvers).
 *
 * Every move is a compare-and-set in the store, so the request path and the
 * scheduler on any replica can call {@link advance} for the same request and
 * it still moves once. Execution holds a lease; a worker that dies leaves an
 * expired lease that the scheduler takes over, and the git change recognises
 * a commit already pushed by its `Promotion-Id` trailer.
 */
export class PromotionWorkflow {
  private readonly running = new Set<Promise<void>>();
  private readonly advancing = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      config: PromotionConfig;
      store: PromotionStore;
      gitops: GitOpsService;
      gates: GateRunner;
      logger: LoggerService;
      loadEntity: EntityLoader;
      /** Identifies this replica in leases. */
      instanceId: string;
      /** How long an execution lease lasts; renewed at a third of it while git works. 5 minutes by default. */
      leaseMs?: number;
      /** The Backstage frontend, for links back from pull requests. */
      appBaseUrl: string;
      notifier?: PromotionNotifier;
      /** Whether the permission framework is on (`permission.enabled`). */
      permissionsEnabled?: boolean;
      /** The registry side (`promotion.registries`); by default made from `config`. */
      registries?: RegistryService;
      /** What runs in environments with a `deployment`; by default made from `config` (Argo CD only). */
      deployments?: DeploymentService;
      now?: () => Date;
    },
  ) {
    this.registries = options.registries ?? new RegistryService(options.config);
    this.deployments =
      options.deployments ?? new DeploymentService({ config: options.config });
    this.follower = new DeploymentFollower({
      store: options.store,
      gitops: options.gitops,
      deployments: this.deployments,
      logger: options.logger,
    });
  }

  private readonly registries: RegistryService;
  private readonly deployments: DeploymentService;
  private readonly follower: DeploymentFollower;

  private now() {
    return this.options.now?.() ?? new Date();
  }

  private environment(entity: Entity, name: string): EnvironmentConfig {
    const environment = this.options.gitops.targets
      .environmentsFor(entity)
      .find(env => env.name === name);
    if (!environment) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} has no environment '${name}'`,
      );
    }
    return environment;
  }

  /** The entity's pipeline, by name. */
  environmentNames(entity: Entity): string[] {
    return this.options.gitops.targets
      .environmentsFor(entity)
      .map(env => env.name);
  }

  /**
   * Each environment of the entity with what it runs, its active requests,
   * and what the caller may do with both.
   */
  async getPipeline(entity: Entity, caller: Caller): Promise<Pipeline> {
    const entityRef = stringifyEntityRef(entity);
    const environments = this.options.gitops.targets.environmentsFor(entity);
    const snapshot = this.options.gitops.snapshot('recent');
    const [active, holds] = await Promise.all([
      this.options.store
        .listPromotions({ entityRef, statuses: [...ACTIVE_PROMOTION_STATUSES] })
        .then(promotions => this.withDetails(promotions)),
      this.options.store.listHolds(entityRef),
    ]);
    return {
      entityRef,
      environments: await Promise.all(
        environments.map(async (environment, index) => {
          const [pin, deployment] = await Promise.all([
            this.options.gitops.readEnvironment(entity, environment, {
              snapshot,
            }),
            this.deployments.read(entity, environment),
          ]);
          return {
            name: environment.name,
            ...pin,
            activeRequests: active
              .filter(p => p.targetEnvironment === environment.name)
              .map(p => this.withActions(p, caller)),
            allowedActions: environmentActions(caller, environment.name, {
              isFirst: index === 0,
              held: holds.has(environment.name),
              manualSync: !!deployment?.manualSync,
            }),
            ...(holds.has(environment.name)
              ? { hold: holds.get(environment.name) }
              : {}),
            ...(deployment ? { deployment } : {}),
            ...(environment.changeTicket
              ? { changeTicket: changeTicketRule(environment) }
              : {}),
          };
        }),
      ),
    };
  }

  /** Adds what the caller may do with the request. */
  withActions(promotion: Promotion, caller: Caller): Promotion {
    return {
      ...promotion,
      allowedActions: requestActions(
        caller,
        promotion,
        this.approvalRule(promotion.targetEnvironment, promotion.kind),
      ),
    };
  }

  /** The versions that ran in one environment of the entity, newest first. */
  async getHistory(
    entity: Entity,
    environmentName: string,
  ): Promise<EnvironmentHistory> {
    const environment = this.environment(entity, environmentName);
    return {
      entityRef: stringifyEntityRef(entity),
      environment: environment.name,
      versions: await this.options.gitops.readHistory(entity, environment, {
        snapshot: this.options.gitops.snapshot('recent'),
      }),
    };
  }

  /** One request with its latest gate runs. */
  async getPromotion(id: string): Promise<Promotion | undefined> {
    const promotion = await this.options.store.getPromotion(id);
    return promotion ? (await this.withDetails([promotion]))[0] : undefined;
  }

  /** Adds the latest gate runs and the approvals to requests, for the API. */
  async withDetails(promotions: Promotion[]): Promise<Promotion[]> {
    const ids = promotions.map(p => p.id);
    const [runs, decisions] = await Promise.all([
      this.options.store.latestGateRuns(ids),
      this.options.store.listDecisions(ids),
    ]);
    return promotions.map(p => {
      const rule = this.approvalRule(p.targetEnvironment, p.kind);
      return {
        ...p,
        gateRuns: runs.get(p.id) ?? [],
        approvalsRequired: rule.required,
        approvals: (decisions.get(p.id) ?? []).map(d => ({
          approver: d.approver,
          decision: d.decision,
          ...(d.comment ? { comment: d.comment } : {}),
          createdAt: d.createdAt,
          counts: decisionCounts(d, p, rule),
        })),
      };
    });
  }

  /** Whether the request's target needs approvals it does not have yet. */
  private async stillNeedsApproval(promotion: Promotion): Promise<boolean> {
    const rule = this.approvalRule(promotion.targetEnvironment, promotion.kind);
    // A bypassed approval wait stays bypassed when gates send the request back to gating.
    if (rule.required === 0 || promotion.bypass?.skipped.includes('approvals'))
      return false;
    const decisions =
      (await this.options.store.listDecisions([promotion.id])).get(
        promotion.id,
      ) ?? [];
    return !approvalsSatisfied(decisions, promotion, rule);
  }

  /** The approval rule of an environment for a kind of request, from config. */
  approvalRule(environmentName: string, kind: PromotionKind = 'promotion') {
    const environment = this.options.config.environments.find(
      env => env.name === environmentName,
    );
    if (
      kind === 'rollback' &&
      environment?.rollback?.requireApproval === false
    ) {
      return { required: 0, allowSelfApproval: false };
    }
    const approval = environment?.approval;
    return {
      required: approval?.required ?? 0,
      allowSelfApproval: approval?.allowSelfApproval ?? false,
    };
  }

  /** The checks of a request, before any permission or write. */
  async resolve(
    entity: Entity,
    request: CreatePromotionRequest,
    kind: RequesterKind,
  ): Promise<ResolvedRequest> {
    const resolved = await resolveRequest({
      entity,
      request,
      requesterKind: kind,
      config: this.options.config,
      gitops: this.options.gitops,
    });
    return this.withResolvedDigest(entity, resolved);
  }

  /** A tag-only pin gets the digest its tag names in the target's registry, where one is configured. */
  private async withResolvedDigest(
    entity: Entity,
    resolved: ResolvedRequest,
  ): Promise<ResolvedRequest> {
    const resolvedDigest = await this.registries.resolveTag(
      entity,
      resolved.target,
      resolved.artifact,
    );
    return resolvedDigest ? { ...resolved, resolvedDigest } : resolved;
  }

  /**
   * What a new request for the target would meet before anything is written:
   * refusals (an environment needing approvals without the permission
   * framework, a request already executing) and the open requests it would
   * supersede. The dry run and the real request share it, so a plan never
   * promises what the request would refuse.
   */
  private async admit(
    resolved: ResolvedRequest,
    kind: PromotionKind = 'promotion',
  ): Promise<{ supersedes: Promotion[] }> {
    const { target } = resolved;
    if (
      this.approvalRule(target.name, kind).required > 0 &&
      this.options.permissionsEnabled === false &&
      !this.options.config.allowWithoutPermissions
    ) {
      throw new NotAllowedError(
        `'${target.name}' needs approvals, and approvals need the permission framework: enable permission.enabled, or set promotion.allowWithoutPermissions for a local demo`,
      );
    }
    const open = await this.options.store.listPromotions({
      entityRef: resolved.entityRef,
      environment: target.name,
      statuses: [...ACTIVE_PROMOTION_STATUSES],
    });
    const busy = open.find(
      p => !SUPERSEDABLE_PROMOTION_STATUSES.includes(p.status),
    );
    if (busy) {
      throw new ConflictError(
        `A promotion of ${resolved.entityRef} into ${target.name} is already ${busy.status} (${busy.id}); wait for it to finish`,
      );
    }
    return { supersedes: open };
  }

  /**
   * What a dry run shows of any request: the gates as they would be
   * evaluated now, the approvals needed, what it supersedes and the diff.
   */
  private async planParts(
    entity: Entity,
    resolved: ResolvedRequest,
    kind: PromotionKind,
  ) {
    checkChangeTicket(resolved.target, resolved.changeTicket, {
      dryRun: true,
    });
    const { supersedes } = await this.admit(resolved, kind);
    const rule = this.approvalRule(resolved.target.name, kind);
    const ticketRule = changeTicketRule(resolved.target);
    const registry = this.registries.plan({
      entity,
      environment: resolved.target,
      artifact: resolved.artifact,
      kind,
      resolvedDigest: resolved.resolvedDigest,
    });
    const [gateRuns, changes] = await Promise.all([
      this.evaluateGates(
        entity,
        resolved.target.name,
        async () => resolved,
        this.now(),
        undefined,
        kind,
      ),
      this.options.gitops.planPromotion(
        entity,
        resolved.target,
        { tag: resolved.artifact.tag, digest: resolved.artifact.digest },
        resolved.snapshot,
      ),
    ]);
    return {
      gateRuns,
      approvalsRequired: rule.required,
      allowSelfApproval: rule.allowSelfApproval,
      ...(ticketRule ? { changeTicket: ticketRule } : {}),
      supersedes: supersedes.map(p => p.id),
      delivery: resolved.target.delivery,
      ...(resolved.resolvedDigest
        ? { resolvedDigest: resolved.resolvedDigest }
        : {}),
      ...(registry ? { registry } : {}),
      changes,
    };
  }

  /** A dry run: gate results, approvals needed and the exact diff; nothing is written. */
  async plan(
    entity: Entity,
    resolved: ResolvedRequest,
  ): Promise<PromotionPlan> {
    return {
      entityRef: resolved.entityRef,
      sourceEnvironment: resolved.sourceName,
      targetEnvironment: resolved.target.name,
      artifact: resolved.artifact,
      ...(await this.planParts(entity, resolved, 'promotion')),
    };
  }

  /**
   * Stores a request (superseding older ones that have not started), tells
   * the people whose requests it replaced, and starts moving it on; the
   * answer does not wait for git.
   */
  private async createRequest(
    entity: Entity,
    resolved: ResolvedRequest,
    requester: Requester,
    request: {
      kind: PromotionKind;
      reason?: string;
      details: Record<string, unknown>;
      hold?: { reason: string };
      replaces?: Promotion['artifact'];
    },
  ): Promise<Promotion> {
    const { artifact, target, changeTicket } = resolved;
    checkChangeTicket(target, changeTicket, { dryRun: false });
    // The store checks again in its transaction; this names what gets superseded.
    const { supersedes } = await this.admit(resolved, request.kind);
    const expiresAfter = (target.approval?.expiresAfter ??
      this.options.config.requestExpiresAfter) as HumanDuration;
    const promotion = await this.options.store.createPromotion(
      {
        kind: request.kind,
        entityRef: resolved.entityRef,
        sourceEnvironment: resolved.sourceName,
        targetEnvironment: target.name,
        artifact,
        reason: request.reason,
        changeTicket,
        requestedBy: requester.ref,
        requesterKind: requester.kind,
        expiresAt: new Date(
          this.now().getTime() + durationToMilliseconds(expiresAfter),
        ),
        hold: request.hold,
        replaces: request.replaces,
        resolvedDigest: resolved.resolvedDigest,
      },
      {
        action: 'promotion.requested',
        actor: requester.ref,
        entityRef: resolved.entityRef,
        environment: target.name,
        details: {
          kind: request.kind,
          artifact,
          reason: request.reason ?? null,
          ...(changeTicket ? { changeTicket } : {}),
          ...(resolved.resolvedDigest
            ? { resolvedDigest: resolved.resolvedDigest }
            : {}),
          ...request.details,
        },
      },
    );
    // Whoever asked for a request that this one replaced hears of it (not the
    // person replacing their own request).
    for (const older of supersedes.filter(
      p => p.requestedBy !== requester.ref,
    )) {
      const current = await this.options.store.getPromotion(older.id);
      if (current?.status === 'superseded')
        await this.announce(current, older.status);
    }
    this.track(this.advance(promotion.id, entity));
    return promotion;
  }

  /** Stores a promotion request and starts moving it on. */
  request(
    entity: Entity,
    resolved: ResolvedRequest,
    requester: Requester,
    reason?: string,
  ): Promise<Promotion> {
    return this.createRequest(entity, resolved, requester, {
      kind: 'promotion',
      reason,
      details: { source: resolved.sourceName, requesterKind: requester.kind },
    });
  }

  /** Checks a rollback against the environment's history and analyses its impact. */
  async resolveRollback(
    entity: Entity,
    request: CreateRollbackRequest,
  ): Promise<ResolvedRollback> {
    const rollback = await resolveRollback({
      entity,
      request,
      config: this.options.config,
      gitops: this.options.gitops,
      now: this.now(),
    });
    return {
      ...rollback,
      resolved: await this.withResolvedDigest(entity, rollback.resolved),
    };
  }

  /** A rollback's dry run: its impact, the windows, the approvals it needs and the diff; nothing is written. */
  async planRollback(
    entity: Entity,
    { resolved, impact }: ResolvedRollback,
  ): Promise<RollbackPlan> {
    return {
      entityRef: resolved.entityRef,
      environment: resolved.target.name,
      artifact: resolved.artifact,
      impact,
      ...(await this.planParts(entity, resolved, 'rollback')),
    };
  }

  /**
   * Stores a rollback request and holds automatic promotion of the
   * environment (one transaction), then moves it on like any request: the
   * environment's windows, its approvals (unless `rollback.requireApproval`
   * is false), execution. A rollback whose impact analysis says `blocked` is
   * refused.
   */
  async requestRollback(
    entity: Entity,
    { resolved, impact }: ResolvedRollback,
    requester: Requester,
    reason: string,
  ): Promise<Promotion> {
    if (impact.recommendation === 'blocked') {
      throw new ConflictError(
        `This rollback is blocked: ${impact.reasons.join('; ')}`,
      );
    }
    return this.createRequest(entity, resolved, requester, {
      kind: 'rollback',
      reason,
      hold: { reason },
      replaces: impact.current,
      details: {
        backsOut: impact.backedOut.map(v => v.artifact),
        recommendation: impact.recommendation,
        reasons: impact.reasons,
      },
    });
  }

  /**
   * The Sync action of a manual-sync Argo CD environment: Argo CD applies
   * what the branch holds now. The caller has checked the sync permission.
   */
  async sync(
    entity: Entity,
    environmentName: string,
    actor: string,
    reason?: string,
  ) {
    const environment = this.environment(entity, environmentName);
    const entityRef = stringifyEntityRef(entity);
    const outcome = await this.follower.sync(
      entity,
      environment,
      { actor, entityRef, reason },
      this.now(),
    );
    if (outcome.promotionId)
      this.track(this.advance(outcome.promotionId, entity));
    return {
      ...outcome,
      deployment: (await this.deployments.read(entity, environment, {
        fresh: true,
      }))!,
    };
  }

  /** Lets automatic promotion into the environment resume after a rollback. */
  async releaseHold(
    entity: Entity,
    environmentName: string,
    actor: string,
  ): Promise<void> {
    const environment = this.environment(entity, environmentName);
    if (
      !(await this.options.store.releaseHold(
        stringifyEntityRef(entity),
        environment.name,
        actor,
      ))
    ) {
      throw new ConflictError(
        `${environment.name} of ${stringifyEntityRef(entity)} is not held`,
      );
    }
  }

  /**
   * Cancels a request that has not started executing, or one whose pull
   * request waits to be merged (the pull request is closed first).
   */
  async cancel(
    id: string,
    actor: string,
    knownEntity?: Entity,
  ): Promise<Promotion> {
    const before = await this.options.store.getPromotion(id);
    if (before?.status === 'awaiting-merge')
      return this.cancelPullRequest(before, actor, knownEntity);
    const promotion = await this.options.store.transition(
      id,
      ['gating', 'awaiting-approval', 'approved'],
      'cancelled',
      { nextEvaluationAt: null },
      { action: 'promotion.cancelled', actor },
    );
    if (!promotion) {
      const current = await this.options.store.getPromotion(id);
      throw new ConflictError(
        `Promotion ${id} is ${
          current?.status ?? 'unknown'
        } and can no longer be cancelled`,
      );
    }
    // Someone other than the requester may have cancelled it; the requester hears of it.
    if (actor !== promotion.requestedBy)
      await this.options.notifier?.outcome(promotion);
    return promotion;
  }

  /**
   * Closes a waiting pull request without merging it, then cancels the
   * request. One merged meanwhile has landed: the request then moves on to
   * `succeeded` and the cancel is refused.
   */
  private async cancelPullRequest(
    promotion: Promotion,
    actor: string,
    knownEntity?: Entity,
  ): Promise<Promotion> {
    const entity =
      knownEntity ?? (await this.options.loadEntity(promotion.entityRef));
    const ref = promotion.pullRequest;
    if (!entity || !ref) {
      throw new ConflictError(
        `Promotion ${promotion.id} has no pull request to close; it can no longer be cancelled`,
      );
    }
    const environment = this.environment(entity, promotion.targetEnvironment);
    const pr = {
      url: ref.url,
      number: ref.number,
      provider: ref.provider ?? 'github',
    };
    try {
      await this.options.gitops.closePullRequest(entity, environment, pr);
    } catch (error) {
      if (error instanceof ConflictError) {
        this.track(this.advance(promotion.id, entity));
        throw new ConflictError(
          `${ref.url} was merged already: the promotion has landed and cannot be cancelled`,
        );
      }
      throw error;
    }
    const cancelled = await this.options.store.transition(
      promotion.id,
      ['awaiting-merge'],
      'cancelled',
      { nextEvaluationAt: null },
      {
        action: 'promotion.cancelled',
        actor,
        details: { pullRequestUrl: ref.url, pullRequestClosed: true },
      },
    );
    if (!cancelled) {
      const current = await this.options.store.getPromotion(promotion.id);
      throw new ConflictError(
        `Promotion ${promotion.id} is ${
          current?.status ?? 'unknown'
        } and can no longer be cancelled`,
      );
    }
    if (actor !== cancelled.requestedBy)
      await this.options.notifier?.outcome(cancelled);
    return cancelled;
  }

  /**
   * Records an approver's decision. The caller has checked the approve
   * permission and that the approver is a signed-in user; the rules on who
   * counts (never the requester alone) live in the store's transaction.
   */
  async decide(
    id: string,
    approver: string,
    decision: {
      decision: 'approve' | 'reject';
      comment?: string;
      digest?: string;
    },
  ): Promise<Promotion> {
    const before = await this.options.store.getPromotion(id);
    if (!before) throw new NotFoundError(`No promotion ${id}`);
    if (new Date(before.expiresAt) <= this.now()) {
      throw new ConflictError(
        `Promotion ${id} expired at ${before.expiresAt}; request it again`,
      );
    }
    const outcome = await this.options.store.recordDecision(
      id,
      { approver, ...decision },
      this.approvalRule(before.targetEnvironment, before.kind),
    );
    if (outcome.decided) {
      await this.announce(outcome.promotion, before.status);
      if (outcome.promotion.status === 'approved') this.track(this.advance(id));
    }
    return (await this.getPromotion(id))!;
  }

  /**
   * The emergency bypass: skips failing gates or the approval wait, with a
   * mandatory reason. Loudly recorded (audit, commit trailers, UI) and the
   * approvers are told after the fact.
   */
  async bypass(
    id: string,
    entity: Entity,
    by: string,
    reason: string,
  ): Promise<Promotion> {
    const before = await this.options.store.getPromotion(id);
    if (!before) throw new NotFoundError(`No promotion ${id}`);
    if (before.status !== 'gating' && before.status !== 'awaiting-approval') {
      throw new ConflictError(
        `Promotion ${id} is ${before.status}; only a request that waits on gates or approvals can be bypassed`,
      );
    }
    // A bypass skips one thing: the gates of a gating request (it then still
    // waits for the approvals it needs), or the wait for approval.
    let to: Promotion['status'] = 'approved';
    if (before.status === 'gating' && (await this.stillNeedsApproval(before)))
      to = 'awaiting-approval';
    const bypassed = await this.options.store.bypass(id, before.status, to, {
      by,
      reason,
      skipped: before.status === 'gating' ? 'gates' : 'approvals',
    });
    if (!bypassed) {
      throw new ConflictError(
        `Promotion ${id} is ${before.status}; only a request that waits on gates or approvals can be bypassed`,
      );
    }
    await this.options.notifier?.bypassed(
      bypassed,
      entity,
      this.environment(entity, bypassed.targetEnvironment),
    );
    if (to === 'awaiting-approval')
      await this.announce(bypassed, before.status, entity);
    else this.track(this.advance(id, entity));
    return (await this.getPromotion(id))!;
  }

  /** Evaluates a gating request's gates again now (after a fix, or to see a pending gate move). */
  async rerunGates(
    id: string,
    entity: Entity,
    actor: string,
  ): Promise<Promotion> {
    // Who asked is recorded even when the gates then say what they said before.
    const promotion = await this.options.store.transition(
      id,
      ['gating'],
      'gating',
      {},
      {
        action: 'promotion.gates-rerun',
        actor,
      },
    );
    if (!promotion) {
      const current = await this.options.store.getPromotion(id);
      throw new ConflictError(
        `Promotion ${id} is ${
          current?.status ?? 'unknown'
        }; gates run again only while it is gating`,
      );
    }
    await this.advance(id, entity);
    return (await this.getPromotion(id))!;
  }

  /**
   * Moves a request on as far as it can go now. Safe to call any number of
   * times from anywhere: within a process concurrent calls for one request
   * share one run; across replicas the store's compare-and-set decides.
   */
  advance(id: string, entity?: Entity): Promise<void> {
    let run = this.advancing.get(id);
    if (!run) {
      run = this.advanceOnce(id, entity).finally(() =>
        this.advancing.delete(id),
      );
      this.advancing.set(id, run);
    }
    return run;
  }

  private async advanceOnce(id: string, knownEntity?: Entity): Promise<void> {
    const before = await this.options.store.getPromotion(id);
    if (!before) return;
    try {
      await this.runSteps(id, knownEntity);
    } finally {
      const after = await this.options.store.getPromotion(id);
      if (after) await this.announce(after, before.status, knownEntity);
    }
  }

  /** Tells people what changed: approvers when approval is wanted, the requester on outcomes. */
  private async announce(
    promotion: Promotion,
    previous: Promotion['status'],
    knownEntity?: Entity,
  ) {
    const { notifier } = this.options;
    if (!notifier || promotion.status === previous) return;
    if (promotion.status === 'awaiting-approval') {
      const entity =
        knownEntity ?? (await this.options.loadEntity(promotion.entityRef));
      if (entity)
        await notifier.approvalWanted(
          promotion,
          entity,
          this.environment(entity, promotion.targetEnvironment),
        );
    } else {
      await notifier.outcome(promotion);
    }
  }

  private async runSteps(id: string, knownEntity?: Entity): Promise<void> {
    const { store } = this.options;
    let gatesJustPassed = false;
    for (let step = 0; step < 8; step++) {
      const promotion = await store.getPromotion(id);
      if (!promotion) return;
      // A landed request moves on while its deployment is followed.
      if (
        !ACTIVE_PROMOTION_STATUSES.includes(promotion.status) &&
        !promotion.deployment
      )
        return;
      const now = this.now();
      if (
        ['gating', 'awaiting-approval', 'approved'].includes(
          promotion.status,
        ) &&
        new Date(promotion.expiresAt) < now
      ) {
        await store.transition(
          id,
          [promotion.status],
          'expired',
          { nextEvaluationAt: null },
          {
            action: 'promotion.expired',
            actor: SCHEDULER,
            entityRef: promotion.entityRef,
            environment: promotion.targetEnvironment,
          },
        );
        return;
      }
      const entity =
        knownEntity ?? (await this.options.loadEntity(promotion.entityRef));
      if (!entity) {
        if (promotion.status === 'succeeded') {
          // Landed already: nothing to fail, only nothing more to follow.
          await store.reschedule(id, 'succeeded', null, null);
          return;
        }
        await this.fail(
          promotion,
          ACTIVE_PROMOTION_STATUSES.filter(s => s !== 'awaiting-merge'),
          `Entity ${promotion.entityRef} no longer exists`,
        );
        return;
      }
      const moved = await this.step(promotion, entity, now, gatesJustPassed);
      if (!moved) return;
      gatesJustPassed = promotion.status === 'gating';
    }
  }

  /** One transition; resolves true when the request moved and may move again now. */
  private async step(
    promotion: Promotion,
    entity: Entity,
    now: Date,
    gatesJustPassed: boolean,
  ): Promise<boolean> {
    switch (promotion.status) {
      case 'gating':
        return this.gate(promotion, entity, now);
      case 'approved':
        // A rollback lands only on the environment its impact was shown for.
        if (
          promotion.kind === 'rollback' &&
          !(await this.rollbackStillApplies(promotion, entity))
        ) {
          return false;
        }
        // Windows, freezes and source-match may have changed while people
        // approved: gates run again just before execution (not after a
        // bypass, and not when they passed a moment ago in this same run).
        if (
          !promotion.bypass?.skipped.includes('gates') &&
          !gatesJustPassed &&
          !(await this.gatesStillPass(promotion, entity, now))
        ) {
          return false;
        }
        return this.execute(promotion, entity, now);
      case 'executing':
        // Only reached when the lease expired (listDue) or right after a claim
        // elsewhere; claimExecution decides which.
        return this.execute(promotion, entity, now);
      case 'awaiting-merge':
        return this.checkMerge(promotion, entity, now);
      case 'succeeded':
        await this.follower.follow(
          promotion,
          entity,
          this.environment(entity, promotion.targetEnvironment),
          now,
        );
        return false;
      default:
        // awaiting-approval moves on by approvals, not by time.
        return false;
    }
  }

  private async gate(
    promotion: Promotion,
    entity: Entity,
    now: Date,
  ): Promise<boolean> {
    const { store } = this.options;
    const target = this.environment(entity, promotion.targetEnvironment);
    let runs: GateRun[];
    try {
      runs = await this.evaluateRequestGates(promotion, entity, now);
    } catch (error) {
      if (isPermanent(error)) {
        await this.fail(
          promotion,
          ['gating'],
          `Gates could not run: ${errorMessage(error)}`,
        );
      } else {
        // The repository or a gate's service may be back in a minute; a
        // retry is not a change of state, so it is logged, not audited.
        this.options.logger.warn(
          `Promotion ${promotion.id}: gates could not run (${errorMessage(
            error,
          )}); trying again in a minute`,
        );
        await store.reschedule(
          promotion.id,
          'gating',
          new Date(now.getTime() + RETRY_MS),
        );
      }
      return false;
    }
    const summary = summarise(runs, now);
    if (runs.length > 0) {
      await store.recordGateRuns(promotion.id, runs, {
        action: 'promotion.gates-evaluated',
        actor: SCHEDULER,
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
      });
    }
    if (!summary.passed) {
      // Pending gates are looked at again when they can pass; failed ones
      // wait for a re-run, a cancel or the request's expiry. The runs were
      // recorded (and audited) above: this only sets the next look.
      await store.reschedule(
        promotion.id,
        'gating',
        summary.nextRetryAt ? new Date(summary.nextRetryAt) : null,
      );
      return false;
    }
    const needsApproval = await this.stillNeedsApproval(promotion);
    const moved = await store.transition(
      promotion.id,
      ['gating'],
      needsApproval ? 'awaiting-approval' : 'approved',
      { nextEvaluationAt: null },
      {
        action: needsApproval
          ? 'promotion.gates-evaluated'
          : 'promotion.approved',
        actor: SCHEDULER,
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
        details: {
          passed: true,
          approvalsRequired: this.approvalRule(target.name, promotion.kind)
            .required,
        },
      },
    );
    return !!moved && !needsApproval;
  }

  /**
   * Whether the environment still runs what it ran when the rollback was
   * asked for; if something else landed meanwhile, going back now would back
   * out more than the impact analysis showed, so the rollback fails instead.
   */
  private async rollbackStillApplies(
    promotion: Promotion,
    entity: Entity,
  ): Promise<boolean> {
    const expected = promotion.replaces;
    if (!expected) return true;
    const environment = this.environment(entity, promotion.targetEnvironment);
    const { artifact } = await this.options.gitops.readEnvironment(
      entity,
      environment,
      { withCommit: false },
    );
    const same =
      !!artifact &&
      (expected.digest
        ? artifact.digest === expected.digest
        : artifact.tag === expected.tag);
    if (same) return true;
    const describe = (a: Promotion['artifact'] | null) =>
      a ? a.tag ?? a.digest : 'nothing';
    await this.fail(
      promotion,
      ['approved'],
      `${environment.name} runs ${describe(artifact)} now, not ${describe(
        expected,
      )} as when the rollback was asked for; ask again to see its impact`,
    );
    return false;
  }

  /** Evaluates a stored request's gates, as of `now`. */
  private evaluateRequestGates(
    promotion: Promotion,
    entity: Entity,
    now: Date,
  ): Promise<GateRun[]> {
    return this.evaluateGates(
      entity,
      promotion.targetEnvironment,
      () => this.contextFor(promotion, entity),
      now,
      promotion.id,
      promotion.kind,
    );
  }

  /** Re-evaluates an approved request's gates; sends it back to gating when they no longer pass. */
  private async gatesStillPass(
    promotion: Promotion,
    entity: Entity,
    now: Date,
  ): Promise<boolean> {
    const runs = await this.evaluateRequestGates(promotion, entity, now);
    if (runs.length === 0) return true;
    const summary = summarise(runs, now);
    await this.options.store.recordGateRuns(promotion.id, runs, {
      action: 'promotion.gates-evaluated',
      actor: SCHEDULER,
      entityRef: promotion.entityRef,
      environment: promotion.targetEnvironment,
      details: { beforeExecution: true },
    });
    if (summary.passed) return true;
    const next = summary.nextRetryAt ? new Date(summary.nextRetryAt) : null;
    await this.options.store.transition(
      promotion.id,
      ['approved'],
      'gating',
      { nextEvaluationAt: next },
      {
        action: 'promotion.gates-evaluated',
        actor: SCHEDULER,
        details: { passed: false, beforeExecution: true },
      },
    );
    return false;
  }

  private async execute(
    promotion: Promotion,
    entity: Entity,
    now: Date,
  ): Promise<boolean> {
    const { store, gitops, logger, instanceId } = this.options;
    const claimed = await store.claimExecution(
      promotion.id,
      instanceId,
      new Date(now.getTime() + this.leaseMs),
      now,
      {
        action: 'promotion.executing',
        actor: SCHEDULER,
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
        details: {
          leaseOwner: instanceId,
          takeover: promotion.status === 'executing',
        },
      },
    );
    if (!claimed) return false;
    const environment = this.environment(entity, claimed.targetEnvironment);
    const registryRequest = this.registryRequest(claimed, entity, environment);
    let change: AppliedChange;
    let prepared: PreparedRegistries | undefined;
    try {
      change = await this.holdingLease(claimed.id, async () => {
        // The build is where the environment pulls it from, by the digest that
        // was approved, before the change that points the environment at it.
        prepared = await this.registries.prepare(registryRequest);
        return gitops.applyPromotion({
          entity,
          environment,
          pin: { tag: claimed.artifact.tag, digest: claimed.artifact.digest },
          promotionId: claimed.id,
          requestedAt: new Date(claimed.createdAt),
          promotedBy: claimed.requestedBy,
          subject: entity.metadata.name,
          kind: claimed.kind,
          reason: claimed.reason,
          trailers: {
            ...(claimed.bypass
              ? {
                  'Bypassed-By': claimed.bypass.by,
                  'Bypass-Reason': claimed.bypass.reason.replace(/\s+/g, ' '),
                }
              : {}),
            ...(!claimed.artifact.digest && prepared?.digest
              ? { 'Artifact-Digest': prepared.digest }
              : {}),
            ...(claimed.changeTicket
              ? { 'Change-Ticket': claimed.changeTicket }
              : {}),
            'Audit-Head': await store.auditHead(),
          },
          pullRequest:
            environment.delivery === 'pull-request'
              ? await this.pullRequestContent(claimed, environment)
              : undefined,
        });
      });
    } catch (error) {
      if (error instanceof ScmRetryLaterError) {
        // Rate-limited: keep the claim until the host says to come back;
        // the scheduler takes the request over when that lease runs out.
        await store.transition(
          claimed.id,
          ['executing'],
          'executing',
          {
            lease: { owner: instanceId, expiresAt: error.retryAt },
          },
          {
            action: 'promotion.executing',
            actor: SCHEDULER,
            details: {
              retryAt: error.retryAt.toISOString(),
              reason: errorMessage(error),
            },
          },
          instanceId,
        );
        return false;
      }
      // A push can reach the remote even when git reports an error (a dropped
      // connection after the ref moved): look for the commit before failing.
      let applied: string | undefined;
      try {
        applied = await gitops.findAppliedCommit(
          entity,
          environment,
          claimed.id,
          new Date(claimed.createdAt),
        );
      } catch (lookupError) {
        logger.warn(
          `Promotion ${claimed.id}: ${errorMessage(
            error,
          )}; could not check the branch (${errorMessage(
            lookupError,
          )}), leaving it to the scheduler`,
        );
        return false;
      }
      if (!applied) {
        // The branch was read and holds no such commit, so trying again cannot
        // push twice. A remote that could not be reached may be back in a
        // minute: the lease runs out and the scheduler tries again, for as
        // long as the request has not expired.
        if (
          isUnreachableRemote(error) &&
          new Date(claimed.expiresAt) > this.now()
        ) {
          logger.warn(
            `Promotion ${claimed.id}: ${errorMessage(
              error,
            )}; trying again once its lease runs out`,
          );
          return false;
        }
        logger.warn(`Promotion ${claimed.id} failed: ${errorMessage(error)}`);
        await this.fail(
          claimed,
          ['executing'],
          errorMessage(error),
          instanceId,
        );
        return false;
      }
      change = { commitSha: applied, alreadyApplied: true };
    }
    const registry = prepared && {
      digest: prepared.digest,
      copies: prepared.copies,
    };
    // The change is in git now. Should recording it fail, the request keeps
    // its lease and is never marked failed: the scheduler takes it over when
    // the lease expires and recognises the commit by its Promotion-Id.
    if (change.pullRequest && !change.alreadyApplied) {
      await store.transition(
        claimed.id,
        ['executing'],
        'awaiting-merge',
        {
          commitSha: change.commitSha,
          pullRequest: change.pullRequest,
          lease: null,
          nextEvaluationAt: now,
        },
        {
          action: 'promotion.awaiting-merge',
          actor: SCHEDULER,
          entityRef: claimed.entityRef,
          environment: claimed.targetEnvironment,
          details: {
            commitSha: change.commitSha,
            pullRequestUrl: change.pullRequest.url,
            ...(registry ? { registry } : {}),
          },
        },
        instanceId,
      );
      return true;
    }
    const follow = this.follower.follows(environment);
    const landed = await store.transition(
      claimed.id,
      ['executing'],
      'succeeded',
      {
        commitSha: change.commitSha,
        lease: null,
        ...(follow ? { nextEvaluationAt: now } : {}),
      },
      {
        action:
          claimed.kind === 'rollback'
            ? 'promotion.rolled-back'
            : 'promotion.executed',
        actor: SCHEDULER,
        entityRef: claimed.entityRef,
        environment: claimed.targetEnvironment,
        details: {
          commitSha: change.commitSha,
          alreadyApplied: change.alreadyApplied,
          ...(change.pinnedByAnotherWriter
            ? { pinnedByAnotherWriter: true }
            : {}),
          ...(registry ? { registry } : {}),
        },
      },
      instanceId,
    );
    if (landed) await this.tagLanded(landed, registryRequest);
    // Followed at once: the step that follows sees the deployment source.
    return !!landed && follow;
  }

  private get leaseMs() {
    return this.options.leaseMs ?? LEASE_MS;
  }

  /**
   * Runs the registry copies and the git change while renewing the execution
   * lease every third of its length: a push retried against a busy branch or
   * a large copy may outlast one lease, and an expired lease would let the
   * scheduler start the same work on another replica meanwhile.
   */
  private async holdingLease<T>(
    id: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const { store, instanceId, logger } = this.options;
    const renew = async () => {
      try {
        if (
          !(await store.renewLease(
            id,
            instanceId,
            new Date(this.now().getTime() + this.leaseMs),
          ))
        ) {
          logger.warn(
            `Promotion ${id}: this replica no longer holds its execution lease`,
          );
        }
      } catch (error) {
        logger.warn(
          `Promotion ${id}: could not renew the execution lease (${errorMessage(
            error,
          )})`,
        );
      }
    };
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(renew);
    }, this.leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      // A renewal still on its way must not land after what the caller
      // writes next (a rate limit's longer lease, the end of execution).
      await renewing;
    }
  }

  private registryRequest(
    promotion: Promotion,
    entity: Entity,
    environment: EnvironmentConfig,
  ): RegistryRequest {
    return {
      entity,
      environment,
      artifact: promotion.artifact,
      kind: promotion.kind,
      resolvedDigest: promotion.resolvedDigest,
    };
  }

  /**
   * Writes the environment's registry tags for a request that has landed.
   * The change is in git whatever the registries answer, so a refusal (an
   * immutable tag that moved meanwhile, a registry down) is audited and
   * logged, and the request stays succeeded.
   */
  private async tagLanded(promotion: Promotion, request: RegistryRequest) {
    const digest = promotion.artifact.digest ?? promotion.resolvedDigest;
    if (!digest) return;
    const outcome = await this.registries.writeTags(request, digest);
    if (!outcome) return;
    const refused = outcome.refused.length > 0;
    if (refused) {
      this.options.logger.warn(
        `Promotion ${
          promotion.id
        } landed, but registry tags were refused: ${outcome.refused.join(
          '; ',
        )}`,
      );
    }
    await this.options.store.transition(
      promotion.id,
      ['succeeded'],
      'succeeded',
      {},
      {
        action: refused
          ? 'promotion.registry-tags-refused'
          : 'promotion.registry-tagged',
        actor: SCHEDULER,
        details: {
          digest,
          written: outcome.written,
          unchanged: outcome.unchanged,
          refused: outcome.refused,
        },
      },
    );
  }

  private async checkMerge(
    promotion: Promotion,
    entity: Entity,
    now: Date,
  ): Promise<boolean> {
    const { store, gitops } = this.options;
    const environment = this.environment(entity, promotion.targetEnvironment);
    const ref = promotion.pullRequest;
    if (!ref) {
      await this.fail(
        promotion,
        ['awaiting-merge'],
        'The request has no pull request to follow',
      );
      return false;
    }
    const pr = {
      url: ref.url,
      number: ref.number,
      provider: ref.provider ?? 'github',
    };
    const audit = {
      actor: SCHEDULER,
      entityRef: promotion.entityRef,
      environment: promotion.targetEnvironment,
    };
    let state: PullRequestState;
    try {
      state = await gitops.pullRequestState(entity, environment, pr);
      if (state === 'open' && environment.merge === 'auto') {
        await gitops.mergePullRequest(
          entity,
          environment,
          pr,
          promotion.commitSha!,
        );
        state = 'merged';
      }
    } catch (error) {
      if (error instanceof ConflictError && environment.merge === 'auto') {
        // The branch moved after the checks and approvals: what would land
        // is not what was approved.
        await this.fail(
          promotion,
          ['awaiting-merge'],
          `Not merged: ${errorMessage(error)}`,
        );
        return false;
      }
      if (error instanceof InputError) {
        // The host refuses this kind of merge (a repository setting); waiting changes nothing.
        await this.fail(
          promotion,
          ['awaiting-merge'],
          `Not merged: ${errorMessage(error)}`,
        );
        return false;
      }
      // Anything else may clear up: required checks still running, a
      // conflict people can fix (PullRequestNotReadyError), an unreachable host.
      // A merge conflict or an unreachable host is not the end of the request:
      // people can fix the branch, and the host comes back.
      const retryAt =
        error instanceof ScmRetryLaterError
          ? error.retryAt
          : new Date(now.getTime() + MERGE_POLL_MS);
      this.options.logger.info(
        `Promotion ${promotion.id}: ${ref.url} not merged yet (${errorMessage(
          error,
        )}); looking again at ${retryAt.toISOString()}`,
      );
      await store.reschedule(promotion.id, 'awaiting-merge', retryAt);
      return false;
    }
    if (state === 'merged') {
      const follow = this.follower.follows(environment);
      const landed = await store.transition(
        promotion.id,
        ['awaiting-merge'],
        'succeeded',
        { nextEvaluationAt: follow ? now : null },
        {
          ...audit,
          action:
            promotion.kind === 'rollback'
              ? 'promotion.rolled-back'
              : 'promotion.executed',
          details: { pullRequestUrl: ref.url, merged: true },
        },
      );
      if (landed)
        await this.tagLanded(
          landed,
          this.registryRequest(landed, entity, environment),
        );
      return !!landed && follow;
    } else if (state === 'closed') {
      await this.fail(
        promotion,
        ['awaiting-merge'],
        `The pull request ${ref.url} was closed without merging`,
      );
    } else {
      // Still open: look again later; nothing changed, so nothing to audit.
      await store.reschedule(
        promotion.id,
        'awaiting-merge',
        new Date(now.getTime() + MERGE_POLL_MS),
      );
    }
    return false;
  }

  private async fail(
    promotion: Promotion,
    from: Promotion['status'][],
    message: string,
    leaseOwner?: string,
  ) {
    await this.options.store.transition(
      promotion.id,
      from,
      'failed',
      { error: message, lease: null, nextEvaluationAt: null },
      {
        action: 'promotion.failed',
        actor: SCHEDULER,
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
        details: { error: message },
      },
      leaseOwner,
    );
  }

  private async contextFor(
    promotion: Promotion,
    entity: Entity,
  ): Promise<ResolvedRequest> {
    const target = this.environment(entity, promotion.targetEnvironment);
    const source =
      promotion.sourceEnvironment === CI_SOURCE
        ? undefined
        : this.environment(entity, promotion.sourceEnvironment);
    const { gitops } = this.options;
    const snapshot = gitops.snapshot();
    const [sourcePin, targetPin] = await Promise.all([
      source
        ? gitops.readEnvironment(entity, source, { snapshot })
        : { artifact: promotion.artifact, commit: null },
      gitops.readEnvironment(entity, target, { withCommit: false, snapshot }),
    ]);
    return {
      entityRef: promotion.entityRef,
      source,
      sourceName: promotion.sourceEnvironment,
      target,
      artifact: promotion.artifact,
      ...(promotion.resolvedDigest
        ? { resolvedDigest: promotion.resolvedDigest }
        : {}),
      sourcePin,
      targetPin,
      snapshot,
      ...(promotion.changeTicket
        ? { changeTicket: promotion.changeTicket }
        : {}),
    };
  }

  /**
   * The gates of an environment, built from its config blocks. A rollback
   * returns to a build the environment already ran, so the gates that judge
   * a new build do not apply to it; its windows and freezes do.
   */
  private gatesOf(
    environment: EnvironmentConfig,
    kind: PromotionKind = 'promotion',
  ) {
    const context = `promotion.environments[${environment.name}]`;
    return this.options.gates.gatesFor({
      name: environment.name,
      gates: (kind === 'rollback' ? [] : environment.gates).map(
        (block, i) =>
          new ConfigReader(block as JsonObject, `${context}.gates[${i}]`),
      ),
      windows: environment.windows.map(
        (block, i) =>
          new ConfigReader(block as JsonObject, `${context}.windows[${i}]`),
      ),
    });
  }

  /** Builds every environment's gates once, so that bad gate config stops the start-up, naming the key. */
  validateConfiguration(): void {
    for (const environment of this.options.config.environments)
      this.gatesOf(environment);
  }

  /**
   * Evaluates the target's gates. The repository is read only when the
   * target has gates, and only then: most environments have none, and a
   * promotion's cost should not include reads nobody needs.
   */
  private async evaluateGates(
    entity: Entity,
    targetName: string,
    context: () => Promise<ResolvedRequest>,
    now = this.now(),
    /** The request being gated; absent for a dry run. */
    promotionId?: string,
    kind: PromotionKind = 'promotion',
  ): Promise<GateRun[]> {
    const target = this.environment(entity, targetName);
    const gates = this.gatesOf(target, kind);
    if (gates.length === 0) return [];
    const resolved = await context();
    const sourcePin =
      resolved.source &&
      !resolved.sourcePin.commit &&
      resolved.sourcePin.artifact
        ? await this.options.gitops.readEnvironment(entity, resolved.source, {
            snapshot: resolved.snapshot,
          })
        : resolved.sourcePin;
    const readDeployment = (environment: EnvironmentConfig | undefined) =>
      environment?.deployment
        ? {
            readDeployment: async () =>
              (await this.deployments.read(entity, environment))!,
          }
        : {};
    return this.options.gates.run(gates, {
      entity,
      entityRef: resolved.entityRef,
      // A tag-only pin is gated by the digest its tag named at request time
      // (scanners and the registry gate ask about those bytes).
      artifact: resolved.resolvedDigest
        ? { ...resolved.artifact, digest: resolved.resolvedDigest }
        : resolved.artifact,
      source: {
        name: resolved.sourceName,
        artifact: sourcePin.artifact,
        since: sourcePin.commit?.date,
        ...readDeployment(resolved.source),
      },
      target: {
        name: target.name,
        artifact: resolved.targetPin.artifact,
        since: resolved.targetPin.commit?.date,
        ...readDeployment(target),
      },
      now,
      ...(promotionId ? { promotionId } : {}),
      ...(resolved.changeTicket ? { changeTicket: resolved.changeTicket } : {}),
    });
  }

  private async pullRequestContent(
    promotion: Promotion,
    environment: EnvironmentConfig,
  ) {
    const runs =
      (await this.options.store.latestGateRuns([promotion.id])).get(
        promotion.id,
      ) ?? [];
    const decisions =
      (await this.options.store.listDecisions([promotion.id])).get(
        promotion.id,
      ) ?? [];
    const { kind, namespace, name } = parseEntityRef(promotion.entityRef);
    return {
      title:
        promotion.kind === 'rollback'
          ? `Roll back ${name} in ${promotion.targetEnvironment} to ${
              promotion.artifact.tag ?? promotion.artifact.digest
            }`
          : `Promote ${name} to ${promotion.targetEnvironment}: ${
              promotion.artifact.tag ?? promotion.artifact.digest
            }`,
      body: renderPullRequestBody({
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
        artifact: promotion.artifact,
        requestedBy: promotion.requestedBy,
        reason: promotion.reason,
        ...(promotion.changeTicket
          ? {
              changeTicket: {
                id: promotion.changeTicket,
                url: changeTicketUrl(
                  changeTicketRule(environment),
                  promotion.changeTicket,
                ),
              },
            }
          : {}),
        gates: runs.map(run => ({
          name: run.gate,
          status: run.status,
          message: run.message,
        })),
        approvals: decisions.map(d => ({
          by: d.approver,
          decision: d.decision,
          comment: d.comment,
        })),
        link: `${
          this.options.appBaseUrl
        }/catalog/${namespace}/${kind.toLocaleLowerCase(
          'en-US',
        )}/${name}/promotion`,
      }),
    };
  }

  /** Looks at every request that is due (pending gates, expiries, expired leases, open pull requests). */
  async runDue(limit = 100): Promise<number> {
    const due = await this.options.store.listDue(this.now(), limit);
    for (const promotion of due) {
      try {
        await this.advance(promotion.id);
      } catch (error) {
        this.options.logger.warn(
          `Could not advance promotion ${promotion.id}: ${errorMessage(error)}`,
        );
      }
    }
    return due.length;
  }

  /** Whether any environment has `autoPromote`: else the scheduler need not list entities. */
  promotesAutomatically(): boolean {
    return this.options.config.environments.some(env => env.autoPromote);
  }

  /**
   * Requests automatic promotions: for every entity and environment with
   * `autoPromote`, when the previous environment runs something the target
   * does not and no request is active. Gates decide as for any request.
   */
  async autoPromote(entities: Entity[]): Promise<Promotion[]> {
    const created: Promotion[] = [];
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      let environments: EnvironmentConfig[];
      try {
        environments = this.options.gitops.targets
          .environmentsFor(entity)
          .slice(1)
          .filter(env => env.autoPromote);
      } catch (error) {
        // One entity's broken annotation must not stop the others' promotions.
        this.options.logger.warn(
          `Automatic promotion skips ${entityRef}: ${errorMessage(error)}`,
        );
        continue;
      }
      if (environments.length === 0) continue;
      // A rollback holds automatic promotion until someone releases the hold.
      const holds = await this.options.store.listHolds(entityRef);
      for (const target of environments.filter(env => !holds.has(env.name))) {
        const [active] = await this.options.store.listPromotions({
          entityRef,
          environment: target.name,
          statuses: [...ACTIVE_PROMOTION_STATUSES],
          limit: 1,
        });
        // A person's request is left alone, and so is one that started
        // executing; an automatic one still waiting (say, on a failed gate)
        // gives way to a newer build in the source.
        if (
          active &&
          (active.requesterKind !== 'scheduler' ||
            !SUPERSEDABLE_PROMOTION_STATUSES.includes(active.status))
        ) {
          continue;
        }
        try {
          const resolved = await this.resolve(
            entity,
            { entityRef, targetEnvironment: target.name },
            'scheduler',
          );
          if (active && identicalArtifact(active.artifact, resolved.artifact))
            continue;
          created.push(
            await this.request(
              entity,
              resolved,
              { ref: SCHEDULER, kind: 'scheduler' },
              'automatic promotion',
            ),
          );
        } catch (error) {
          // Nothing new to promote (409), or a manifest problem that a person
          // will see when they open the tab; automatic promotion just waits.
          if (
            !(error instanceof ConflictError) &&
            !(error instanceof InputError)
          ) {
            this.options.logger.warn(
              `Automatic promotion of ${entityRef} into ${
                target.name
              } failed: ${errorMessage(error)}`,
            );
          }
        }
      }
    }
    return created;
  }

  private track(work: Promise<unknown>) {
    const tracked = work.then(
      () => undefined,
      error =>
        this.options.logger.error(
          `Promotion work failed unexpectedly: ${errorMessage(error)}`,
        ),
    );
    this.running.add(tracked);
    tracked.finally(() => this.running.delete(tracked));
  }

  /** Resolves once the background work started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running]);
    }
  }
}

function identicalArtifact(a: Promotion['artifact'], b: Promotion['artifact']) {
  return (
    a.image === b.image &&
    (a.digest ?? null) === (b.digest ?? null) &&
    (a.tag ?? null) === (b.tag ?? null)
  );
}

function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A git command that could not talk to the remote (a refused connection, a
 * 5xx from the host or a proxy, a dropped connection), as opposed to one the
 * remote answered with a refusal: credentials it rejects or a path it does
 * not know stay wrong however often the push is tried.
 */
function isUnreachableRemote(error: unknown): boolean {
  return (
    error instanceof GitCommandError &&
    (error.args[0] === 'push' || error.args[0] === 'fetch') &&
    !/Authentication failed|could not read Username|Permission denied|returned error: 40[0-9]|not found|does not appear to be a git repository/i.test(
      error.stderr,
    )
  );
}

/** Errors that will not go away by trying again: bad config, a manifest without its key. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof InputError ||
    error instanceof GateConfigError ||
    error instanceof NotFoundError
  );
}
