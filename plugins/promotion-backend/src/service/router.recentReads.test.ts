import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
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
  startPromotionBackend,
} from '../__testUtils__/promotionTestBackend';

jest.setTimeout(60_000);

const IMAGE = 'ghcr.io/acme/payments';
const PIPELINE = '/api/promotion/entities/component/default/payments/pipeline';
const HISTORY =
  '/api/promotion/entities/component/default/payments/environments/dev/history';

describe('reads of the entity tab', () => {
  let repo: TestRepository;
  let workingDirectory: string;
  let policy: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  const getEntityByRef = jest.fn(async () => componentEntity('payments'));
  const authorizeConditional = jest.fn(async (requests: unknown[]) =>
    requests.map(() => ({ result: policy })),
  );
  const asAlice = mockCredentials.user.header('user:default/alice');
  const asBob = mockCredentials.user.header('user:default/bob');

  beforeEach(() => {
    policy = AuthorizeResult.ALLOW;
    getEntityByRef.mockClear();
    authorizeConditional.mockClear();
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-recent-'),
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
    });
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(workingDirectory, { recursive: true, force: true });
  });

  const start = (maxReadAge?: string) =>
    startPromotionBackend({
      repoUrl: repo.url,
      workingDirectory,
      environments: [{ name: 'dev' }, { name: 'staging' }],
      promotion: maxReadAge ? { maxReadAge } : {},
      services: [
        catalogServiceMock.mock({ getEntityByRef }).factory,
        mockServices.permissions.mock({
          authorizeConditional: authorizeConditional as any,
        }).factory,
      ],
    });

  it('asks the catalog and the policy once per user within maxReadAge, for the pipeline and the history', async () => {
    const server = await start();
    for (const route of [PIPELINE, PIPELINE, HISTORY]) {
      expect(
        (await request(server).get(route).set('Authorization', asAlice)).status,
      ).toBe(200);
    }
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    expect(authorizeConditional).toHaveBeenCalledTimes(1);

    // Another user's visibility and permissions are their own.
    expect(
      (await request(server).get(PIPELINE).set('Authorization', asBob)).status,
    ).toBe(200);
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    expect(authorizeConditional).toHaveBeenCalledTimes(2);
    expect(
      getEntityByRef.mock.calls.map(
        (call: any[]) => call[1].credentials.principal.userEntityRef,
      ),
    ).toEqual(['user:default/alice', 'user:default/bob']);
  });

  it('authorizes an action anew even while the tab still offers it', async () => {
    const server = await start();
    const before = await request(server)
      .get(PIPELINE)
      .set('Authorization', asAlice);
    expect(before.body.environments[1].allowedActions).toContain('promote');

    policy = AuthorizeResult.DENY;
    const shown = await request(server)
      .get(PIPELINE)
      .set('Authorization', asAlice);
    expect(shown.body.environments[1].allowedActions).toContain('promote');
    const promote = await request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asAlice)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
      });
    expect(promote.status).toBe(403);
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    expect(repo.git(['rev-list', '--count', 'main']).trim()).toBe('1');
  });

  it('asks again once maxReadAge has passed', async () => {
    const server = await start('1ms');
    await request(server).get(PIPELINE).set('Authorization', asAlice);
    await new Promise(resolve => setTimeout(resolve, 5));
    policy = AuthorizeResult.DENY;
    const after = await request(server)
      .get(PIPELINE)
      .set('Authorization', asAlice);
    expect(after.body.environments[1].allowedActions).toEqual([]);
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    expect(authorizeConditional).toHaveBeenCalledTimes(2);
  });
});
