import express from 'express';
import { durationToMilliseconds } from '@backstage/types';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  approvalDecisionSchema,
  auditQuerySchema,
  promotionAuditReadPermission,
  bypassRequestSchema,
  createPromotionRequestSchema,
  createRollbackRequestSchema,
  environmentNameSchema,
  formatValidationIssues,
  listPromotionsQuerySchema,
  doraMetricsQuerySchema,
  overviewQuerySchema,
  promotionTargetApprovePermission,
  promotionTargetBypassPermission,
  promotionTargetPromotePermission,
  promotionTargetRollbackPermission,
  promotionTargetSyncPermission,
  Promotion,
  PromotionStatus,
  syncRequestSchema,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  AuditAction,
  AuditLog,
  AuditRecordKeeper,
  AuditVerification,
  auditVerifyQuerySchema,
} from '../audit';
import { catalogLookup, catalogVisibility } from './catalogVisibility';
import { PromotionAuthorizer } from '../permissions';
import { PromotionConfig } from '../config';
import { PromotionStore } from '../database';
import { parsePromotionCursor, promotionCursor } from './promotionCursor';
import { RecentAnswers } from './RecentAnswers';
import { Caller, PromotionWorkflow, Requester } from '../workflow';
import { DoraMetricsService } from '../metrics';
import { PromotionOverviewReader } from '../overview';

export interface RouterOptions {
  config: PromotionConfig;
  auth: AuthService;
  auditor: AuditorService;
  auditLog: AuditLog;
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
  authorizer: PromotionAuthorizer;
  catalog: CatalogService;
  store: PromotionStore;
  workflow: PromotionWorkflow;
  overview: PromotionOverviewReader;
  metrics: DoraMetricsService;
}

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${formatValidationIssues(result.error)}`,
    );
  }
  return result.data;
}

const promotionIdSchema = z.uuid('must be a promotion id');

/** Requests read from the database at a time for GET /promotions. */
const LIST_BATCH = 200;
/** Rows one page of GET /promotions reads at most before it answers with what it found. */
const MAX_SCANNED = 5000;

/**
 * `Component:Default/payments` and `component:default/payments` name one
 * entity; stored refs are in the second form. Only for refs the schemas
 * already validated.
 */
function normaliseEntityRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultNamespace: 'default' }),
  );
}

/**
 * The HTTP API. Handlers validate input, load the entity as the caller (so a
 * caller who may not see it gets 404, as from the catalog), check
 * permissions, and hand over to the workflow; no business logic lives here.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    config,
    auth,
    auditor,
    auditLog,
    permissions,
    httpAuth,
    authorizer,
    catalog,
    store,
    workflow,
    overview,
    metrics,
  } = options;
  const router = Router();
  router.use(express.json());

  /**
   * The entity, as the caller may see it. Path parts are passed as they are,
   * not joined into a ref string: a kind or namespace holding ':' or '/'
   * would read back as another entity, or not at all.
   */
  async function loadEntity(
    ref: string | CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity)
      throw new NotFoundError(
        `No entity ${typeof ref === 'string' ? ref : stringifyEntityRef(ref)}`,
      );
    return entity;
  }

  const userCredentials = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  const ALL_PERMISSIONS = [
    promotionTargetPromotePermission,
    promotionTargetApprovePermission,
    promotionTargetRollbackPermission,
    promotionTargetBypassPermission,
    promotionTargetSyncPermission,
  ];

  /** The caller's answers for any number of entities, from one permission call. */
  async function callerOnEach(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    const decide = await authorizer.decider(credentials, ALL_PERMISSIONS);
    return (entity: Entity): Caller => ({
      ref: credentials.principal.userEntityRef,
      decide: decide(entity),
    });
  }

  // What the entity tab reads again and again: the entity as the catalog
  // gives it to the user, and the policy's answer for the user (which only
  // decides the actions the tab offers; every action is authorized anew).
  const maxReadAgeMs = durationToMilliseconds(config.maxReadAge);
  const recentEntities = new RecentAnswers<Entity>(maxReadAgeMs);
  const recentCallers = new RecentAnswers<(entity: Entity) => Caller>(
    maxReadAgeMs,
  );
  const recentVerifications = new RecentAnswers<AuditVerification>(
    maxReadAgeMs,
  );

  /** The entity for a page of the tab, as the catalog gave it to this user within maxReadAge. */
  function loadEntityForPage(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    const key = `${credentials.principal.userEntityRef}\0${stringifyEntityRef(
      ref,
    )}`;
    return recentEntities.get(key, () => loadEntity(ref, credentials));
  }

  /** The caller on an entity for a page of the tab, from the policy's answer within maxReadAge. */
  async function callerForPage(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    entity: Entity,
  ) {
    const callerFor = await recentCallers.get(
      credentials.principal.userEntityRef,
      () => callerOnEach(credentials),
    );
    return callerFor(entity);
  }

  /** The caller and the policy's answers for them on this entity, in one permission call. */
  async function callerOn(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    entity: Entity,
  ): Promise<Caller> {
    return {
      ref: credentials.principal.userEntityRef,
      decide: await authorizer.decide(credentials, entity, ALL_PERMISSIONS),
    };
  }

  /** Runs a mutating handler as an auditor event, so every change reaches Backstage's auditor too. */
  async function audited<T>(
    req: express.Request,
    eventId: string,
    meta: Record<string, string>,
    work: () => Promise<T>,
  ) {
    const event = await auditor.createEvent({
      eventId,
      request: req,
      severityLevel: 'medium',
      meta,
    });
    try {
      const result = await work();
      await event.success({ meta: { auditHead: await store.auditHead() } });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** Users need the promote permission on the target; services must be listed CI subjects. */
  async function authorizePromote(
    credentials: BackstageCredentials,
    entity: Entity,
    environment: string,
  ): Promise<Requester> {
    if (auth.isPrincipal(credentials, 'service')) {
      const subject = credentials.principal.subject;
      if (!config.ci.subjects.includes(subject)) {
        throw new NotAllowedError(
          `Service '${subject}' is not listed in promotion.ci.subjects`,
        );
      }
      return { ref: subject, kind: 'service' };
    }
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        'Only signed-in users and CI services may request promotions',
      );
    }
    const decide = await authorizer.decide(credentials, entity, [
      promotionTargetPromotePermission,
    ]);
    if (!decide(promotionTargetPromotePermission, environment)) {
      throw new NotAllowedError(
        `You may not promote ${stringifyEntityRef(entity)} into ${environment}`,
      );
    }
    return { ref: credentials.principal.userEntityRef, kind: 'user' };
  }

  function assertKnownEnvironment(entity: Entity, name: string) {
    const names = workflow.environmentNames(entity);
    if (!names.includes(name)) {
      throw new InputError(
        `Unknown environment '${name}'; the pipeline of ${stringifyEntityRef(
          entity,
        )} is ${names.join(' → ')}`,
      );
    }
  }

  async function loadPromotion(id: string, credentials: BackstageCredentials) {
    const promotion = await workflow.getPromotion(
      parse(promotionIdSchema, id, 'promotion id'),
    );
    // A request for an entity the caller may not see does not exist for them;
    // the answer must not name the entity either.
    const entity =
      promotion &&
      (await catalog.getEntityByRef(promotion.entityRef, { credentials }));
    if (!promotion || !entity) throw new NotFoundError(`No promotion ${id}`);
    return { promotion, entity };
  }

  router.get('/entities/:kind/:namespace/:name/pipeline', async (req, res) => {
    const credentials = await userCredentials(req);
    const { kind, namespace, name } = req.params;
    const entity = await loadEntityForPage(
      { kind, namespace, name },
      credentials,
    );
    res.json(
      await workflow.getPipeline(
        entity,
        await callerForPage(credentials, entity),
      ),
    );
  });

  router.get(
    '/entities/:kind/:namespace/:name/environments/:environment/history',
    async (req, res) => {
      const credentials = await userCredentials(req);
      const { kind, namespace, name } = req.params;
      const environment = parse(
        environmentNameSchema,
        req.params.environment,
        'environment',
      );
      const entity = await loadEntityForPage(
        { kind, namespace, name },
        credentials,
      );
      res.json(await workflow.getHistory(entity, environment));
    },
  );

  router.post('/promotions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parse(
      createPromotionRequestSchema,
      req.body,
      'promotion request',
    );
    const entity = await loadEntity(body.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    assertKnownEnvironment(entity, body.targetEnvironment);
    const requester = await authorizePromote(
      credentials,
      entity,
      body.targetEnvironment,
    );
    const resolved = await workflow.resolve(
      entity,
      { ...body, entityRef },
      requester.kind,
    );
    if (body.dryRun) {
      res.status(200).json(await workflow.plan(entity, resolved));
      return;
    }
    const promotion = await audited(
      req,
      'promotion-request',
      {
        entityRef,
        environment: body.targetEnvironment,
        requester: requester.ref,
      },
      () => workflow.request(entity, resolved, requester, body.reason),
    );
    res
      .status(201)
      .json(
        auth.isPrincipal(credentials, 'user')
          ? workflow.withActions(promotion, await callerOn(credentials, entity))
          : promotion,
      );
  });

  router.post('/rollbacks', async (req, res) => {
    const credentials = await userCredentials(req);
    const body = parse(
      createRollbackRequestSchema,
      req.body,
      'rollback request',
    );
    const entity = await loadEntity(body.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    assertKnownEnvironment(entity, body.environment);
    const caller = await callerOn(credentials, entity);
    if (!caller.decide(promotionTargetRollbackPermission, body.environment)) {
      throw new NotAllowedError(
        `You may not roll back ${entityRef} in ${body.environment}`,
      );
    }
    const resolved = await workflow.resolveRollback(entity, body);
    if (body.dryRun) {
      res.status(200).json(await workflow.planRollback(entity, resolved));
      return;
    }
    const rollback = await audited(
      req,
      'promotion-rollback',
      { entityRef, environment: body.environment, requester: caller.ref },
      // The schema requires a reason unless it is a dry run.
      () =>
        workflow.requestRollback(
          entity,
          resolved,
          { ref: caller.ref, kind: 'user' },
          body.reason!,
        ),
    );
    res.status(201).json({
      ...workflow.withActions(rollback, caller),
      impact: resolved.impact,
    });
  });

  router.post(
    '/entities/:kind/:namespace/:name/environments/:environment/hold/release',
    async (req, res) => {
      const credentials = await userCredentials(req);
      const { kind, namespace, name } = req.params;
      const environment = parse(
        environmentNameSchema,
        req.params.environment,
        'environment',
      );
      const entity = await loadEntity({ kind, namespace, name }, credentials);
      assertKnownEnvironment(entity, environment);
      const caller = await callerOn(credentials, entity);
      if (!caller.decide(promotionTargetRollbackPermission, environment)) {
        throw new NotAllowedError(
          `You may not release the hold on ${stringifyEntityRef(
            entity,
          )} in ${environment}`,
        );
      }
      await audited(
        req,
        'promotion-hold-release',
        { entityRef: stringifyEntityRef(entity), environment },
        () => workflow.releaseHold(entity, environment, caller.ref),
      );
      res.json({
        entityRef: stringifyEntityRef(entity),
        environment,
        released: true,
      });
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/environments/:environment/sync',
    async (req, res) => {
      const credentials = await userCredentials(req);
      const { kind, namespace, name } = req.params;
      const environment = parse(
        environmentNameSchema,
        req.params.environment,
        'environment',
      );
      const body = parse(syncRequestSchema, req.body ?? {}, 'sync');
      const entity = await loadEntity({ kind, namespace, name }, credentials);
      assertKnownEnvironment(entity, environment);
      const caller = await callerOn(credentials, entity);
      if (!caller.decide(promotionTargetSyncPermission, environment)) {
        throw new NotAllowedError(
          `You may not sync ${stringifyEntityRef(entity)} in ${environment}`,
        );
      }
      const entityRef = stringifyEntityRef(entity);
      const outcome = await audited(
        req,
        'promotion-sync',
        {
          entityRef,
          environment,
          ...(body.reason ? { reason: body.reason } : {}),
        },
        () => workflow.sync(entity, environment, caller.ref, body.reason),
      );
      res.status(202).json({ entityRef, environment, ...outcome });
    },
  );

  // Every annotated entity the caller may see × environment, a page at a time.
  router.get('/overview', async (req, res) => {
    const credentials = await userCredentials(req);
    const query = parse(overviewQuerySchema, req.query, 'overview query');
    res.json(await overview.read(query, credentials));
  });

  router.get('/promotions', async (req, res) => {
    const credentials = await userCredentials(req);
    const query = parse(listPromotionsQuerySchema, req.query, 'query');
    let statuses: PromotionStatus[] | undefined = query.status
      ? [query.status]
      : undefined;
    if (query.awaitingMyApproval) statuses = ['awaiting-approval'];
    const limit = query.limit ?? 100;
    const filter = {
      entityRef: query.entityRef
        ? normaliseEntityRef(query.entityRef)
        : undefined,
      environment: query.environment,
      statuses,
    };
    // Rows are filtered by what the caller may see (and, for what awaits
    // their approval, by what they may approve), so pages of rows are read
    // from the database, newest first, until the page is full.
    const entitiesOf = catalogLookup(catalog, credentials);
    const callerFor = await callerOnEach(credentials);
    const listed: Promotion[] = [];
    let after = query.cursor ? parsePromotionCursor(query.cursor) : undefined;
    let scanned = 0;
    for (;;) {
      const rows = await store.listPromotions({
        ...filter,
        after,
        limit: LIST_BATCH,
      });
      // Only requests for entities the caller may see, checked in one catalog
      // call per batch; the caller's actions come from one permission call.
      const entityOf = await entitiesOf(rows.map(p => p.entityRef));
      const visible = rows.filter(p => entityOf(p.entityRef));
      const shown = (await workflow.withDetails(visible))
        .map(p => workflow.withActions(p, callerFor(entityOf(p.entityRef)!)))
        .filter(
          p =>
            !query.awaitingMyApproval || p.allowedActions?.includes('approve'),
        );
      for (const promotion of shown) {
        if (listed.length === limit) break;
        listed.push(promotion);
      }
      scanned += rows.length;
      const more = rows.length === LIST_BATCH;
      if (listed.length === limit) {
        const last = listed[listed.length - 1];
        const unread = more || last.id !== rows[rows.length - 1]?.id;
        res.json({
          items: listed,
          ...(unread ? { nextCursor: promotionCursor(last) } : {}),
        });
        return;
      }
      if (!more) break;
      after = {
        createdAt: rows[rows.length - 1].createdAt,
        id: rows[rows.length - 1].id,
      };
      if (scanned >= MAX_SCANNED) {
        // Many rows the caller may not see: answer what was found, and where to go on.
        res.json({ items: listed, nextCursor: promotionCursor(after) });
        return;
      }
    }
    res.json({ items: listed });
  });

  router.get('/promotions/:id', async (req, res) => {
    const credentials = await userCredentials(req);
    const { promotion, entity } = await loadPromotion(
      req.params.id,
      credentials,
    );
    res.json(
      workflow.withActions(promotion, await callerOn(credentials, entity)),
    );
  });

  /** Loads a request and checks that the caller may take `action` on it now. */
  async function forAction(
    req: express.Request,
    action: 'approve' | 'reject' | 'cancel' | 'bypass' | 'rerun-gates',
  ) {
    const credentials = await userCredentials(req);
    const { promotion, entity } = await loadPromotion(
      req.params.id,
      credentials,
    );
    const caller = await callerOn(credentials, entity);
    // First what the request's state and the approval rules allow anyone
    // in the caller's place, then what the policy allows the caller.
    const possible =
      workflow.withActions(promotion, { ref: caller.ref, decide: () => true })
        .allowedActions ?? [];
    if (!possible.includes(action)) {
      if (
        action === 'approve' &&
        promotion.status === 'awaiting-approval' &&
        caller.ref === promotion.requestedBy
      ) {
        throw new NotAllowedError(
          'You requested this promotion, so your approval does not count; someone else must approve it',
        );
      }
      const decided = promotion.approvals?.some(a => a.approver === caller.ref);
      throw new ConflictError(
        decided
          ? `You already decided on promotion ${promotion.id}`
          : `Promotion ${promotion.id} is ${promotion.status}; it cannot be given '${action}' now`,
      );
    }
    if (
      !(workflow.withActions(promotion, caller).allowedActions ?? []).includes(
        action,
      )
    ) {
      throw new NotAllowedError(
        `Your permissions do not allow you to ${action.replace(
          '-',
          ' ',
        )} promotions into ${promotion.targetEnvironment}`,
      );
    }
    return { promotion, entity, caller };
  }

  router.post('/promotions/:id/approvals', async (req, res) => {
    // Who asks comes first: an anonymous caller learns nothing from validation.
    await userCredentials(req);
    const body = parse(approvalDecisionSchema, req.body, 'decision');
    const { promotion, caller } = await forAction(req, body.decision);
    const decided = await audited(
      req,
      'promotion-decision',
      { promotionId: promotion.id, decision: body.decision },
      () => workflow.decide(promotion.id, caller.ref, body),
    );
    res.json(workflow.withActions(decided, caller));
  });

  router.post('/promotions/:id/bypass', async (req, res) => {
    await userCredentials(req);
    const body = parse(bypassRequestSchema, req.body, 'bypass');
    const { promotion, entity, caller } = await forAction(req, 'bypass');
    const bypassed = await audited(
      req,
      'promotion-bypass',
      { promotionId: promotion.id, reason: body.reason },
      () => workflow.bypass(promotion.id, entity, caller.ref, body.reason),
    );
    res.json(workflow.withActions(bypassed, caller));
  });

  router.post('/promotions/:id/cancel', async (req, res) => {
    const { promotion, entity, caller } = await forAction(req, 'cancel');
    const cancelled = await audited(
      req,
      'promotion-cancel',
      { promotionId: promotion.id },
      () => workflow.cancel(promotion.id, caller.ref, entity),
    );
    res.json(workflow.withActions(cancelled, caller));
  });

  router.post('/promotions/:id/gates/rerun', async (req, res) => {
    const { promotion, entity, caller } = await forAction(req, 'rerun-gates');
    const rerun = await audited(
      req,
      'promotion-gates-rerun',
      { promotionId: promotion.id },
      () => workflow.rerunGates(promotion.id, entity, caller.ref),
    );
    res.json(workflow.withActions(rerun, caller));
  });

  /**
   * The audit log is for users the policy allows to read it
   * (`promotion.audit.read`), and of it only the records of entities they
   * may see in the catalog (and those of no entity, or of one the catalog
   * no longer holds): the answer is the keeper that drops the others.
   */
  async function auditReader(req: express.Request): Promise<AuditRecordKeeper> {
    const credentials = await userCredentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: promotionAuditReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError('You may not read the promotion audit log');
    const visibility = catalogVisibility(catalog, credentials, () =>
      auth.getOwnServiceCredentials(),
    );
    return async records => {
      const visible = await visibility(
        records.flatMap(r => (r.entityRef ? [r.entityRef] : [])),
      );
      return records.filter(r => !r.entityRef || visible(r.entityRef));
    };
  }

  /** The filters of an audit query (checked after the caller, so a stranger learns nothing from validation). */
  function auditFilter(query: unknown) {
    const { format, order, ...filter } = parse(
      auditQuerySchema,
      query,
      'audit query',
    );
    return {
      format,
      order,
      filter: {
        ...filter,
        ...(filter.entityRef
          ? { entityRef: normaliseEntityRef(filter.entityRef) }
          : {}),
        action: filter.action as AuditAction | undefined,
      },
    };
  }

  router.get('/audit', async (req, res) => {
    const keep = await auditReader(req);
    const { format, order, filter } = auditFilter(req.query);
    if (format)
      throw new InputError(
        "Invalid audit query: 'format' is for /audit/export",
      );
    res.json(await auditLog.list({ ...filter, order }, keep));
  });

  // Verification names no record's content, only the chain's seq and hashes,
  // and must walk every record to prove the chain: it is not filtered.
  router.get('/audit/verify', async (req, res) => {
    await auditReader(req);
    // `anchor` is verify's own parameter; the rest is checked as any audit query.
    const { anchor, ...query } = req.query;
    auditFilter(query);
    const anchors = parse(
      auditVerifyQuerySchema,
      { anchor },
      'audit query',
    ).anchor;
    res.json(
      anchors?.length
        ? await auditLog.verify({ anchors })
        : // Every open audit timeline asks; one walk of the chain answers them all.
          await recentVerifications.get('chain', () => auditLog.verify()),
    );
  });

  router.get('/audit/export', async (req, res) => {
    const keep = await auditReader(req);
    const { format = 'jsonl', order, filter } = auditFilter(req.query);
    if (order)
      throw new InputError(
        "Invalid audit query: an export is oldest first; 'order' is for /audit",
      );
    const { limit: _limit, ...exportFilter } = filter;
    res.setHeader(
      'Content-Type',
      format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="promotion-audit.${format}"`,
    );
    for await (const line of auditLog.export(format, exportFilter, keep))
      res.write(line);
    res.end();
  });

  // DORA metrics of one entity (404 when the caller may not see it), of
  // the entities a group owns, or of every entity; only what the caller may
  // see in the catalog counts.
  router.get('/metrics/dora', async (req, res) => {
    const credentials = await userCredentials(req);
    const { entityRef, group, ...window } = parse(
      doraMetricsQuerySchema,
      req.query,
      'query',
    );
    if (entityRef) {
      const entity = await loadEntity(entityRef, credentials);
      res.json(await metrics.forEntity(entity, window));
    } else if (group) {
      res.json(
        await metrics.forGroup(normaliseEntityRef(group), credentials, window),
      );
    } else {
      res.json(await metrics.overall(credentials, window));
    }
  });

  return router;
}
