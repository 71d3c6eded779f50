import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { promotionPlugin } from '../plugin';

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
  spec: { owner: 'group:default/team-a' },
};
const STAGING = 'apps/payments/staging/kustomization.yaml';
const asUser = mockCredentials.user.header('user:default/alice');
const REASON = 'errors since 1.1.0 went out';

describe('rollback routes', () => {
  let repo: TestRepository;
  let workingDirectory: string;

  beforeEach(() => {
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-router-rollbacks-'),
    );
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        IMAGE,
        '1.1.0',
        digestOf('b'),
      ),
      [STAGING]: kustomization(IMAGE, '1.0.0', digestOf('a')),
    });
    repo.commitFiles(
      { [STAGING]: kustomization(IMAGE, '1.1.0', digestOf('b')) },
      'staging 1.1.0',
    );
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(workingDirectory, { recursive: true, force: true });
  });

  async function startBackend(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const { server } = await startTestBackend({
      features: [
        promotionPlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { workingDirectory },
            permission: { enabled: true },
            promotion: {
              environments: [
                { name: 'dev' },
                { name: 'staging', autoPromote: true },
              ],
              ci: { subjects: ['external:ci'] },
              gitops: {
                repositories: [{ id: 'platform', url: repo.url }],
                defaults: {
                  path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
                },
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [PAYMENTS] }),
        mockServices.permissions.factory({ result }),
      ],
    });
    return server;
  }

  const commits = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());
  const body = (extra: Record<string, unknown> = {}) => ({
    entityRef: 'component:default/payments',
    environment: 'staging',
    reason: REASON,
    ...extra,
  });
  const pipeline = (server: Awaited<ReturnType<typeof startBackend>>) =>
    request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', asUser);

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
    throw new Error(`Rollback ${id} did not finish`);
  }

  it('plans a rollback with its impact and writes nothing', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send(body({ dryRun: true }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        environment: 'staging',
        artifact: { image: IMAGE, tag: '1.0.0', digest: digestOf('a') },
        impact: expect.objectContaining({
          recommendation: 'safe',
          commitsBetween: 1,
        }),
        changes: [expect.objectContaining({ path: STAGING })],
      }),
    );
    expect(commits()).toBe(2);
    // The impact comes before anyone has said why: a dry run needs no reason, a rollback does.
    const { reason: _reason, ...withoutReason } = body();
    const early = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send({ ...withoutReason, dryRun: true });
    expect(early.status).toBe(200);
    const unexplained = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send(withoutReason);
    expect(unexplained.status).toBe(400);
    expect(unexplained.body.error.message).toMatch(/reason: say why/);
    const listed = await request(server)
      .get('/api/promotion/promotions')
      .set('Authorization', asUser);
    expect(listed.body.items).toEqual([]);
  });

  it('rolls back, shows and releases the hold', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send(body());
    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      expect.objectContaining({
        kind: 'rollback',
        targetEnvironment: 'staging',
        impact: expect.objectContaining({ recommendation: 'safe' }),
      }),
    );
    expect(await waitForEnd(server, res.body.id)).toEqual(
      expect.objectContaining({ status: 'succeeded' }),
    );
    expect(repo.readFile(STAGING)).toBe(
      kustomization(IMAGE, '1.0.0', digestOf('a')),
    );

    const staging = (await pipeline(server)).body.environments[1];
    expect(staging.hold).toEqual(
      expect.objectContaining({ setBy: 'user:default/alice', reason: REASON }),
    );
    expect(staging.allowedActions).toEqual([
      'promote',
      'rollback',
      'release-hold',
    ]);

    const release = `/api/promotion/entities/component/default/payments/environments/staging/hold/release`;
    const released = await request(server)
      .post(release)
      .set('Authorization', asUser);
    expect(released.status).toBe(200);
    expect((await pipeline(server)).body.environments[1].hold).toBeUndefined();
    expect(
      (await request(server).post(release).set('Authorization', asUser)).status,
    ).toBe(409);
  });

  it('refuses bad input with 400, an unknown entity with 404, and writes nothing', async () => {
    const server = await startBackend();
    const post = (payload: unknown) =>
      request(server)
        .post('/api/promotion/rollbacks')
        .set('Authorization', asUser)
        .send(payload as object);
    const short = await post(body({ reason: 'oops' }));
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/reason: say why/);
    expect((await post(body({ environment: 'prod' }))).status).toBe(400);
    expect((await post(body({ digest: 'sha256:nope' }))).status).toBe(400);
    expect((await post(body({ digest: digestOf('f') }))).status).toBe(400);
    expect((await post(body({ surprise: true }))).status).toBe(400);
    expect(
      (await post(body({ entityRef: 'component:default/nobody' }))).status,
    ).toBe(404);
    expect((await post(body({ environment: 'dev' }))).status).toBe(409);
    expect(commits()).toBe(2);
    expect(
      (
        await request(server)
          .get('/api/promotion/promotions')
          .set('Authorization', asUser)
      ).body.items,
    ).toEqual([]);
  });

  it('refuses callers the policy does not allow, services and anonymous callers, writing nothing', async () => {
    const server = await startBackend(AuthorizeResult.DENY);
    const denied = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send(body());
    expect(denied.status).toBe(403);
    const dryRun = await request(server)
      .post('/api/promotion/rollbacks')
      .set('Authorization', asUser)
      .send(body({ dryRun: true }));
    expect(dryRun.status).toBe(403);
    const release = await request(server)
      .post(
        '/api/promotion/entities/component/default/payments/environments/staging/hold/release',
      )
      .set('Authorization', asUser);
    expect(release.status).toBe(403);
    expect(
      (await pipeline(server)).body.environments[1].allowedActions,
    ).toEqual([]);

    const allowing = await startBackend();
    const asCi = await request(allowing)
      .post('/api/promotion/rollbacks')
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:ci'),
          targetPluginId: 'promotion',
        }),
      )
      .send(body());
    expect(asCi.status).toBe(403);
    const anonymous = await request(allowing)
      .post('/api/promotion/rollbacks')
      .set('Authorization', mockCredentials.none.header())
      .send(body());
    expect(anonymous.status).toBe(401);
    expect(commits()).toBe(2);
  });
});
