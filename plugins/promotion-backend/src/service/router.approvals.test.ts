import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Entity } from '@backstage/catalog-model';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import {
  asService,
  startPromotionBackend,
} from '../__testUtils__/promotionTestBackend';

jest.setTimeout(60_000);

const IMAGE = 'ghcr.io/acme/payments';
const PAYMENTS: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'promotion.backstage.io/image': IMAGE },
  },
  spec: { owner: 'group:default/team-payments' },
};
const RILEY = 'user:default/riley';
const MORGAN = 'user:default/morgan';
const OUTSIDER = 'user:default/outsider';
const ONCALL = 'user:default/oncall';
const AUDITOR = 'user:default/auditor';

/**
 * A policy like the example backend's: riley may request; morgan approves
 * prod only (a conditional decision the plugin resolves with its own rule)
 * and may bypass; the on-call engineer may roll back; the auditor may read
 * the audit log; anyone else may do nothing.
 */
function decide(user: string, permission: string): PolicyDecision {
  if (user === RILEY && permission === 'promotion.target.promote')
    return { result: AuthorizeResult.ALLOW };
  if (user === ONCALL && permission === 'promotion.target.rollback')
    return { result: AuthorizeResult.ALLOW };
  if (user === AUDITOR && permission === 'promotion.audit.read')
    return { result: AuthorizeResult.ALLOW };
  if (user === MORGAN && permission === 'promotion.target.approve') {
    return {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'promotion',
      resourceType: 'promotion-target',
      conditions: {
        rule: 'IS_TARGET_ENVIRONMENT',
        resourceType: 'promotion-target',
        params: { environments: ['prod'] },
      },
    };
  }
  if (user === MORGAN && permission === 'promotion.target.bypass')
    return { result: AuthorizeResult.ALLOW };
  return { result: AuthorizeResult.DENY };
}

describe('approval routes', () => {
  let repo: TestRepository;
  let workingDirectory: string;

  beforeEach(() => {
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-router-approvals-'),
    );
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.2.0',
        digestOf('c'),
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/prod/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
      ),
    });
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(workingDirectory, { recursive: true, force: true });
  });

  // An outsider may not see payments in the catalog; everyone else may.
  const catalog = catalogServiceMock.mock({
    getEntityByRef: async (_ref: any, options: any) =>
      options.credentials.principal.userEntityRef === OUTSIDER
        ? undefined
        : PAYMENTS,
    getEntitiesByRefs: async (_request: any, options: any) => ({
      items: [
        options.credentials.principal.userEntityRef === OUTSIDER
          ? undefined
          : PAYMENTS,
      ],
    }),
  });

  const userOf = (options: { credentials: BackstageCredentials }) =>
    (options.credentials as BackstageCredentials<BackstageUserPrincipal>)
      .principal.userEntityRef;

  async function startBackend(
    auditor = mockServices.auditor.mock(),
    environments: JsonObject[] = [
      { name: 'dev' },
      { name: 'staging', approval: { required: 1 } },
      { name: 'prod', approval: { required: 1 } },
    ],
  ) {
    const permissions = mockServices.permissions.mock({
      authorizeConditional: async (requests, options) =>
        requests.map(r => decide(userOf(options), r.permission.name)) as any,
      // Basic permissions (reading the audit log) are never conditional.
      authorize: async (requests, options) =>
        requests.map(r => ({
          result:
            decide(userOf(options), r.permission.name).result ===
            AuthorizeResult.ALLOW
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
    });
    return startPromotionBackend({
      repoUrl: repo.url,
      workingDirectory,
      environments,
      ciSubjects: ['external:ci'],
      services: [permissions.factory, auditor.factory, catalog.factory],
    });
  }

  const as = (user: string) => mockCredentials.user.header(user);
  const commits = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());

  async function requestInto(server: any, environment: string) {
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', as(RILEY))
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: environment,
      });
    expect(res.status).toBe(201);
    for (let i = 0; i < 100; i++) {
      const current = await request(server)
        .get(`/api/promotion/promotions/${res.body.id}`)
        .set('Authorization', as(RILEY));
      if (current.body.status !== 'gating') return current.body;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error('still gating');
  }

  async function waitFor(
    server: any,
    id: string,
    status: string,
    user = RILEY,
  ) {
    for (let i = 0; i < 200; i++) {
      const current = await request(server)
        .get(`/api/promotion/promotions/${id}`)
        .set('Authorization', as(user));
      if (current.body.status === status) return current.body;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`never ${status}`);
  }

  /** Every audit record's action, oldest first, as the auditor exports them. */
  async function auditActions(server: any): Promise<string[]> {
    const res = await request(server)
      .get('/api/promotion/audit/export')
      .set('Authorization', as(AUDITOR));
    expect(res.status).toBe(200);
    return res.text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line).action);
  }

  const promotion = async (server: any, id: string) =>
    (
      await request(server)
        .get(`/api/promotion/promotions/${id}`)
        .set('Authorization', as(RILEY))
    ).body;

  it('shows each caller what they may do, refuses the requester’s own approval, and executes on the approver’s', async () => {
    const server = await startBackend();
    const pending = await requestInto(server, 'prod');
    expect(pending.status).toBe('awaiting-approval');

    const rileyView = await request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', as(RILEY));
    const rileyProd = rileyView.body.environments[2];
    expect(
      rileyView.body.environments.map((e: any) => e.allowedActions),
    ).toEqual([[], ['promote'], ['promote']]);
    expect(rileyProd.activeRequests[0]).toEqual(
      expect.objectContaining({
        status: 'awaiting-approval',
        approvalsRequired: 1,
        approvals: [],
        allowedActions: ['cancel'],
      }),
    );
    const morganView = await request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', as(MORGAN));
    expect(
      morganView.body.environments[2].activeRequests[0].allowedActions,
    ).toEqual(['approve', 'reject', 'bypass']);
    expect(
      morganView.body.environments.map((e: any) => e.allowedActions),
    ).toEqual([[], [], []]);

    const own = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(RILEY))
      .send({ decision: 'approve' });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/You requested this promotion/);
    const stranger = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as('user:default/sam'))
      .send({ decision: 'approve' });
    expect(stranger.status).toBe(403);
    const strangerCancel = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/cancel`)
      .set('Authorization', as('user:default/sam'));
    expect(strangerCancel.status).toBe(403);
    const bad = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send({ decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(commits()).toBe(1);

    const waitingForMorgan = await request(server)
      .get('/api/promotion/promotions?awaitingMyApproval=true')
      .set('Authorization', as(MORGAN));
    expect(waitingForMorgan.body.items.map((p: any) => p.id)).toEqual([
      pending.id,
    ]);
    const waitingForRiley = await request(server)
      .get('/api/promotion/promotions?awaitingMyApproval=true')
      .set('Authorization', as(RILEY));
    expect(waitingForRiley.body.items).toEqual([]);

    const approved = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send({ decision: 'approve', comment: 'go' });
    expect(approved.status).toBe(200);
    expect(approved.body.approvals).toEqual([
      expect.objectContaining({
        approver: MORGAN,
        decision: 'approve',
        comment: 'go',
        counts: true,
      }),
    ]);
    await waitFor(server, pending.id, 'succeeded');
    expect(commits()).toBe(2);
    const again = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send({ decision: 'approve' });
    expect(again.status).toBe(409);
  });

  it('sends every change to Backstage’s auditor, with the audit chain head', async () => {
    const success = jest.fn();
    // Only the events of HTTP requests: audit records the chain appends reach
    // the auditor as events of their own, without a request.
    const auditor = mockServices.auditor.mock({
      createEvent: async options => ({
        success: async (o?: any) => {
          if (options.request) success(options.eventId, o);
        },
        fail: async () => {},
      }),
    });
    const server = await startBackend(auditor);
    const pending = await requestInto(server, 'prod');
    await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send({ decision: 'approve' });
    expect(success.mock.calls.map(([eventId]) => eventId)).toEqual([
      'promotion-request',
      'promotion-decision',
    ]);
    expect(success.mock.calls[1][1]).toEqual({
      meta: { auditHead: expect.stringMatching(/^\d+:[0-9a-f]{64}$/) },
    });
  });

  it('answers 404 without naming the entity when the caller may not see it', async () => {
    const server = await startBackend();
    const pending = await requestInto(server, 'prod');
    const res = await request(server)
      .get(`/api/promotion/promotions/${pending.id}`)
      .set('Authorization', as(OUTSIDER));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(`No promotion ${pending.id}`);
  });

  it('applies the policy’s conditions per environment: morgan may not approve staging', async () => {
    const server = await startBackend();
    const pending = await requestInto(server, 'staging');
    const res = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send({ decision: 'approve' });
    expect(res.status).toBe(403);
    expect(commits()).toBe(1);
  });

  it('bypasses only with the bypass permission and a real reason', async () => {
    const server = await startBackend();
    const pending = await requestInto(server, 'prod');
    const byRiley = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/bypass`)
      .set('Authorization', as(RILEY))
      .send({ reason: 'I am in a hurry, please' });
    expect(byRiley.status).toBe(403);
    const tooShort = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/bypass`)
      .set('Authorization', as(MORGAN))
      .send({ reason: 'urgent' });
    expect(tooShort.status).toBe(400);
    expect(commits()).toBe(1);
    const bypassed = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/bypass`)
      .set('Authorization', as(MORGAN))
      .send({ reason: 'payments outage INC-42: ship the fix' });
    expect(bypassed.status).toBe(200);
    expect(bypassed.body.bypass).toEqual({
      by: MORGAN,
      reason: 'payments outage INC-42: ship the fix',
      skipped: ['approvals'],
    });
    await waitFor(server, pending.id, 'succeeded');
    expect(repo.git(['log', '-1', '--format=%B', 'main'])).toContain(
      'Bypassed-By: user:default/morgan',
    );
  });

  it('lists requests, and answers pipeline and history, only for entities the caller may see', async () => {
    const server = await startBackend();
    const pending = await requestInto(server, 'prod');
    const mine = await request(server)
      .get('/api/promotion/promotions')
      .set('Authorization', as(RILEY));
    expect(mine.body.items.map((p: any) => p.id)).toEqual([pending.id]);
    const hidden = await request(server)
      .get('/api/promotion/promotions')
      .set('Authorization', as(OUTSIDER));
    expect(hidden.status).toBe(200);
    expect(hidden.body.items).toEqual([]);
    const filtered = await request(server)
      .get(
        '/api/promotion/promotions?entityRef=component:default/payments&status=awaiting-approval',
      )
      .set('Authorization', as(OUTSIDER));
    expect(filtered.body.items).toEqual([]);

    const history =
      '/api/promotion/entities/component/default/payments/environments/prod/history';
    expect(
      (await request(server).get(history).set('Authorization', as(RILEY)))
        .status,
    ).toBe(200);
    const hiddenHistory = await request(server)
      .get(history)
      .set('Authorization', as(OUTSIDER));
    expect(hiddenHistory.status).toBe(404);
    const hiddenPipeline = await request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', as(OUTSIDER));
    expect(hiddenPipeline.status).toBe(404);
  });

  it('refuses decisions, bypasses and cancels to users the policy does not allow, writing nothing', async () => {
    const server = await startBackend();
    const pending = await requestInto(server, 'prod');
    const before = await auditActions(server);
    const attempts: Array<
      [user: string, action: string, body: object | undefined, status: number]
    > = [
      ['user:default/sam', 'approvals', { decision: 'approve' }, 403],
      [
        'user:default/sam',
        'approvals',
        { decision: 'reject', comment: 'not during the sale' },
        403,
      ],
      [OUTSIDER, 'approvals', { decision: 'approve' }, 404],
      [
        RILEY,
        'bypass',
        { reason: 'payments outage INC-42: ship the fix' },
        403,
      ],
      [
        OUTSIDER,
        'bypass',
        { reason: 'payments outage INC-42: ship the fix' },
        404,
      ],
      ['user:default/sam', 'cancel', undefined, 403],
      [MORGAN, 'cancel', undefined, 403],
      [OUTSIDER, 'cancel', undefined, 404],
    ];
    for (const [user, action, body, status] of attempts) {
      const res = await request(server)
        .post(`/api/promotion/promotions/${pending.id}/${action}`)
        .set('Authorization', as(user))
        .send(body);
      expect([user, action, res.status]).toEqual([user, action, status]);
    }
    expect(await promotion(server, pending.id)).toEqual(
      expect.objectContaining({ status: 'awaiting-approval', approvals: [] }),
    );
    expect((await promotion(server, pending.id)).bypass).toBeUndefined();
    expect(await auditActions(server)).toEqual(before);
    expect(commits()).toBe(1);
  });

  it.each([
    ['no reason', { decision: 'reject' }],
    ['a blank reason', { decision: 'reject', comment: '          ' }],
    [
      'a reason under 10 characters',
      { decision: 'reject', comment: ' too short ' },
    ],
  ])('refuses a rejection with %s, writing nothing', async (_what, body) => {
    const server = await startBackend();
    const pending = await requestInto(server, 'prod');
    const before = await auditActions(server);
    const res = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid decision: comment: a rejection needs a reason: say why in at least 10 characters',
    );
    expect(await promotion(server, pending.id)).toEqual(
      expect.objectContaining({ status: 'awaiting-approval', approvals: [] }),
    );
    expect(await auditActions(server)).toEqual(before);

    const rejected = await request(server)
      .post(`/api/promotion/promotions/${pending.id}/approvals`)
      .set('Authorization', as(MORGAN))
      .send({ decision: 'reject', comment: 'not during the sale' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
  });

  it.each([
    ['approvals', { decision: 'approve' }, 'external:ci'],
    ['approvals', { decision: 'approve' }, 'external:deployer'],
    [
      'bypass',
      { reason: 'payments outage INC-42: ship the fix' },
      'external:ci',
    ],
    [
      'bypass',
      { reason: 'payments outage INC-42: ship the fix' },
      'external:deployer',
    ],
  ])(
    'refuses POST %s to a service (%j from %s), listed CI subject or not, writing nothing',
    async (action, body, subject) => {
      const server = await startBackend();
      const pending = await requestInto(server, 'prod');
      const before = await auditActions(server);
      const res = await request(server)
        .post(`/api/promotion/promotions/${pending.id}/${action}`)
        .set('Authorization', asService(subject))
        .send(body);
      expect(res.status).toBe(403);
      const after = await promotion(server, pending.id);
      expect(after).toEqual(
        expect.objectContaining({ status: 'awaiting-approval', approvals: [] }),
      );
      expect(after.bypass).toBeUndefined();
      expect(await auditActions(server)).toEqual(before);
      expect(commits()).toBe(1);
    },
  );

  it('re-runs gates and cancels only for whoever may request the promotion; refusals change nothing', async () => {
    const server = await startBackend(undefined, [
      { name: 'dev' },
      {
        name: 'staging',
        gates: [{ type: 'version-constraint', range: '>=2.0.0' }],
      },
      { name: 'prod', approval: { required: 1 } },
    ]);
    const created = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', as(RILEY))
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    expect(created.status).toBe(201);
    let gating = await promotion(server, created.body.id);
    for (let i = 0; i < 100 && !gating.gateRuns?.length; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
      gating = await promotion(server, created.body.id);
    }
    expect(gating).toEqual(
      expect.objectContaining({
        status: 'gating',
        gateRuns: [expect.objectContaining({ status: 'failed' })],
      }),
    );
    const before = await auditActions(server);

    for (const [user, status] of [
      ['user:default/sam', 403],
      [MORGAN, 403],
      [OUTSIDER, 404],
    ] as const) {
      const rerun = await request(server)
        .post(`/api/promotion/promotions/${created.body.id}/gates/rerun`)
        .set('Authorization', as(user));
      expect([user, 'rerun', rerun.status]).toEqual([user, 'rerun', status]);
      const cancel = await request(server)
        .post(`/api/promotion/promotions/${created.body.id}/cancel`)
        .set('Authorization', as(user));
      expect([user, 'cancel', cancel.status]).toEqual([user, 'cancel', status]);
    }
    expect(await auditActions(server)).toEqual(before);
    expect(await promotion(server, created.body.id)).toEqual(gating);

    const rerun = await request(server)
      .post(`/api/promotion/promotions/${created.body.id}/gates/rerun`)
      .set('Authorization', as(RILEY));
    expect(rerun.status).toBe(200);
    expect(rerun.body.status).toBe('gating');
    // Who asked is recorded; the round itself said nothing new (the gate still fails).
    expect(await auditActions(server)).toEqual([
      ...before,
      'promotion.gates-rerun',
    ]);
    const cancelled = await request(server)
      .post(`/api/promotion/promotions/${created.body.id}/cancel`)
      .set('Authorization', as(RILEY));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(commits()).toBe(1);
  });

  it('rolls back and releases the hold only with the rollback permission; refusals write nothing', async () => {
    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          IMAGE,
          '1.3.0',
          digestOf('d'),
        ),
      },
      'Ship 1.3.0 to dev',
    );
    const server = await startBackend();
    const rollback = {
      entityRef: 'component:default/payments',
      environment: 'dev',
      reason: 'checkout fails on 1.3.0',
    };
    const before = await auditActions(server);
    for (const [user, dryRun, status] of [
      [RILEY, false, 403],
      [RILEY, true, 403],
      [MORGAN, false, 403],
      [OUTSIDER, false, 404],
      [OUTSIDER, true, 404],
    ] as const) {
      const res = await request(server)
        .post('/api/promotion/rollbacks')
        .set('Authorization', as(user))
        .send({ ...rollback, dryRun });
      expect([user, dryRun, res.status]).toEqual([user, dryRun, status]);
    }
    expect(
      (
        await request(server)
          .get('/api/promotion/promotions')
          .set('Authorization', as(ONCALL))
      ).body.items,
    ).toEqual([]);
    expect(await auditActions(server)).toEqual(before);
    expect(commits()).toBe(2);

    const plan = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', as(ONCALL))
      .send({ ...rollback, dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.body.impact.target.artifact).toEqual(
      expect.objectContaining({ tag: '1.2.0', digest: digestOf('c') }),
    );
    const created = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', as(ONCALL))
      .send(rollback);
    expect(created.status).toBe(201);
    await waitFor(server, created.body.id, 'succeeded', ONCALL);
    expect(repo.readFile('apps/payments/dev/kustomization.yaml')).toContain(
      digestOf('c'),
    );
    expect(commits()).toBe(3);

    const release =
      '/api/promotion/entities/component/default/payments/environments/dev/hold/release';
    const devHold = async () =>
      (
        await request(server)
          .get('/api/promotion/entities/component/default/payments/pipeline')
          .set('Authorization', as(ONCALL))
      ).body.environments[0].hold;
    expect(await devHold()).toEqual(
      expect.objectContaining({ reason: rollback.reason }),
    );
    const held = await auditActions(server);
    expect(
      (await request(server).post(release).set('Authorization', as(RILEY)))
        .status,
    ).toBe(403);
    expect(
      (await request(server).post(release).set('Authorization', as(OUTSIDER)))
        .status,
    ).toBe(404);
    expect(await devHold()).toBeDefined();
    expect(await auditActions(server)).toEqual(held);
    const released = await request(server)
      .post(release)
      .set('Authorization', as(ONCALL));
    expect(released.status).toBe(200);
    expect(released.body).toEqual({
      entityRef: 'component:default/payments',
      environment: 'dev',
      released: true,
    });
    expect(await devHold()).toBeUndefined();
    expect(await auditActions(server)).toEqual([...held, 'hold.released']);
  });

  it.each([
    '/audit',
    '/audit/verify',
    '/audit/export',
    '/audit/export?format=csv',
  ])('serves GET %s to readers of the audit log only', async route => {
    const server = await startBackend();
    await requestInto(server, 'prod');
    const refused = await request(server)
      .get(`/api/promotion${route}`)
      .set('Authorization', as(RILEY));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You may not read the promotion audit log',
    );
    expect(refused.text).not.toContain('promotion.requested');
    const served = await request(server)
      .get(`/api/promotion${route}`)
      .set('Authorization', as(AUDITOR));
    expect(served.status).toBe(200);
    expect(served.text).toMatch(
      route === '/audit/verify' ? /"ok":true/ : /promotion\.requested/,
    );
  });
});
