import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createDemoGitOpsRepository } from './createDemoGitOpsRepository';
import demoArgoCdPlugin from './demoArgoCdPlugin';

describe('demoArgoCdPlugin', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-argocd-plugin-'));
    createDemoGitOpsRepository(path.join(root, 'gitops-demo.git'));
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  async function start() {
    const { server } = await startTestBackend({
      features: [
        demoArgoCdPlugin,
        mockServices.rootConfig.factory({
          data: {
            promotion: {
              gitops: {
                repositories: [
                  { id: 'demo', url: path.join(root, 'gitops-demo.git') },
                ],
              },
            },
          },
        }),
      ],
    });
    return server;
  }

  it("answers Argo CD's Application, resource and sync routes to a bearer token", async () => {
    const server = await start();
    const auth = { authorization: 'Bearer demo' };
    const app = await request(server)
      .get('/api/demo-argocd/api/v1/applications/payments-api-prod')
      .set(auth);
    expect(app.status).toBe(200);
    expect(app.body.spec.syncPolicy).toEqual({});
    expect(app.body.status.sync.status).toBe('Synced');

    const synced = await request(server)
      .post('/api/demo-argocd/api/v1/applications/payments-api-prod/sync')
      .set(auth);
    expect(synced.status).toBe(200);
    expect(synced.body.status.health.status).toBe('Progressing');

    const rollout = await request(server)
      .get('/api/demo-argocd/api/v1/applications/payments-api-prod/resource')
      .set(auth);
    expect(JSON.parse(rollout.body.manifest).kind).toBe('Rollout');
  });

  it('refuses a call without a token and names an unknown Application', async () => {
    const server = await start();
    const anonymous = await request(server).get(
      '/api/demo-argocd/api/v1/applications/payments-api-prod',
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBe('no session information');
    const unknown = await request(server)
      .get('/api/demo-argocd/api/v1/applications/payments-api-qa')
      .set({ authorization: 'Bearer demo' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe(
      'applications.argoproj.io "payments-api-qa" not found',
    );
  });
});
