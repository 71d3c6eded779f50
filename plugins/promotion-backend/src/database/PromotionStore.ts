import {
  Artifact,
  boundDigest,
  EnvironmentHold,
  PromotionKind,
  GateRun,
  Promotion,
  PromotionStatus,
  RequesterKind,
} from '@promotion-for-backstage/plugin-promotion-common';
import { AuditEntry } from '../audit';

export interface NewPromotion {
  entityRef: string;
  sourceEnvironment: string;
  targetEnvironment: string;
  artifact: Artifact;
  reason?: string;
  /** The change ticket the request names. */
  changeTicket?: string;
  requestedBy: string;
  requesterKind: RequesterKind;
  expiresAt: Date;
  /** `promotion` unless said otherwise. */
  kind?: PromotionKind;
  /** For a rollback: what the environment runs now, which it must still run when it executes. */
  replaces?: Artifact;
  /** For a tag-only pin: the digest the registry gave for its tag. */
  resolvedDigest?: string;
  /** Holds automatic promotion of the target (a rollback does), in the same transaction. */
  hold?: { reason: string };
}

/** Where a page of requests, newest first, ended: the next page starts below it. */
export interface PromotionCursor {
  createdAt: string;
  id: string;
}

export interface PromotionFilter {
  entityRef?: string;
  environment?: string;
  statuses?: PromotionStatus[];
  limit?: number;
  /** Only requests listed after this one (older, or as old with a lower id). */
  after?: PromotionCursor;
}

/** Fields a transition may set besides the status; `null` clears a field. */
export interface PromotionPatch {
  commitSha?: string;
  error?: string;
  pullRequest?: { url: string; number: number; provider: 'github' | 'gitlab' };
  nextEvaluationAt?: Date | null;
  lease?: { owner: string; expiresAt: Date } | null;
  /** While a landed change is followed: when it must run healthy by. */
  deployDeadlineAt?: Date | null;
}

type Audit = Omit<AuditEntry, 'promotionId'>;

/**
 * Persistence of promotion requests. Every state change is written together
 * with its audit record in one transaction, so the two never disagree, and
 * every transition is a compare-and-set on the current status, so two
 * replicas can never both move one request on.
 */
export interface PromotionStore {
  /**
   * Stores a new request in `gating`. Older requests for the same entity and
   * environment that have not started executing are superseded; one that is
   * executing or awaiting its merge makes this a ConflictError.
   */
  createPromotion(input: NewPromotion, audit: Audit): Promise<Promotion>;
  getPromotion(id: string): Promise<Promotion | undefined>;
  /** The entity's held environments, by name. */
  listHolds(entityRef: string): Promise<Map<string, EnvironmentHold>>;
  /** Releases a hold, with its audit record; false when the environment was not held. */
  releaseHold(
    entityRef: string,
    environment: string,
    actor: string,
  ): Promise<boolean>;
  listPromotions(filter: PromotionFilter): Promise<Promotion[]>;
  /**
   * The requests of many entities that have not ended yet, newest first, in
   * one query (per thousand entities), for overviews of many entities.
   */
  listActivePromotionsFor(entityRefs: string[]): Promise<Promotion[]>;
  /** The held environments of many entities, by entity ref, then environment name, in one query (per thousand entities). */
  listHoldsFor(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, EnvironmentHold>>>;
  /**
   * Moves a request from one of `from` to `to`; resolves undefined, writing
   * nothing, when the request was no longer in `from`.
   */
  transition(
    id: string,
    from: PromotionStatus[],
    to: PromotionStatus,
    patch: PromotionPatch,
    audit: Audit,
    /** For moves out of `executing`: only while this worker still holds the lease. */
    leaseOwner?: string,
  ): Promise<Promotion | undefined>;
  /**
   * Sets when the scheduler looks at a request again, while it is still in
   * `status` (`null`: only when something else moves it). Not a state
   * change, so no audit record: polling an open pull request or waiting on a
   * pending gate leaves the chain alone.
   */
  reschedule(
    id: string,
    status: PromotionStatus,
    nextEvaluationAt: Date | null,
    /** While a landed change is followed: sets when it must run healthy by. */
    deployDeadlineAt?: Date | null,
  ): Promise<boolean>;
  /** Appends an audit record that goes with no change of a request (a sync asked of Argo CD). */
  appendAudit(audit: AuditEntry): Promise<void>;
  /**
   * Claims a request for execution: from `approved`, or from `executing`
   * whose lease expired before `now` (its worker died). Resolves undefined
   * when another worker holds it.
   */
  claimExecution(
    id: string,
    owner: string,
    leaseUntil: Date,
    now: Date,
    audit: Audit,
  ): Promise<Promotion | undefined>;
  /**
   * Extends the execution lease while its holder works (a long push), so no
   * other worker takes the request over meanwhile. Not a state change, so no
   * audit record. False, writing nothing, when `owner` no longer holds it.
   */
  renewLease(id: string, owner: string, leaseUntil: Date): Promise<boolean>;
  /** Stores one evaluation round of a request's gates, with its audit record. */
  recordGateRuns(id: string, runs: GateRun[], audit: Audit): Promise<void>;
  /** The runs of the latest evaluation round of each request. */
  latestGateRuns(ids: string[]): Promise<Map<string, GateRun[]>>;
  /** Requests the scheduler must look at now. */
  listDue(now: Date, limit: number): Promise<Promotion[]>;
  /**
   * Records one approver's decision on a request awaiting approval, and in
   * the same transaction moves it on: a rejection rejects it; enough counting
   * approvals approve it. Concurrent decisions are serialised, so the final
   * approval moves the request exactly once.
   */
  recordDecision(
    id: string,
    decision: {
      approver: string;
      decision: 'approve' | 'reject';
      comment?: string;
      digest?: string;
    },
    rule: ApprovalRule,
  ): Promise<DecisionOutcome>;
  /** The decisions on each request, oldest first. */
  listDecisions(ids: string[]): Promise<Map<string, StoredDecision[]>>;
  /** The audit chain's head as `seq:hash`, written into commit trailers so a cut or rewritten chain is detectable. */
  auditHead(): Promise<string>;
  /**
   * Skips the gates or the approval wait of a request that is in `from`: it
   * moves to `to`, marked as bypassed (what was skipped accumulates).
   */
  bypass(
    id: string,
    from: PromotionStatus,
    to: PromotionStatus,
    bypass: { by: string; reason: string; skipped: 'gates' | 'approvals' },
  ): Promise<Promotion | undefined>;
}

/** What makes approvals count, from the target environment's config. */
export interface ApprovalRule {
  required: number;
  allowSelfApproval: boolean;
}

export interface StoredDecision {
  approver: string;
  decision: 'approve' | 'reject';
  comment?: string;
  digest?: string;
  createdAt: string;
}

export interface DecisionOutcome {
  promotion: Promotion;
  /** True when this decision approved or rejected the request. */
  decided: boolean;
}

/** Whether a decision counts toward the request's required approvals. */
export function decisionCounts(
  decision: StoredDecision,
  promotion: Promotion,
  rule: ApprovalRule,
): boolean {
  return (
    decision.decision === 'approve' &&
    (decision.digest ?? null) === (boundDigest(promotion) ?? null) &&
    (rule.allowSelfApproval || decision.approver !== promotion.requestedBy)
  );
}

/** Whether the counting decisions approve the request: enough of them, and never the requester alone. */
export function approvalsSatisfied(
  decisions: StoredDecision[],
  promotion: Promotion,
  rule: ApprovalRule,
): boolean {
  const counting = decisions.filter(d => decisionCounts(d, promotion, rule));
  return (
    counting.length >= rule.required &&
    counting.some(d => d.approver !== promotion.requestedBy)
  );
}
