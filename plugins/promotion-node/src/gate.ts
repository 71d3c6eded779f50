import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  Artifact,
  DeploymentStatus,
  GateStatus,
} from '@promotion-for-backstage/plugin-promotion-common';

/** What runs in an environment now, as a gate sees it. @public */
export interface GateEnvironmentState {
  name: string;
  artifact: Artifact | null;
  /** When the artifact was pinned there (ISO 8601), when known. */
  since?: string;
  /**
   * What the environment's deployment source (Argo CD, Flux) reports runs
   * there; absent when the environment has none. Read only when a gate
   * asks, and at most once in a short while for all gates. It never throws:
   * a source that could not be read answers with `error` set.
   */
  readDeployment?: () => Promise<DeploymentStatus>;
}

/** Everything a gate may look at to decide. @public */
export interface GateContext {
  entity: Entity;
  entityRef: string;
  /** The artifact being promoted. */
  artifact: Artifact;
  source: GateEnvironmentState;
  target: GateEnvironmentState;
  /** The time of the evaluation; gates never read the clock themselves. */
  now: Date;
  /** The request being gated; absent for a dry run. */
  promotionId?: string;
  /**
   * The change ticket the request names, when it names one (a dry run's
   * too), so that a gate can ask a change-management service whether the
   * change is approved.
   */
  changeTicket?: string;
  /** Aborted when the gate run times out. */
  signal: AbortSignal;
}

/**
 * The verdict of one gate. `passed` lets the promotion on; `failed` holds the
 * request until its gates are re-run, it is bypassed or cancelled, or it
 * expires; `pending` means "not yet" (a soak still running, a closed window,
 * a service that did not answer) and the scheduler evaluates again at
 * `retryAt`, the latest one when several gates are pending.
 * @public
 */
export interface GateResult {
  status: Exclude<GateStatus, 'warning'>;
  /** One sentence a person can act on. */
  message: string;
  details?: JsonObject;
  /**
   * For `pending`: the earliest time it can pass (e.g. the end of a soak), when
   * the scheduler evaluates the gates again. Every `pending` result should
   * carry one. Without it the gates are evaluated again one minute after this
   * evaluation (`PENDING_RETRY_WITHOUT_TIME_MS` in the backend), and again
   * each minute while the gate stays pending, until the request expires. A
   * gate in `mode: warn` is never waited for, so its `retryAt` is dropped.
   */
  retryAt?: Date;
}

/** A check a promotion must pass. @public */
export interface Gate {
  /** Shown in the UI and the audit log, e.g. `soak 30m`. */
  readonly name: string;
  /**
   * How long the runner lets one evaluation run before it fails it and aborts
   * its signal; the runner's own limit (30 s) when left out. A gate with a
   * configurable timeout of its own declares it here, a little longer than
   * its own, so that its own message says what took too long.
   */
  readonly timeoutMs?: number;
  evaluate(context: GateContext): Promise<GateResult>;
}

/**
 * Makes gates of one `type` from their config blocks, e.g.
 * `{ type: soak, duration: { minutes: 30 } }`. Config errors must name the key.
 * @public
 */
export interface GateFactory {
  readonly type: string;
  create(options: { config: Config; environment: string }): Gate;
}
