import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { JsonObject } from '@backstage/types';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import {
  componentEntity,
  DEV_STAGING_PROD,
  startPromotionBackend,
} from '../__testUtils__/promotionTestBackend';

jest.setTimeout(60_000);

const IMAGE = 'ghcr.io/acme/payments';
const PAYMENTS = componentEntity('payments');

const SOME_ID = '3f0c1a52-8f3e-4d5b-9b7a-0e6f1c2d4a5b';

/** Every route of the API, with a body that passes validation so only the caller is in question. */
const ROUTES: Array<[method: 'get' | 'post', route: string, body?: object]> = [
  ['get', '/entities/component/default/payments/pipeline'],
  ['get', '/entities/component/default/payments/environments/staging/history'],
  [
    'post',
    '/promotions',
    { entityRef: 'component:default/payments', targetEnvironment: 'staging' },
  ],
  [
    'post',
    '/promotions',
    {
      entityRef: 'component:default/payments',
      targetEnvironment: 'staging',
      dryRun: true,
    },
  ],
  [
    'post',
    '/rollbacks',
    {
      entityRef: 'component:default/payments',
      environment: 'staging',
      reason: 'checkout fails on 1.1.0',
    },
  ],
  [
    'post',
    '/entities/component/default/payments/environments/staging/hold/release',
  ],
  ['get', '/promotions'],
  ['get', `/promotions/${SOME_ID}`],
  ['post', `/promotions/${SOME_ID}/approvals`, { decision: 'approve' }],
  [
    'post',
    `/promotions/${SOME_ID}/bypass`,
    { reason: 'payments outage: ship the fix' },
  ],
  ['post', `/promotions/${SOME_ID}/cancel`],
  ['post', `/promotions/${SOME_ID}/gates/rerun`],
  ['get', '/audit'],
  ['get', '/audit/verify'],
  ['get', '/audit/export'],
];

describe('promotion router', () => {
  let repo: TestRepository;
  let workingDirectory: string;

  beforeEach(() => {
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-router-'),
    );
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        IMAGE,
        '1.0.0',
        digestOf('a'),
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

  async function startBackend(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    environments: JsonObject[] = DEV_STAGING_PROD,
  ) {
    return startPromotionBackend({
      repoUrl: repo.url,
      workingDirectory,
      environments,
      services: [
        catalogServiceMock.factory({ entities: [PAYMENTS] }),
        mockServices.permissions.factory({ result }),
      ],
    });
  }

  const asUser = mockCredentials.user.header('user:default/alice');
  const commitCount = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());

  async function waitForEnd(
    server: Awaited<ReturnType<typeof startBackend>>,
    id: string,
  ) {
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get(`/api/promotion/promotions/${id}`)
        .set('Authorization', asUser);
      if (['succeeded', 'failed'].includes(res.body.status)) return res.body;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`Promotion ${id} did not finish`);
  }

  it('answers the pipeline in order with what each environment pins', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', asUser);
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/payments');
    expect(
      res.body.environments.map((e: any) => [e.name, e.artifact?.digest]),
    ).toEqual([
      ['dev', digestOf('b')],
      ['staging', digestOf('a')],
      ['prod', digestOf('a')],
    ]);
    expect(res.body.environments[0].commit).toEqual({
      sha: repo.git(['rev-parse', 'main']).trim(),
      author: 'Test Author',
      date: expect.any(String),
    });
  });

  it('promotes dev into staging with one commit and shows it in the pipeline', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
        reason: 'ship it',
      });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        status: 'gating',
        sourceEnvironment: 'dev',
        targetEnvironment: 'staging',
        artifact: { image: IMAGE, tag: '1.1.0', digest: digestOf('b') },
        requestedBy: 'user:default/alice',
      }),
    );
    const done = await waitForEnd(server, res.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.commitSha).toBe(repo.git(['rev-parse', 'main']).trim());
    expect(commitCount()).toBe(2);
    expect(repo.git(['log', '-1', '--format=%B', 'main'])).toContain(
      `Promotion-Id: ${res.body.id}`,
    );

    const pipeline = await request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', asUser);
    const staging = pipeline.body.environments[1];
    expect(staging.artifact.digest).toBe(digestOf('b'));
    expect(staging.commit).toEqual(
      expect.objectContaining({
        sha: done.commitSha,
        author: 'user:default/alice',
      }),
    );

    // The same artifact again is a conflict, not a second commit.
    const again = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    expect(again.status).toBe(409);
    expect(commitCount()).toBe(2);
  });

  it('answers the history of an environment, newest first, and 404 for an unknown one', async () => {
    const server = await startBackend();
    const promoted = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    await waitForEnd(server, promoted.body.id);
    const res = await request(server)
      .get(
        '/api/promotion/entities/component/default/payments/environments/staging/history',
      )
      .set('Authorization', asUser);
    expect(res.status).toBe(200);
    expect(
      res.body.versions.map((v: any) => [v.artifact.tag, v.commit.author]),
    ).toEqual([
      ['1.1.0', 'user:default/alice'],
      ['1.0.0', 'Test Author'],
    ]);
    const unknown = await request(server)
      .get(
        '/api/promotion/entities/component/default/payments/environments/qa/history',
      )
      .set('Authorization', asUser);
    expect(unknown.status).toBe(404);
    const invalid = await request(server)
      .get(
        '/api/promotion/entities/component/default/payments/environments/QA!/history',
      )
      .set('Authorization', asUser);
    expect(invalid.status).toBe(400);
  });

  it('plans a dry run with 200, writing no request and no commit', async () => {
    const server = await startBackend(AuthorizeResult.ALLOW, [
      { name: 'dev' },
      {
        name: 'staging',
        gates: [{ type: 'source-match' }],
        approval: { required: 2 },
      },
    ]);
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
        dryRun: true,
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        targetEnvironment: 'staging',
        approvalsRequired: 2,
        gateRuns: [
          expect.objectContaining({ gate: 'source-match', status: 'passed' }),
        ],
        changes: [
          expect.objectContaining({
            path: 'apps/payments/staging/kustomization.yaml',
            diff: expect.stringContaining(`+    digest: ${digestOf('b')}`),
          }),
        ],
      }),
    );
    const list = await request(server)
      .get('/api/promotion/promotions')
      .set('Authorization', asUser);
    expect(list.body.items).toEqual([]);
    expect(commitCount()).toBe(1);
  });

  it('lets a listed CI service introduce a build into an environment that accepts CI', async () => {
    const server = await startBackend(AuthorizeResult.ALLOW, [
      { name: 'dev', acceptsCi: true },
      { name: 'staging' },
    ]);
    const body = {
      entityRef: 'component:default/payments',
      targetEnvironment: 'dev',
      digest: digestOf('c'),
      tag: '1.2.0',
    };
    const unlisted = await request(server)
      .post('/api/promotion/promotions')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:other'),
          targetPluginId: 'promotion',
        }),
      )
      .send(body);
    expect(unlisted.status).toBe(403);
    const ci = await request(server)
      .post('/api/promotion/promotions')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:ci'),
          targetPluginId: 'promotion',
        }),
      )
      .send(body);
    expect(ci.status).toBe(201);
    expect(ci.body).toEqual(
      expect.objectContaining({
        requestedBy: 'external:ci',
        requesterKind: 'service',
        sourceEnvironment: 'ci',
      }),
    );
    const done = await waitForEnd(server, ci.body.id);
    expect(done.status).toBe('succeeded');
    expect(repo.readFile('apps/payments/dev/kustomization.yaml')).toContain(
      digestOf('c'),
    );
    const notAccepting = await request(server)
      .post('/api/promotion/promotions')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:ci'),
          targetPluginId: 'promotion',
        }),
      )
      .send({ ...body, targetEnvironment: 'staging' });
    expect(notAccepting.status).toBe(403);
  });

  it('cancels a request that waits on its gates, and re-runs gates only while gating', async () => {
    const server = await startBackend(AuthorizeResult.ALLOW, [
      { name: 'dev' },
      {
        name: 'staging',
        gates: [{ type: 'version-constraint', range: '>=2.0.0' }],
      },
    ]);
    const created = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    expect(created.status).toBe(201);
    let current = created.body;
    for (let i = 0; i < 100 && !current.gateRuns?.length; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
      current = (
        await request(server)
          .get(`/api/promotion/promotions/${created.body.id}`)
          .set('Authorization', asUser)
      ).body;
    }
    expect(current.status).toBe('gating');
    expect(current.gateRuns).toEqual([
      expect.objectContaining({ status: 'failed' }),
    ]);
    const rerun = await request(server)
      .post(`/api/promotion/promotions/${created.body.id}/gates/rerun`)
      .set('Authorization', asUser);
    expect(rerun.status).toBe(200);
    expect(rerun.body.status).toBe('gating');
    const cancelled = await request(server)
      .post(`/api/promotion/promotions/${created.body.id}/cancel`)
      .set('Authorization', asUser);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await request(server)
      .post(`/api/promotion/promotions/${created.body.id}/cancel`)
      .set('Authorization', asUser);
    expect(again.status).toBe(409);
    expect(commitCount()).toBe(1);
  });

  it('serves the audit log: list with filters, verify, export; refused to a denied user', async () => {
    const server = await startBackend();
    const created = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    await waitForEnd(server, created.body.id);
    const list = await request(server)
      .get(`/api/promotion/audit?promotionId=${created.body.id}&limit=2`)
      .set('Authorization', asUser);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: any) => r.action)).toEqual([
      'promotion.requested',
      'promotion.approved',
    ]);
    expect(list.body.nextCursor).toBe(list.body.items[1].seq);
    const rest = await request(server)
      .get(
        `/api/promotion/audit?promotionId=${created.body.id}&after=${list.body.nextCursor}`,
      )
      .set('Authorization', asUser);
    expect(rest.body.items.map((r: any) => r.action)).toEqual([
      'promotion.executing',
      'promotion.executed',
    ]);
    expect(rest.body.items[1].details.commitSha).toBe(
      repo.git(['rev-parse', 'main']).trim(),
    );

    const verify = await request(server)
      .get('/api/promotion/audit/verify')
      .set('Authorization', asUser);
    expect(verify.body).toEqual(
      expect.objectContaining({ ok: true, checked: expect.any(Number) }),
    );
    const csv = await request(server)
      .get('/api/promotion/audit/export?format=csv')
      .set('Authorization', asUser);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'seq,created_at,action,actor,promotion_id,entity_ref,environment,details,prev_hash,hash',
    );
    const jsonl = await request(server)
      .get('/api/promotion/audit/export')
      .set('Authorization', asUser);
    expect(
      jsonl.text
        .trim()
        .split('\n')
        .map(line => JSON.parse(line).seq),
    ).toEqual(Array.from({ length: verify.body.checked }, (_, i) => i + 1));
    const bad = await request(server)
      .get('/api/promotion/audit?limit=0')
      .set('Authorization', asUser);
    expect(bad.status).toBe(400);
  });

  it('refuses the audit log when the policy denies promotion.audit.read', async () => {
    const server = await startBackend(AuthorizeResult.DENY);
    const res = await request(server)
      .get('/api/promotion/audit')
      .set('Authorization', asUser);
    expect(res.status).toBe(403);
  });

  it.each([
    [{ targetEnvironment: 'staging' }, /entityRef/],
    [
      { entityRef: '', targetEnvironment: 'staging' },
      /^Invalid promotion request: entityRef: is required$/,
    ],
    [
      { entityRef: 'payments', targetEnvironment: 'staging' },
      /entityRef: must be an entity reference such as 'component:default\/payments'/,
    ],
    [
      { entityRef: 'Component:', targetEnvironment: 'staging' },
      /entityRef: must be an entity reference/,
    ],
    [
      { entityRef: 'component:default/', targetEnvironment: 'staging' },
      /entityRef: must be an entity reference/,
    ],
    [
      {
        entityRef: 'default/payments',
        targetEnvironment: 'staging',
        dryRun: true,
      },
      /entityRef: must be an entity reference/,
    ],
    [
      {
        entityRef: 'component:default/payments',
        targetEnvironment: 'Staging!',
      },
      /targetEnvironment: must be a slug/,
    ],
    [
      {
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
        extra: 1,
      },
      /unknown field\(s\) 'extra'/,
    ],
    [
      { entityRef: 'component:default/payments', targetEnvironment: 'qa' },
      /Unknown environment 'qa'.*dev → staging → prod/,
    ],
    [
      { entityRef: 'component:default/payments', targetEnvironment: 'dev' },
      /first environment/,
    ],
    [
      {
        entityRef: 'component:default/payments',
        targetEnvironment: 'prod',
        sourceEnvironment: 'dev',
      },
      /accepts promotions from 'staging' only/,
    ],
  ])('refuses %j with 400 and writes nothing', async (body, message) => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    const list = await request(server)
      .get('/api/promotion/promotions')
      .set('Authorization', asUser);
    expect(list.body.items).toEqual([]);
    expect(commitCount()).toBe(1);
  });

  it('answers 404 for an entity the caller cannot see, and writes nothing', async () => {
    const server = await startBackend();
    const pipeline = await request(server)
      .get('/api/promotion/entities/component/default/unknown/pipeline')
      .set('Authorization', asUser);
    expect(pipeline.status).toBe(404);
    const history = await request(server)
      .get(
        '/api/promotion/entities/component/default/unknown/environments/staging/history',
      )
      .set('Authorization', asUser);
    expect(history.status).toBe(404);
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/unknown',
        targetEnvironment: 'staging',
      });
    expect(res.status).toBe(404);
    expect(commitCount()).toBe(1);
  });

  it.each([false, true])(
    'refuses with 403 when the policy denies promote (dryRun: %s), and writes nothing',
    async dryRun => {
      const server = await startBackend(AuthorizeResult.DENY);
      const res = await request(server)
        .post('/api/promotion/promotions')
        .set('Authorization', asUser)
        .send({
          entityRef: 'component:default/payments',
          targetEnvironment: 'staging',
          dryRun,
        });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'You may not promote component:default/payments into staging',
      );
      const list = await request(server)
        .get('/api/promotion/promotions')
        .set('Authorization', asUser);
      expect(list.body.items).toEqual([]);
      expect(commitCount()).toBe(1);
    },
  );

  it.each(
    // Without any header the test backend signs a default user in, so "no
    // credentials" is sent as the header of an unauthenticated caller.
    ROUTES.flatMap(
      ([method, route, body]): Array<
        [string, 'get' | 'post', string, string, object | undefined]
      > => {
        const name = `${method.toUpperCase()} ${route}${
          body && 'dryRun' in body ? ' (dry run)' : ''
        }`;
        return [
          [
            `${name} with no credentials`,
            method,
            route,
            mockCredentials.none.header(),
            body,
          ],
          [
            `${name} with an invalid token`,
            method,
            route,
            mockCredentials.user.invalidHeader(),
            body,
          ],
        ];
      },
    ),
  )(
    'answers 401 to %s, and writes nothing',
    async (_name, method, route, authorization, body) => {
      const server = await startBackend();
      const call = request(server)
        [method](`/api/promotion${route}`)
        .set('Authorization', authorization);
      const res = await (body ? call.send(body) : call);
      expect(res.status).toBe(401);
      const list = await request(server)
        .get('/api/promotion/promotions')
        .set('Authorization', asUser);
      expect(list.body.items).toEqual([]);
      const audit = await request(server)
        .get('/api/promotion/audit')
        .set('Authorization', asUser);
      expect(audit.body.items).toEqual([]);
      expect(commitCount()).toBe(1);
    },
  );

  it('refuses promotion requests from a service not listed in promotion.ci.subjects', async () => {
    const server = await startBackend();
    const service = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', mockCredentials.service.header())
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    expect(service.status).toBe(403);
    expect(commitCount()).toBe(1);
  });

  // Every row names its body, even when there is none: jest hands a test
  // with more parameters than row values a `done` callback instead.
  it.each([
    ['get', '/promotions/not-a-promotion-id', undefined],
    [
      'post',
      '/promotions/not-a-promotion-id/approvals',
      { decision: 'approve' },
    ],
    [
      'post',
      '/promotions/not-a-promotion-id/bypass',
      { reason: 'payments outage: ship the fix' },
    ],
    ['post', '/promotions/not-a-promotion-id/cancel', undefined],
    ['post', '/promotions/42/cancel', undefined],
    ['post', '/promotions/not-a-promotion-id/gates/rerun', undefined],
    ['post', `/promotions/${SOME_ID}x/gates/rerun`, undefined],
  ] as Array<[method: 'get' | 'post', route: string, body: object | undefined]>)(
    'refuses %s %s with 400 for an id that is no promotion id',
    async (method, route, body) => {
      const server = await startBackend();
      const call = request(server)
        [method](`/api/promotion${route}`)
        .set('Authorization', asUser);
      const res = await (body ? call.send(body) : call);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Invalid promotion id: must be a promotion id',
      );
    },
  );

  it.each([
    '/promotions',
    '/rollbacks',
    `/promotions/${SOME_ID}/approvals`,
    `/promotions/${SOME_ID}/bypass`,
  ])(
    'refuses a body that is not JSON on POST %s with 400, and writes nothing',
    async route => {
      const server = await startBackend();
      const res = await request(server)
        .post(`/api/promotion${route}`)
        .set('Authorization', asUser)
        .set('Content-Type', 'application/json')
        .send('{"entityRef": "component:default/payments", ');
      expect(res.status).toBe(400);
      const list = await request(server)
        .get('/api/promotion/promotions')
        .set('Authorization', asUser);
      expect(list.body.items).toEqual([]);
      expect(commitCount()).toBe(1);
    },
  );

  it('refuses a malformed entity reference in a rollback and in the list filter with 400', async () => {
    const server = await startBackend();
    const rollback = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send({
        entityRef: 'payments',
        environment: 'staging',
        reason: 'checkout fails on 1.1.0',
      });
    expect(rollback.status).toBe(400);
    expect(rollback.body.error.message).toBe(
      "Invalid rollback request: entityRef: must be an entity reference such as 'component:default/payments'",
    );
    const list = await request(server)
      .get('/api/promotion/promotions?entityRef=Component:')
      .set('Authorization', asUser);
    expect(list.status).toBe(400);
    expect(list.body.error.message).toBe(
      "Invalid query: entityRef: must be an entity reference such as 'component:default/payments'",
    );
    expect(commitCount()).toBe(1);
  });

  it('accepts an entity reference without a namespace and stores it in full', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({ entityRef: 'Component:payments', targetEnvironment: 'staging' });
    expect(res.status).toBe(201);
    expect(res.body.entityRef).toBe('component:default/payments');
    await waitForEnd(server, res.body.id);
    const list = await request(server)
      .get('/api/promotion/promotions?entityRef=component:payments')
      .set('Authorization', asUser);
    expect(list.body.items.map((p: any) => p.id)).toEqual([res.body.id]);
  });

  it('records a failed promotion when the manifest cannot be edited, and leaves git unchanged', async () => {
    repo.commitFiles(
      {
        'apps/payments/staging/kustomization.yaml':
          'images:\n  - name: ghcr.io/acme/payments\n    newTag: "1.0.0"\n',
      },
      'Drop the digest from staging',
    );
    const server = await startBackend();
    const res = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    expect(res.status).toBe(201);
    const done = await waitForEnd(server, res.body.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(
      /apps\/payments\/staging\/kustomization.yaml: .*add 'digest:'/,
    );
    expect(commitCount()).toBe(2);
  });
});
