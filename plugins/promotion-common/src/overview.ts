import { z } from 'zod';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  Artifact,
  EnvironmentHold,
  GateRun,
  PromotionKind,
  PromotionStatus,
  RequesterKind,
} from './types';

/** Entities one page of `GET /overview` holds at most. @public */
export const OVERVIEW_MAX_LIMIT = 500;

/** Entities one page of `GET /overview` holds unless `limit` says otherwise. @public */
export const OVERVIEW_DEFAULT_LIMIT = 100;

/** An owner's entity reference, with its kind: `group:default/team-a`, `user:default/alice`. */
const ownerRefSchema = z.string().refine(value => {
  try {
    parseEntityRef(value);
    return true;
  } catch {
    return false;
  }
}, "must be an entity reference such as 'group:default/team-a'");

/**
 * Query of `GET /overview`: which annotated entities, and which page of them.
 * `owner` may be given several times (`?owner=group:default/a&owner=user:default/b`);
 * an entity is listed when any of them owns it.
 * @public
 */
export const overviewQuerySchema = z
  .object({
    owner: z
      .preprocess(
        value => (typeof value === 'string' ? [value] : value),
        z
          .array(ownerRefSchema, { error: 'must be entity references' })
          .min(1, 'name at least one owner')
          .max(100, 'name at most 100 owners'),
      )
      .optional(),
    /** Words that the entity's name or title contain. */
    q: z.string().trim().max(200, 'must be at most 200 characters').optional(),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(OVERVIEW_MAX_LIMIT, `must be at most ${OVERVIEW_MAX_LIMIT}`)
      .optional(),
    /** How many entities, in the overview's order, to skip. */
    offset: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .optional(),
  })
  .strict();

/** The query of `GET /overview` as a client writes it (`owner` always a list). @public */
export type OverviewQuery = {
  owner?: string[];
  q?: string;
  limit?: number;
  offset?: number;
};

/**
 * Why an active request has not landed yet, the first that applies:
 * - `gate`: a gate failed or waits (its message; `retryAt` when it may pass);
 * - `gates`: its gates are being evaluated;
 * - `approval`: it waits for approvals (`given` of `required`);
 * - `merge`: its pull request waits to be merged;
 * - `executing`: it has been approved and is being written to git.
 * @public
 */
export type OverviewWait =
  | {
      reason: 'gate';
      gate: string;
      status: 'failed' | 'pending';
      message: string;
      retryAt?: string;
    }
  | { reason: 'gates' }
  | { reason: 'approval'; given: number; required: number }
  | {
      reason: 'merge';
      pullRequest?: { url: string; number: number };
    }
  | { reason: 'executing' };

/** The active request of one environment, as the overview shows it. @public */
export interface OverviewRequest {
  id: string;
  kind: PromotionKind;
  status: PromotionStatus;
  sourceEnvironment: string;
  artifact: Artifact;
  requestedBy: string;
  requesterKind: RequesterKind;
  createdAt: string;
  /** Distinct approvals the target needs (0 when none) and how many count so far. */
  approvals: { given: number; required: number };
  /** The latest evaluation of its gates, without their details. */
  gateRuns: Array<Omit<GateRun, 'details'>>;
  waiting: OverviewWait;
}

/** One environment of one entity in the overview. @public */
export interface OverviewEnvironment {
  name: string;
  /** What the environment's manifest pins now (as read from git); null when it pins nothing. */
  artifact: Artifact | null;
  /** Why what it pins could not be read (a missing file, a manifest without the image). */
  error?: string;
  /** The request into this environment that has not ended yet, if any. */
  activeRequest?: OverviewRequest;
  /** Set while a rollback holds automatic promotion of this environment. */
  hold?: EnvironmentHold;
}

/** One entity of the overview, with its pipeline's environments in order. @public */
export interface OverviewEntity {
  entityRef: string;
  title?: string;
  /** The owner's whole entity ref (`spec.owner` with its default kind and namespace filled in). */
  owner?: string;
  environments: OverviewEnvironment[];
  /** Why the entity's pipeline could not be worked out (e.g. an annotation names an unknown environment). */
  error?: string;
}

/** Answer of `GET /overview`. @public */
export interface PromotionOverview {
  /** Every environment of the configured pipeline, in order: the overview's columns. */
  environments: string[];
  /** This page of the annotated entities the caller may see, by name. */
  items: OverviewEntity[];
  /** How many entities match the query in all. */
  totalItems: number;
  offset: number;
  limit: number;
}
