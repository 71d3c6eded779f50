import crypto from 'node:crypto';
import { Knex } from 'knex';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ACTIVE_PROMOTION_STATUSES,
  boundDigest,
  SUPERSEDABLE_PROMOTION_STATUSES,
  GateRun,
  Promotion,
  EnvironmentHold,
  PromotionKind,
  PromotionStatus,
  RequesterKind,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  appendAuditRecord,
  AuditAppendedListener,
  AuditChainConflictError,
  AuditEntry,
  AuditLog,
  AuditRecordView,
} from '../audit';
import {
  ApprovalRule,
  approvalsSatisfied,
  DecisionOutcome,
  NewPromotion,
  PromotionFilter,
  PromotionPatch,
  PromotionStore,
  StoredDecision,
} from './PromotionStore';

const MIGRATIONS_DIR = resolvePackagePath(
  '@promotion-for-backstage/plugin-promotion-backend',
  'migrations',
);
const MAX_CHAIN_RETRIES = 50;

type PromotionRow = {
  id: string;
  entity_ref: string;
  source_environment: string;
  target_environment: string;
  artifact_image: string;
  artifact_tag: string | null;
  artifact_digest: string | null;
  status: PromotionStatus;
  reason: string | null;
  change_ticket: string | null;
  requested_by: string;
  requester_kind: RequesterKind;
  kind: PromotionKind;
  replaces_tag: string | null;
  replaces_digest: string | null;
  resolved_digest: string | null;
  commit_sha: string | null;
  pull_request_url: string | null;
  pull_request_number: number | null;
  pull_request_provider: 'github' | 'gitlab' | null;
  error: string | null;
  bypassed_by: string | null;
  bypass_reason: string | null;
  bypass_skipped: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  expires_at: string | Date;
  next_evaluation_at: string | Date | null;
  deploy_deadline_at: string | Date | null;
  lease_owner: string | null;
  lease_expires_at: string | Date | null;
};

type HoldRow = {
  entity_ref: string;
  environment: string;
  set_by: string;
  reason: string;
  promotion_id: string | null;
  created_at: string | Date;
};

type GateRunRow = {
  promotion_id: string;
  round: number;
  gate: string;
  status: GateRun['status'];
  message: string;
  details: string | null;
  retry_at: string | Date | null;
  started_at: string | Date;
  finished_at: string | Date;
};

const iso = (value: string | Date) => new Date(value).toISOString();

/** Refs per query of the many-entity reads: well below every driver's limit on bound values. */
const REFS_PER_QUERY = 1000;

function chunks(refs: string[]): string[][] {
  const unique = [...new Set(refs)];
  const result: string[][] = [];
  for (let i = 0; i < unique.length; i += REFS_PER_QUERY)
    result.push(unique.slice(i, i + REFS_PER_QUERY));
  return result;
}

function toHold(row: HoldRow): EnvironmentHold {
  return {
    setBy: row.set_by,
    reason: row.reason,
    ...(row.promotion_id ? { promotionId: row.promotion_id } : {}),
    createdAt: iso(row.created_at),
  };
}

function toPromotion(row: PromotionRow): Promotion {
  return {
    id: row.id,
    kind: row.kind ?? 'promotion',
    ...(row.replaces_tag || row.replaces_digest
      ? {
          replaces: {
            image: row.artifact_image,
            ...(row.replaces_tag ? { tag: row.replaces_tag } : {}),
            ...(row.replaces_digest ? { digest: row.replaces_digest } : {}),
          },
        }
      : {}),
    entityRef: row.entity_ref,
    sourceEnvironment: row.source_environment,
    targetEnvironment: row.target_environment,
    artifact: {
      image: row.artifact_image,
      ...(row.artifact_tag ? { tag: row.artifact_tag } : {}),
      ...(row.artifact_digest ? { digest: row.artifact_digest } : {}),
    },
    ...(row.resolved_digest ? { resolvedDigest: row.resolved_digest } : {}),
    status: row.status,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.change_ticket ? { changeTicket: row.change_ticket } : {}),
    requestedBy: row.requested_by,
    requesterKind: row.requester_kind,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    expiresAt: iso(row.expires_at),
    ...(row.commit_sha ? { commitSha: row.commit_sha } : {}),
    ...(row.pull_request_url && row.pull_request_number !== null
      ? {
          pullRequest: {
            url: row.pull_request_url,
            number: Number(row.pull_request_number),
            provider: row.pull_request_provider ?? 'github',
          },
        }
      : {}),
    ...(row.error ? { error: row.error } : {}),
    // A landed change whose deployment is still followed is looked at again.
    ...(row.status === 'succeeded' && row.next_evaluation_at
      ? {
          deployment: row.deploy_deadline_at
            ? { deadlineAt: iso(row.deploy_deadline_at) }
            : {},
        }
      : {}),
    ...(row.bypassed_by
      ? {
          bypass: {
            by: row.bypassed_by,
            reason: row.bypass_reason ?? '',
            skipped: (row.bypass_skipped ?? '')
              .split(',')
              .filter(Boolean) as Array<'gates' | 'approvals'>,
          },
        }
      : {}),
  };
}

type DecisionRow = {
  promotion_id: string;
  approver: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  digest: string | null;
  created_at: string | Date;
};

function toDecision(row: DecisionRow): StoredDecision {
  return {
    approver: row.approver,
    decision: row.decision,
    ...(row.comment ? { comment: row.comment } : {}),
    ...(row.digest ? { digest: row.digest } : {}),
    createdAt: iso(row.created_at),
  };
}

function toGateRun(row: GateRunRow): GateRun {
  return {
    gate: row.gate,
    status: row.status,
    message: row.message,
    ...(row.details ? { details: JSON.parse(row.details) } : {}),
    ...(row.retry_at ? { retryAt: iso(row.retry_at) } : {}),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

function patchColumns(patch: PromotionPatch) {
  const columns: Record<string, unknown> = {};
  if (patch.commitSha !== undefined) columns.commit_sha = patch.commitSha;
  if (patch.error !== undefined) columns.error = patch.error;
  if (patch.pullRequest !== undefined) {
    columns.pull_request_url = patch.pullRequest.url;
    columns.pull_request_number = patch.pullRequest.number;
    columns.pull_request_provider = patch.pullRequest.provider;
  }
  if (patch.nextEvaluationAt !== undefined) {
    columns.next_evaluation_at = patch.nextEvaluationAt?.toISOString() ?? null;
  }
  if (patch.lease !== undefined) {
    columns.lease_owner = patch.lease?.owner ?? null;
    columns.lease_expires_at = patch.lease?.expiresAt.toISOString() ?? null;
  }
  if (patch.deployDeadlineAt !== undefined) {
    columns.deploy_deadline_at = patch.deployDeadlineAt?.toISOString() ?? null;
  }
  return columns;
}

/** Statuses a newer request may supersede: work that has not started touching git. */
const SUPERSEDABLE = SUPERSEDABLE_PROMOTION_STATUSES;

/** The knex implementation of {@link PromotionStore}, for SQLite and PostgreSQL. */
export class KnexPromotionStore implements PromotionStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Told of the audit records each write appended, after it commits (the plugin sends them to the auditor service). */
    onAuditAppended?: AuditAppendedListener;
  }): Promise<KnexPromotionStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: MIGRATIONS_DIR });
    }
    return new KnexPromotionStore(client, undefined, options.onAuditAppended);
  }

  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
    private readonly onAuditAppended?: AuditAppendedListener,
  ) {}

  /**
   * Runs a write transaction that appends to the audit chain. Chain writers
   * are serialised on the head row; should a head still move underneath (the
   * compare-and-set in appendAuditRecord fails), the whole transaction is
   * retried, re-checking whatever it read. The records it appended go to
   * `onAuditAppended` only once it has committed.
   */
  private async withChain<T>(
    fn: (trx: Knex.Transaction, now: Date) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        let appended: AuditRecordView[] = [];
        const result = await this.db.transaction(async trx => {
          // Take the chain head's row lock first. Under READ COMMITTED each
          // statement sees what committed before it, so without the lock a
          // transaction could check "no active request" before another one
          // committed and still append after it. SQLite runs one writer at a
          // time anyway and has no row locks.
          if (!String(this.db.client.config.client).includes('sqlite3')) {
            await trx('promotion_audit_head')
              .where({ id: 1 })
              .forUpdate()
              .first();
          }
          if (!this.onAuditAppended) return fn(trx, this.now());
          // Nobody else appends while this transaction holds the head (its
          // lock, or SQLite's single writer), so what lies past the head it
          // found is what it appended itself.
          const log = new AuditLog(trx);
          const { seq } = await log.head();
          const value = await fn(trx, this.now());
          appended = await log.recordsAfter(seq);
          return value;
        });
        await this.announceAppended(appended);
        return result;
      } catch (error) {
        if (
          !(error instanceof AuditChainConflictError) ||
          attempt >= MAX_CHAIN_RETRIES
        ) {
          throw error;
        }
        await new Promise(resolve =>
          setTimeout(resolve, Math.random() * 5 * attempt),
        );
      }
    }
  }

  private async announceAppended(records: AuditRecordView[]): Promise<void> {
    if (!this.onAuditAppended || records.length === 0) return;
    try {
      await this.onAuditAppended(records);
    } catch {
      // The change has committed and is in the chain; a listener that cannot
      // keep up must not make the caller believe it failed. The plugin's
      // listener logs its own failures.
    }
  }

  async createPromotion(
    input: NewPromotion,
    audit: Omit<AuditEntry, 'promotionId'>,
  ): Promise<Promotion> {
    const id = crypto.randomUUID();
    return this.withChain(async (trx, now) => {
      const active = await trx<PromotionRow>('promotion_request')
        .where({
          entity_ref: input.entityRef,
          target_environment: input.targetEnvironment,
        })
        .whereIn('status', [...ACTIVE_PROMOTION_STATUSES]);
      const busy = active.find(row => !SUPERSEDABLE.includes(row.status));
      if (input.requesterKind === 'scheduler') {
        // Checked again here, in the transaction: between the scheduler's
        // look and this write a person may have asked for a request or a
        // rollback may have held the environment.
        const held = await trx('promotion_hold')
          .where({
            entity_ref: input.entityRef,
            environment: input.targetEnvironment,
          })
          .first();
        const personal = active.find(row => row.requester_kind !== 'scheduler');
        if (held || personal) {
          throw new ConflictError(
            held
              ? `${input.targetEnvironment} of ${input.entityRef} is held; automatic promotion waits until the hold is released`
              : `A person's request (${personal!.id}) is open for ${
                  input.entityRef
                } in ${
                  input.targetEnvironment
                }; automatic promotion leaves it alone`,
          );
        }
      }
      if (busy) {
        throw new ConflictError(
          `A promotion of ${input.entityRef} into ${input.targetEnvironment} is already ${busy.status} (${busy.id}); wait for it to finish`,
        );
      }
      for (const older of active) {
        await trx('promotion_request').where({ id: older.id }).update({
          status: 'superseded',
          updated_at: now.toISOString(),
          next_evaluation_at: null,
        });
        await appendAuditRecord(
          trx,
          {
            action: 'promotion.superseded',
            actor: audit.actor,
            promotionId: older.id,
            entityRef: input.entityRef,
            environment: input.targetEnvironment,
            details: { supersededBy: id },
          },
          now,
        );
      }
      const row: PromotionRow = {
        id,
        entity_ref: input.entityRef,
        source_environment: input.sourceEnvironment,
        target_environment: input.targetEnvironment,
        artifact_image: input.artifact.image,
        artifact_tag: input.artifact.tag ?? null,
        artifact_digest: input.artifact.digest ?? null,
        status: 'gating',
        reason: input.reason ?? null,
        change_ticket: input.changeTicket ?? null,
        requested_by: input.requestedBy,
        requester_kind: input.requesterKind,
        kind: input.kind ?? 'promotion',
        replaces_tag: input.replaces?.tag ?? null,
        replaces_digest: input.replaces?.digest ?? null,
        resolved_digest: input.resolvedDigest ?? null,
        commit_sha: null,
        pull_request_url: null,
        pull_request_number: null,
        pull_request_provider: null,
        error: null,
        bypassed_by: null,
        bypass_reason: null,
        bypass_skipped: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
        expires_at: input.expiresAt.toISOString(),
        next_evaluation_at: now.toISOString(),
        lease_owner: null,
        lease_expires_at: null,
        deploy_deadline_at: null,
      };
      await trx('promotion_request').insert(row);
      await appendAuditRecord(trx, { ...audit, promotionId: id }, now);
      if (input.hold) {
        // A rollback holds automatic promotion from the moment it is asked
        // for, so the scheduler cannot bring the backed-out build straight back.
        await trx('promotion_hold')
          .insert({
            entity_ref: input.entityRef,
            environment: input.targetEnvironment,
            set_by: input.requestedBy,
            reason: input.hold.reason,
            promotion_id: id,
            created_at: now.toISOString(),
          })
          .onConflict(['entity_ref', 'environment'])
          .merge();
        await appendAuditRecord(
          trx,
          {
            action: 'hold.set',
            actor: input.requestedBy,
            promotionId: id,
            entityRef: input.entityRef,
            environment: input.targetEnvironment,
            details: { reason: input.hold.reason },
          },
          now,
        );
      }
      return toPromotion(row);
    });
  }

  async listHolds(entityRef: string): Promise<Map<string, EnvironmentHold>> {
    const rows = await this.db<HoldRow>('promotion_hold').where({
      entity_ref: entityRef,
    });
    return new Map(rows.map(row => [row.environment, toHold(row)]));
  }

  async listHoldsFor(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, EnvironmentHold>>> {
    const result = new Map<string, Map<string, EnvironmentHold>>();
    for (const refs of chunks(entityRefs)) {
      const rows = await this.db<HoldRow>('promotion_hold').whereIn(
        'entity_ref',
        refs,
      );
      for (const row of rows) {
        const held = result.get(row.entity_ref) ?? new Map();
        held.set(row.environment, toHold(row));
        result.set(row.entity_ref, held);
      }
    }
    return result;
  }

  async releaseHold(
    entityRef: string,
    environment: string,
    actor: string,
  ): Promise<boolean> {
    return this.withChain(async (trx, now) => {
      const removed = await trx('promotion_hold')
        .where({ entity_ref: entityRef, environment })
        .delete();
      if (removed !== 1) return false;
      await appendAuditRecord(
        trx,
        { action: 'hold.released', actor, entityRef, environment },
        now,
      );
      return true;
    });
  }

  async getPromotion(id: string): Promise<Promotion | undefined> {
    const row = await this.db<PromotionRow>('promotion_request')
      .where({ id })
      .first();
    return row ? toPromotion(row) : undefined;
  }

  async listPromotions(filter: PromotionFilter): Promise<Promotion[]> {
    const query = this.db<PromotionRow>('promotion_request')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.environment)
      query.where({ target_environment: filter.environment });
    if (filter.statuses) query.whereIn('status', filter.statuses);
    const after = filter.after;
    if (after) {
      query.where(below =>
        below
          .where('created_at', '<', after.createdAt)
          .orWhere(same =>
            same
              .where('created_at', '=', after.createdAt)
              .andWhere('id', '<', after.id),
          ),
      );
    }
    return (await query).map(toPromotion);
  }

  async listActivePromotionsFor(entityRefs: string[]): Promise<Promotion[]> {
    const found: Promotion[] = [];
    for (const refs of chunks(entityRefs)) {
      // Served by the (entity_ref, target_environment, status) index.
      const rows = await this.db<PromotionRow>('promotion_request')
        .whereIn('entity_ref', refs)
        .whereIn('status', [...ACTIVE_PROMOTION_STATUSES])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc');
      found.push(...rows.map(toPromotion));
    }
    return found;
  }

  async transition(
    id: string,
    from: PromotionStatus[],
    to: PromotionStatus,
    patch: PromotionPatch,
    audit: Omit<AuditEntry, 'promotionId'>,
    leaseOwner?: string,
  ): Promise<Promotion | undefined> {
    return this.withChain(async (trx, now) => {
      const query = trx('promotion_request')
        .where({ id })
        .whereIn('status', from);
      if (leaseOwner !== undefined) query.where({ lease_owner: leaseOwner });
      const updated = await query.update({
        status: to,
        updated_at: now.toISOString(),
        ...patchColumns(patch),
      });
      if (updated !== 1) return undefined;
      const row = (await trx<PromotionRow>('promotion_request')
        .where({ id })
        .first())!;
      // Every record names its target, so filtered audit queries see every change.
      await appendAuditRecord(
        trx,
        {
          entityRef: row.entity_ref,
          environment: row.target_environment,
          ...audit,
          promotionId: id,
        },
        now,
      );
      return toPromotion(row);
    });
  }

  async reschedule(
    id: string,
    status: PromotionStatus,
    nextEvaluationAt: Date | null,
    deployDeadlineAt?: Date | null,
  ): Promise<boolean> {
    const updated = await this.db('promotion_request')
      .where({ id, status })
      .update({
        updated_at: this.now().toISOString(),
        ...patchColumns({ nextEvaluationAt, deployDeadlineAt }),
      });
    return updated === 1;
  }

  async appendAudit(audit: AuditEntry): Promise<void> {
    await this.withChain((trx, now) => appendAuditRecord(trx, audit, now));
  }

  async claimExecution(
    id: string,
    owner: string,
    leaseUntil: Date,
    now: Date,
    audit: Omit<AuditEntry, 'promotionId'>,
  ): Promise<Promotion | undefined> {
    return this.withChain(async trx => {
      const updated = await trx('promotion_request')
        .where({ id })
        .andWhere(q =>
          q
            .where({ status: 'approved' })
            .orWhere(expired =>
              expired
                .where({ status: 'executing' })
                .andWhere('lease_expires_at', '<', now.toISOString()),
            ),
        )
        .update({
          status: 'executing',
          updated_at: now.toISOString(),
          lease_owner: owner,
          lease_expires_at: leaseUntil.toISOString(),
          next_evaluation_at: null,
        });
      if (updated !== 1) return undefined;
      await appendAuditRecord(trx, { ...audit, promotionId: id }, now);
      return toPromotion(
        (await trx<PromotionRow>('promotion_request').where({ id }).first())!,
      );
    });
  }

  async renewLease(
    id: string,
    owner: string,
    leaseUntil: Date,
  ): Promise<boolean> {
    const updated = await this.db('promotion_request')
      .where({ id, status: 'executing', lease_owner: owner })
      .update({ lease_expires_at: leaseUntil.toISOString() });
    return updated === 1;
  }

  async recordGateRuns(
    id: string,
    runs: GateRun[],
    audit: Omit<AuditEntry, 'promotionId'>,
  ): Promise<void> {
    await this.withChain(async (trx, now) => {
      const [{ round }] = await trx('promotion_gate_run')
        .where({ promotion_id: id })
        .max({ round: 'round' });
      const next = Number(round ?? 0) + 1;
      // A round that says what the previous one said (a gate still pending,
      // a service still unreachable) is stored but not audited again, so a
      // request waiting for days does not fill the chain.
      const previous = round
        ? await trx<GateRunRow>('promotion_gate_run')
            .where({ promotion_id: id, round })
            .orderBy('gate')
        : [];
      const verdicts = (rows: Array<Pick<GateRun, 'gate' | 'status'>>) =>
        rows
          .map(r => `${r.gate}=${r.status}`)
          .sort()
          .join(',');
      const unchanged =
        previous.length > 0 && verdicts(previous) === verdicts(runs);
      if (runs.length > 0) {
        await trx('promotion_gate_run').insert(
          runs.map(run => ({
            promotion_id: id,
            round: next,
            gate: run.gate,
            status: run.status,
            message: run.message,
            details: run.details ? JSON.stringify(run.details) : null,
            retry_at: run.retryAt ?? null,
            started_at: run.startedAt,
            finished_at: run.finishedAt,
          })),
        );
      }
      if (unchanged) return;
      await appendAuditRecord(
        trx,
        {
          ...audit,
          promotionId: id,
          details: {
            ...audit.details,
            round: next,
            gates: runs.map(r => ({
              gate: r.gate,
              status: r.status,
              message: r.message,
            })),
          },
        },
        now,
      );
    });
  }

  async latestGateRuns(ids: string[]): Promise<Map<string, GateRun[]>> {
    const result = new Map<string, GateRun[]>();
    if (ids.length === 0) return result;
    const latest = this.db('promotion_gate_run')
      .select('promotion_id')
      .max({ round: 'round' })
      .whereIn('promotion_id', ids)
      .groupBy('promotion_id')
      .as('latest');
    const rows = await this.db<GateRunRow>('promotion_gate_run as run')
      .join(latest, join =>
        join
          .on('run.promotion_id', '=', 'latest.promotion_id')
          .andOn('run.round', '=', 'latest.round'),
      )
      .select('run.*')
      .orderBy('run.id', 'asc');
    for (const row of rows) {
      result.set(row.promotion_id, [
        ...(result.get(row.promotion_id) ?? []),
        toGateRun(row),
      ]);
    }
    return result;
  }

  async listDue(now: Date, limit: number): Promise<Promotion[]> {
    const at = now.toISOString();
    const rows = await this.db<PromotionRow>('promotion_request')
      .where(q =>
        q
          .where(due =>
            // `succeeded` is due while its deployment is followed.
            due
              .whereIn('status', ['gating', 'awaiting-merge', 'succeeded'])
              .andWhere('next_evaluation_at', '<=', at),
          )
          .orWhere({ status: 'approved' })
          .orWhere(lease =>
            lease
              .where({ status: 'executing' })
              .andWhere('lease_expires_at', '<', at),
          )
          .orWhere(expiring =>
            expiring
              .whereIn('status', [...SUPERSEDABLE])
              .andWhere('expires_at', '<', at),
          ),
      )
      .orderBy('updated_at', 'asc')
      .limit(limit);
    return rows.map(toPromotion);
  }

  async recordDecision(
    id: string,
    decision: {
      approver: string;
      decision: 'approve' | 'reject';
      comment?: string;
      digest?: string;
    },
    rule: ApprovalRule,
  ): Promise<DecisionOutcome> {
    return this.withChain(async (trx, now) => {
      const row = await trx<PromotionRow>('promotion_request')
        .where({ id })
        .first();
      if (!row) throw new NotFoundError(`No promotion ${id}`);
      if (row.status !== 'awaiting-approval') {
        throw new ConflictError(
          `Promotion ${id} is ${row.status}; decisions are taken only while it awaits approval`,
        );
      }
      const promotion = toPromotion(row);
      // The scheduler expires it at its next round; until then nobody may approve it.
      if (new Date(promotion.expiresAt) <= now) {
        throw new ConflictError(
          `Promotion ${id} expired at ${promotion.expiresAt}; request it again`,
        );
      }
      // A tag-only pin is bound to the digest its tag named when it was
      // requested; API clients may still name the tag itself.
      const pinned = boundDigest(promotion) ?? null;
      const accepted = promotion.artifact.digest
        ? [pinned]
        : [pinned, promotion.artifact.tag];
      if (
        decision.digest !== undefined &&
        !accepted.includes(decision.digest)
      ) {
        throw new ConflictError(
          `Promotion ${id} is for ${pinned}, not ${decision.digest}: the decision was made on another digest; look again`,
        );
      }
      const existing = await trx<DecisionRow>('promotion_approval')
        .where({ promotion_id: id, approver: decision.approver })
        .first();
      if (existing) {
        throw new ConflictError(
          `${decision.approver} already decided on promotion ${id} (${existing.decision})`,
        );
      }
      await trx('promotion_approval').insert({
        promotion_id: id,
        approver: decision.approver,
        decision: decision.decision,
        comment: decision.comment ?? null,
        digest: pinned,
        created_at: now.toISOString(),
      });
      const audit = {
        actor: decision.approver,
        promotionId: id,
        entityRef: promotion.entityRef,
        environment: promotion.targetEnvironment,
      };
      await appendAuditRecord(
        trx,
        {
          ...audit,
          action:
            decision.decision === 'approve'
              ? 'promotion.approval-given'
              : 'promotion.rejected',
          details: {
            comment: decision.comment ?? null,
            artifact: promotion.artifact,
            digest: pinned,
          },
        },
        now,
      );
      let next: PromotionStatus | undefined;
      if (decision.decision === 'reject') {
        next = 'rejected';
      } else {
        const decisions = (
          await trx<DecisionRow>('promotion_approval').where({
            promotion_id: id,
          })
        ).map(toDecision);
        if (approvalsSatisfied(decisions, promotion, rule)) next = 'approved';
      }
      if (!next) return { promotion, decided: false };
      await trx('promotion_request')
        .where({ id, status: 'awaiting-approval' })
        .update({ status: next, updated_at: now.toISOString() });
      if (next === 'approved') {
        await appendAuditRecord(
          trx,
          {
            ...audit,
            action: 'promotion.approved',
            details: { required: rule.required },
          },
          now,
        );
      }
      return {
        promotion: toPromotion(
          (await trx<PromotionRow>('promotion_request').where({ id }).first())!,
        ),
        decided: true,
      };
    });
  }

  async auditHead(): Promise<string> {
    const head = await this.db('promotion_audit_head').where({ id: 1 }).first();
    return `${head.seq}:${head.hash}`;
  }

  async listDecisions(ids: string[]): Promise<Map<string, StoredDecision[]>> {
    const result = new Map<string, StoredDecision[]>();
    if (ids.length === 0) return result;
    const rows = await this.db<DecisionRow>('promotion_approval')
      .whereIn('promotion_id', ids)
      .orderBy('id', 'asc');
    for (const row of rows) {
      result.set(row.promotion_id, [
        ...(result.get(row.promotion_id) ?? []),
        toDecision(row),
      ]);
    }
    return result;
  }

  async bypass(
    id: string,
    from: PromotionStatus,
    to: PromotionStatus,
    bypass: { by: string; reason: string; skipped: 'gates' | 'approvals' },
  ): Promise<Promotion | undefined> {
    return this.withChain(async (trx, now) => {
      const before = await trx<PromotionRow>('promotion_request')
        .where({ id, status: from })
        .first();
      if (!before) return undefined;
      const skipped = [
        ...new Set([
          ...(before.bypass_skipped ?? '').split(',').filter(Boolean),
          bypass.skipped,
        ]),
      ];
      await trx('promotion_request')
        .where({ id, status: from })
        .update({
          status: to,
          bypassed_by: bypass.by,
          bypass_reason: bypass.reason,
          bypass_skipped: skipped.join(','),
          updated_at: now.toISOString(),
          next_evaluation_at: null,
        });
      const row = (await trx<PromotionRow>('promotion_request')
        .where({ id })
        .first())!;
      await appendAuditRecord(
        trx,
        {
          action: 'promotion.bypassed',
          actor: bypass.by,
          promotionId: id,
          entityRef: row.entity_ref,
          environment: row.target_environment,
          details: {
            reason: bypass.reason,
            skipped: bypass.skipped,
            from,
            to,
            emergency: true,
          },
        },
        now,
      );
      return toPromotion(row);
    });
  }
}
