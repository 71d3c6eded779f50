import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ApprovalDecision,
  AuditPage,
  AuditQuery,
  AuditVerification,
  CreatePromotionRequest,
  CreateRollbackRequest,
  DeploymentStatus,
  DoraMetrics,
  DoraMetricsQuery,
  EnvironmentHistory,
  ListPromotionsQuery,
  OverviewQuery,
  Pipeline,
  Promotion,
  PromotionOverview,
  PromotionPlan,
  RollbackImpact,
  RollbackPlan,
  SyncRequest,
} from '@promotion-for-backstage/plugin-promotion-common';

/**
 * What to promote: a promotion request without the `dryRun` switch, which the
 * client sets itself ({@link PromotionApi.planPromotion}).
 *
 * @public
 */
export type PromotionRequest = Omit<CreatePromotionRequest, 'dryRun'>;

/**
 * Which environment to set back, and to which build: a rollback request
 * without the `dryRun` switch, which the client sets itself
 * ({@link PromotionApi.planRollback}). Without `digest` or `tag` the backend
 * goes back to the build before the current one.
 *
 * @public
 */
export type RollbackRequest = Omit<CreateRollbackRequest, 'dryRun'>;

/**
 * A rollback's dry run needs no reason: nothing is written, so there is
 * nothing to record one in.
 *
 * @public
 */
export type RollbackPlanRequest = Omit<RollbackRequest, 'reason'> & {
  reason?: string;
};

/**
 * The rollback request as created (`kind: 'rollback'`), with the impact
 * analysis it was accepted on.
 *
 * @public
 */
export type RollbackResult = Promotion & { impact: RollbackImpact };

/**
 * The answer to a sync of an environment's Argo CD Application: Argo CD has
 * accepted it, not finished it, so `deployment` is what it reported right
 * after, usually out of sync or progressing.
 *
 * @public
 */
export interface SyncOutcome {
  entityRef: string;
  environment: string;
  /** The Argo CD Application that was asked to sync. */
  application: string;
  /** The landed promotion that waited for this sync, now followed until it runs healthy. */
  promotionId?: string;
  deployment: DeploymentStatus;
}

/**
 * Which audit records to list: the query of `GET /audit`.
 *
 * @public
 */
export type AuditRecordsQuery = Omit<AuditQuery, 'format'>;

/**
 * What the promotion frontend needs from the promotion backend.
 *
 * @public
 */
export interface PromotionApi {
  /**
   * A page of the promotions overview: the annotated entities the signed-in
   * user may see (by name; with `owner`, those any of the owners own; with
   * `q`, those whose name or title contains it), each with what runs in each
   * environment and the request that waits there, with why.
   */
  getOverview(query?: OverviewQuery): Promise<PromotionOverview>;
  /** The entity's environments in pipeline order, with what each one runs. */
  getPipeline(entityRef: string | CompoundEntityRef): Promise<Pipeline>;
  /** Requests a promotion; it runs asynchronously, follow it with {@link PromotionApi.getPromotion}. */
  createPromotion(request: PromotionRequest): Promise<Promotion>;
  /**
   * Asks what a promotion would do (a dry run): the gate results as of now,
   * the approvals it needs and the exact GitOps diff. Nothing is written; the
   * backend refuses a request it would refuse for real, with the same error.
   */
  planPromotion(request: PromotionRequest): Promise<PromotionPlan>;
  getPromotion(id: string): Promise<Promotion>;
  /**
   * Lists requests the caller may see, with the filters that are set. With
   * `awaitingMyApproval: true`, only those the signed-in user may approve now,
   * each with its gate runs, approvals and `allowedActions`.
   */
  listPromotions(
    query?: ListPromotionsQuery,
  ): Promise<{ items: Promotion[]; nextCursor?: string }>;
  /**
   * Approves or rejects a request awaiting approval, with an optional
   * comment; resolves to the request afterwards (`approved` once the last
   * approval needed arrives, `rejected` after any rejection). With `digest`
   * (the digest, or for a tag-only pin the tag, the approver was shown) the
   * backend refuses the decision (409) when the request carries another one.
   */
  decide(id: string, decision: ApprovalDecision): Promise<Promotion>;
  /**
   * The emergency bypass: skips failing gates or the approval wait of a
   * request. The reason (at least 10 characters) goes into the audit log and
   * the commit, and the approvers are told. Resolves to the request, now
   * `approved` and about to execute.
   */
  bypass(id: string, reason: string): Promise<Promotion>;
  /** Withdraws a request that has not started executing; resolves to the cancelled request. */
  cancelPromotion(id: string): Promise<Promotion>;
  /** Evaluates the gates of a request that is still gating again now; resolves to the request afterwards. */
  rerunGates(id: string): Promise<Promotion>;
  /**
   * The builds an environment ran, newest first (the first runs now), each
   * with the commit that pinned it: who promoted it and when.
   */
  getHistory(
    entityRef: string | CompoundEntityRef,
    environment: string,
  ): Promise<EnvironmentHistory>;
  /**
   * A page of the audit log (`GET /audit`, with the `promotion.audit.read`
   * permission), e.g. one entity's records newest first with
   * `{ entityRef, order: 'desc' }`.
   */
  listAuditRecords(query?: AuditRecordsQuery): Promise<AuditPage>;
  /** Walks the whole audit chain and says whether it is intact, or names its first broken record. */
  verifyAudit(): Promise<AuditVerification>;
  /**
   * Asks what a rollback would do (a dry run): the impact analysis with its
   * recommendation, the windows as of now, the approvals it needs, the open
   * requests it supersedes and the exact GitOps diff. Nothing is written;
   * the backend refuses a rollback it would refuse for real, with the same
   * error.
   */
  planRollback(request: RollbackPlanRequest): Promise<RollbackPlan>;
  /**
   * Requests a rollback; the reason (at least 10 characters) goes into the
   * audit log and the commit. It runs like a promotion (follow it with
   * {@link PromotionApi.getPromotion}) and, once through, holds automatic
   * promotion of the environment until someone releases the hold.
   */
  requestRollback(request: RollbackRequest): Promise<RollbackResult>;
  /** Lets automatic promotion into the environment go on after a rollback; refused (409) when it is not held. */
  releaseHold(
    entityRef: string | CompoundEntityRef,
    environment: string,
  ): Promise<void>;
  /**
   * Asks the environment's manual-sync Argo CD Application to apply what git
   * holds now, with an optional reason for the audit log. Refused with 403
   * without the sync permission, 400 when the environment has no Argo CD
   * source, and 409 with Argo CD's answer when Argo CD refuses.
   */
  syncEnvironment(
    entityRef: string | CompoundEntityRef,
    environment: string,
    request?: SyncRequest,
  ): Promise<SyncOutcome>;
  /**
   * The DORA metrics (deployment frequency, lead time for changes, change
   * failure rate, time to restore) of one entity (`entityRef`), of the
   * entities a group owns (`group`), or of every entity the signed-in user
   * may see, over a window (by default the last 30 days) with a series per
   * day or week.
   */
  getDoraMetrics(query?: DoraMetricsQuery): Promise<DoraMetrics>;
}

/** @public */
export const promotionApiRef = createApiRef<PromotionApi>({
  id: 'plugin.promotion.api',
});
