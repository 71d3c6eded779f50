/** An immutable build as pinned in a manifest. @public */
export interface Artifact {
  /** Image name as written in the manifest, e.g. `ghcr.io/acme/payments`. */
  image: string;
  /** Tag, when the manifest pins one (`newTag`). */
  tag?: string;
  /** Content digest, e.g. `sha256:…`, when the manifest pins one. */
  digest?: string;
}

/** The commit that put an artifact into an environment. @public */
export interface PinCommit {
  sha: string;
  /** Who promoted it: the `Promoted-By` trailer, else the commit author. */
  author: string;
  /** ISO 8601 commit time. */
  date: string;
  /** Set when the change skipped gates or approvals in an emergency (the `Bypassed-By` trailer). */
  bypassedBy?: string;
}

/**
 * What an environment asks of the change ticket that promotions and
 * rollbacks into it name (its `changeTicket` config). @public
 */
export interface ChangeTicketRule {
  /** Requests without a ticket are refused. */
  required: boolean;
  /** A regular expression the whole reference must match, e.g. `^CHG[0-9]{7}$`. */
  pattern?: string;
  /** The ticket's page, with `{{ ticket }}` where the reference goes. */
  url?: string;
}

/** One environment of an entity's pipeline. @public */
export interface PipelineEnvironment {
  name: string;
  /** What the environment's manifest pins now; null when it pins nothing yet. */
  artifact: Artifact | null;
  /** The commit that pinned it; null when unknown. */
  commit: PinCommit | null;
  /** Promotions into this environment that have not ended yet. */
  activeRequests: Promotion[];
  /** What the caller may do with the environment, computed by the server. */
  allowedActions: EnvironmentAction[];
  /** Set while a rollback holds automatic promotion of this environment. */
  hold?: EnvironmentHold;
  /**
   * What the environment's deployment source (Argo CD or Flux) reports,
   * when the environment configures one.
   */
  deployment?: DeploymentStatus;
  /** Set when the environment takes a change ticket on its requests. */
  changeTicket?: ChangeTicketRule;
}

/** Whether the live state matches git, as the deployment source says. @public */
export type DeploymentSync = 'synced' | 'out-of-sync' | 'unknown';

/** How the running workload is, as the deployment source says. @public */
export type DeploymentHealth =
  | 'healthy'
  | 'progressing'
  | 'degraded'
  | 'suspended'
  | 'missing'
  | 'unknown';

/** A progressive rollout (Argo Rollouts) in progress or done. @public */
export interface DeploymentRollout {
  name: string;
  /** e.g. `Healthy`, `Progressing`, `Paused`, `Degraded`. */
  phase?: string;
  /** The canary step reached (0-based index of the next step to run); with `steps`, `step` = `steps` means done. */
  step?: number;
  steps?: number;
  /** Percentage of traffic on the canary. */
  weight?: number;
  message?: string;
}

/**
 * What runs in an environment according to its deployment source, rather
 * than what its branch pins. @public
 */
export interface DeploymentStatus {
  source: 'argocd' | 'flux';
  /** The Argo CD Application, or the Flux `Kind/namespace/name`. */
  resource: string;
  /** A page to look at it, where the source has one (Argo CD's UI). */
  url?: string;
  sync: DeploymentSync;
  health: DeploymentHealth;
  /** The git revision the source last applied. */
  revision?: string;
  /** Images the workload actually runs. */
  images: string[];
  /** When the source last applied a change (ISO 8601). */
  lastSyncedAt?: string;
  /**
   * Since when it has been healthy at what it runs now (ISO 8601): the later
   * of the last health change and the last sync.
   */
  healthySince?: string;
  /** The source applies changes only when someone asks (Argo CD manual sync). */
  manualSync: boolean;
  /** A sync is running now. */
  operationRunning?: boolean;
  rollout?: DeploymentRollout;
  /** What the source says about its state, when it says something. */
  message?: string;
  /** Set when the source could not be read; `sync` and `health` are then `unknown`. */
  error?: string;
}

/** A stop on automatic promotion into one environment, set by a rollback. @public */
export interface EnvironmentHold {
  setBy: string;
  reason: string;
  /** The rollback that set it. */
  promotionId?: string;
  createdAt: string;
}

/** One build a rollback backs out of an environment. @public */
export interface BackedOutVersion {
  artifact: Artifact;
  /** The commit that had pinned it, with who promoted it and when. */
  commit: PinCommit;
}

/** What going back to an earlier build means, before anyone decides. @public */
export interface RollbackImpact {
  /** What runs now. */
  current: Artifact;
  /** The build the environment goes back to, and the commit that once pinned it. */
  target: EnvironmentVersion;
  /** The builds being backed out, newest first (the current one included). */
  backedOut: BackedOutVersion[];
  /** Commits that changed the pin since the target version was pinned. */
  commitsBetween: number;
  /** Later environments that run a build being backed out here. */
  downstream: Array<{ environment: string; artifact: Artifact }>;
  recommendation: 'safe' | 'risky' | 'blocked';
  /** Why, one sentence each. */
  reasons: string[];
}

/** The answer to a rollback dry run. @public */
export interface RollbackPlan {
  entityRef: string;
  environment: string;
  artifact: Artifact;
  impact: RollbackImpact;
  /** Set when the environment takes a change ticket: whether it needs one, and its form. */
  changeTicket?: ChangeTicketRule;
  /** The environment's windows and freezes as they would be evaluated now. */
  gateRuns: GateRun[];
  approvalsRequired: number;
  allowSelfApproval: boolean;
  /** Open requests for the environment that the rollback would supersede. */
  supersedes: string[];
  delivery: 'commit' | 'pull-request';
  /** For a build pinned by tag alone: the digest its tag names in the registry now. */
  resolvedDigest?: string;
  /** What the rollback does in OCI registries (e.g. the `-rollback` tag). */
  registry?: RegistryPlan;
  changes: Array<{ repository: string; path: string; diff: string }>;
}

/** Answer of `GET /entities/:kind/:namespace/:name/pipeline`. @public */
export interface Pipeline {
  entityRef: string;
  environments: PipelineEnvironment[];
}

/** One version that ran in an environment. @public */
export interface EnvironmentVersion {
  artifact: Artifact;
  /** The commit that changed the pinned value to this artifact. */
  commit: PinCommit;
}

/** Answer of `GET /entities/:kind/:namespace/:name/environments/:env/history`. @public */
export interface EnvironmentHistory {
  entityRef: string;
  environment: string;
  /** Newest first; the first entry is what runs now. */
  versions: EnvironmentVersion[];
}

/** Verdicts of a gate; `warning` is a failure of a gate in `warn` mode. @public */
export type GateStatus = 'passed' | 'failed' | 'pending' | 'warning';

/** One evaluation of one gate, as stored and shown. @public */
export interface GateRun {
  gate: string;
  status: GateStatus;
  message: string;
  details?: Record<string, unknown>;
  /** For `pending`: when it may pass. */
  retryAt?: string;
  startedAt: string;
  finishedAt: string;
}

/** States of a promotion request. @public */
export const PROMOTION_STATUSES = [
  'gating',
  'awaiting-approval',
  'approved',
  'executing',
  'awaiting-merge',
  'succeeded',
  'deployed',
  'rejected',
  'failed',
  'expired',
  'cancelled',
  'superseded',
] as const;

/** @public */
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

/**
 * States in which a request no longer holds its target. Only `succeeded`
 * may still change: where the environment has a deployment source, the
 * backend follows the landed change until it runs healthy (`deployed`) or
 * does not (`failed`). @public
 */
export const TERMINAL_PROMOTION_STATUSES: ReadonlyArray<PromotionStatus> = [
  'succeeded',
  'deployed',
  'rejected',
  'failed',
  'expired',
  'cancelled',
  'superseded',
];

/** States of a request that still holds its target (at most one per entity and environment). @public */
export const ACTIVE_PROMOTION_STATUSES: ReadonlyArray<PromotionStatus> =
  PROMOTION_STATUSES.filter(
    status => !TERMINAL_PROMOTION_STATUSES.includes(status),
  );

/**
 * Active states before execution starts: a newer request for the same target
 * supersedes a request in one of these, and waits for one in any other. @public
 */
export const SUPERSEDABLE_PROMOTION_STATUSES: ReadonlyArray<PromotionStatus> = [
  'gating',
  'awaiting-approval',
  'approved',
];

/** @public */
export function isTerminalStatus(status: PromotionStatus): boolean {
  return TERMINAL_PROMOTION_STATUSES.includes(status);
}

/**
 * What a decision on the request is bound to: the build's digest; for a
 * tag-only pin, the digest its tag named when it was requested (or the tag,
 * when no registry resolved it). The backend refuses a decision on anything
 * else, and the approval dialog sends it. @public
 */
export function boundDigest(
  promotion: Pick<Promotion, 'artifact' | 'resolvedDigest'>,
): string | undefined {
  return (
    promotion.artifact.digest ??
    promotion.resolvedDigest ??
    promotion.artifact.tag
  );
}

/**
 * `promotion` moves a build on along the pipeline; `rollback` sets an
 * environment back to a build it ran before. @public
 */
export type PromotionKind = 'promotion' | 'rollback';

/** A promotion request as stored and returned by the API. @public */
export interface Promotion {
  id: string;
  kind: PromotionKind;
  /**
   * For a rollback: the build the environment ran when it was asked for. It
   * executes only while the environment still runs it, so what lands is what
   * the impact analysis showed.
   */
  replaces?: Artifact;
  entityRef: string;
  sourceEnvironment: string;
  targetEnvironment: string;
  artifact: Artifact;
  /**
   * For a build pinned by tag alone: the digest the registry said the tag
   * named when the request was made. It executes only while the tag still
   * names it, and the commit records it (`Artifact-Digest` trailer).
   */
  resolvedDigest?: string;
  status: PromotionStatus;
  reason?: string;
  /** The change ticket the request was made under, when it names one. */
  changeTicket?: string;
  requestedBy: string;
  /** `user` (the tab), `service` (CI) or `scheduler` (automatic promotion). */
  requesterKind: RequesterKind;
  createdAt: string;
  updatedAt: string;
  /** The request ends as `expired` if it has not finished by then. */
  expiresAt: string;
  /** The commit that carried the change, once pushed. */
  commitSha?: string;
  /** The pull or merge request, for environments delivered by pull request. */
  pullRequest?: { url: string; number: number; provider?: 'github' | 'gitlab' };
  /** Why the request failed, when it did. */
  error?: string;
  /**
   * Set on a `succeeded` request while the backend follows its deployment
   * (the environment has a deployment source) until it runs healthy. Without
   * `deadlineAt` a manual-sync environment waits for someone to sync.
   */
  deployment?: { deadlineAt?: string };
  /** The latest evaluation of the gates (on `GET /promotions/:id` and the pipeline). */
  gateRuns?: GateRun[];
  /** Decisions of approvers (on `GET /promotions/:id` and the pipeline). */
  approvals?: Approval[];
  /** Distinct approvals the target needs (0 when none). */
  approvalsRequired?: number;
  /** Set when someone skipped gates or the approval wait in an emergency. */
  bypass?: {
    by: string;
    reason: string;
    skipped: Array<'gates' | 'approvals'>;
  };
  /** What the caller may do with this request, computed by the server. */
  allowedActions?: RequestAction[];
}

/** One approver's decision. @public */
export interface Approval {
  approver: string;
  decision: 'approve' | 'reject';
  comment?: string;
  createdAt: string;
  /** False for a decision that does not count toward `required` (e.g. the requester's own). */
  counts: boolean;
}

/** Actions on an active request. @public */
export type RequestAction =
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'bypass'
  | 'rerun-gates';

/** Actions on an environment. @public */
export type EnvironmentAction =
  | 'promote'
  | 'rollback'
  | 'release-hold'
  | 'sync';

/** Who made a request. @public */
export type RequesterKind = 'user' | 'service' | 'scheduler';

/** The answer to a dry run: what a request would do, with nothing written. @public */
export interface PromotionPlan {
  entityRef: string;
  sourceEnvironment: string;
  targetEnvironment: string;
  artifact: Artifact;
  /** The gates as they would be evaluated now. */
  gateRuns: GateRun[];
  /** Distinct approvals the target needs (0 when none). */
  approvalsRequired: number;
  /** Set when the target takes a change ticket: whether it needs one, and its form. */
  changeTicket?: ChangeTicketRule;
  /** Whether the requester's own approval may count (never alone). */
  allowSelfApproval: boolean;
  /** Open requests for the same target that the request would supersede. */
  supersedes: string[];
  delivery: 'commit' | 'pull-request';
  /** For a build pinned by tag alone: the digest its tag names in the registry now. */
  resolvedDigest?: string;
  /** What the promotion does in OCI registries, when the environment configures any. */
  registry?: RegistryPlan;
  /** The exact change, per file, as a unified diff. */
  changes: Array<{ repository: string; path: string; diff: string }>;
}

/** What a promotion does in OCI registries (`registry` of the environment). @public */
export interface RegistryPlan {
  /** Id of the registry the build lives in. */
  primary: string;
  /** The build's repository there. */
  repository: string;
  /** Registries the build is copied to before the change lands. */
  copyTo: string[];
  /** Tags written in every one of those registries once it has landed. */
  tags: string[];
}

/** What writing an environment's tags did, as audited (`registry/repository:tag` each). @public */
export interface RegistryTagOutcome {
  written: string[];
  /** Tags that already named the build. */
  unchanged: string[];
  /** Why a tag could not be written, one sentence each (an immutable tag pointing elsewhere, an unreachable registry). */
  refused: string[];
}
