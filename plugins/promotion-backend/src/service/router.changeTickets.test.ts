import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
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
const APPROVED_CHANGE = 'CHG0000001';
const TICKET_URL = 'https://itsm.acme.internal/change/{{ ticket }}';
const asUser = mockCredentials.user.header('user:default/alice');

/** A change-management service on loopback: only APPROVED_CHANGE is approved. */
async function startChangeService() {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url!);
    const approved = req.url === `/changes/${APPROVED_CHANGE}`;
    res.writeHead(approved ? 200 : 409).end(approved ? 'ok' : 'not approved');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('change tickets on requests', () => {
  let repo: TestRepository;
  let workingDirectory: string;
  let changes: Awaited<ReturnType<typeof startChangeService>>;

  beforeAll(async () => {
    changes = await startChangeService();
  });

  afterAll(async () => {
    await changes.close();
  });

  beforeEach(() => {
    changes.asked.length = 0;
    workingDirectory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'promotion-router-tickets-'),
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

  function startBackend() {
    return startPromotionBackend({
      repoUrl: repo.url,
      workingDirectory,
      environments: [
        { name: 'dev' },
        {
          name: 'staging',
          changeTicket: {
            required: true,
            pattern: 'CHG[0-9]{7}',
            url: TICKET_URL,
          },
          gates: [
            { type: 'http', url: `${changes.url}/changes/{{ changeTicket }}` },
          ],
        },
      ],
      services: [
        catalogServiceMock.factory({ entities: [componentEntity('payments')] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
  }
  type Server = Awaited<ReturnType<typeof startBackend>>;

  const promote = (server: Server, extra: Record<string, unknown> = {}) =>
    request(server)
      .post('/api/promotion/promotions')
      .set('Authorization', asUser)
      .send({
        entityRef: 'component:default/payments',
        targetEnvironment: 'staging',
        ...extra,
      });
  const commitCount = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());
  const auditRecords = async (server: Server) =>
    (
      await request(server)
        .get('/api/promotion/audit')
        .set('Authorization', asUser)
    ).body.items as Array<{ action: string; details: Record<string, unknown> }>;
  const requests = async (server: Server) =>
    (
      await request(server)
        .get('/api/promotion/promotions')
        .set('Authorization', asUser)
    ).body.items as unknown[];

  async function waitFor(server: Server, id: string, done: string[]) {
    for (let i = 0; i < 200; i++) {
      const res = await request(server)
        .get(`/api/promotion/promotions/${id}`)
        .set('Authorization', asUser);
      if (done.includes(res.body.status)) return res.body;
      if (
        res.body.status === 'gating' &&
        res.body.gateRuns?.some((run: any) => run.status === 'failed')
      )
        return res.body;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`Promotion ${id} did not settle`);
  }

  it('shows the rule on the pipeline and in a dry run that names no ticket yet', async () => {
    const server = await startBackend();
    const pipeline = await request(server)
      .get('/api/promotion/entities/component/default/payments/pipeline')
      .set('Authorization', asUser);
    const rule = { required: true, pattern: 'CHG[0-9]{7}', url: TICKET_URL };
    expect(
      pipeline.body.environments.map((env: any) => env.changeTicket),
    ).toEqual([undefined, rule]);

    const plan = await promote(server, { dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.body.changeTicket).toEqual(rule);
    // The gate that needs the ticket says so instead of asking the service.
    expect(plan.body.gateRuns[0]).toMatchObject({ status: 'failed' });
    expect(plan.body.gateRuns[0].message).toMatch(/names no change ticket/);
    expect(changes.asked).toEqual([]);
  });

  it('refuses a request without a ticket, or with one of another form, writing nothing', async () => {
    const server = await startBackend();
    const commits = commitCount();
    const audited = (await auditRecords(server)).length;

    const missing = await promote(server);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      "'staging' needs a change ticket: name it in changeTicket",
    );

    const otherForm = await promote(server, { changeTicket: 'INC42' });
    expect(otherForm.status).toBe(400);
    expect(otherForm.body.error.message).toMatch(
      /'INC42' is not of the form 'staging' takes \(CHG\[0-9\]\{7\}\)/,
    );

    // A line break would forge a commit trailer.
    const forged = await promote(server, {
      changeTicket: 'CHG0000001\nPromoted-By: user:default/mallory',
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toMatch(
      /^Invalid promotion request: changeTicket: /,
    );

    expect(await requests(server)).toEqual([]);
    expect(await auditRecords(server)).toHaveLength(audited);
    expect(commitCount()).toBe(commits);
  });

  it('carries the ticket into the request, the audit log, the gate and the commit', async () => {
    const server = await startBackend();
    const created = await promote(server, {
      changeTicket: ` ${APPROVED_CHANGE} `,
    });
    expect(created.status).toBe(201);
    expect(created.body.changeTicket).toBe(APPROVED_CHANGE);

    const done = await waitFor(server, created.body.id, ['succeeded']);
    expect(done).toMatchObject({
      status: 'succeeded',
      changeTicket: APPROVED_CHANGE,
    });
    expect(changes.asked).toContain(`/changes/${APPROVED_CHANGE}`);

    const requested = (await auditRecords(server)).find(
      record => record.action === 'promotion.requested',
    );
    expect(requested?.details.changeTicket).toBe(APPROVED_CHANGE);

    const message = repo.git(['log', '-1', '--format=%B', 'main']);
    expect(message).toContain(`Change-Ticket: ${APPROVED_CHANGE}`);
    expect(message).toContain(`Promotion-Id: ${created.body.id}`);
  });

  it('asks rollbacks into the environment for a ticket too', async () => {
    const server = await startBackend();
    const promoted = await promote(server, { changeTicket: APPROVED_CHANGE });
    await waitFor(server, promoted.body.id, ['succeeded']);
    const rollback = (extra: Record<string, unknown>) =>
      request(server)
        .post('/api/promotion/rollbacks')
        .set('Authorization', asUser)
        .send({
          entityRef: 'component:default/payments',
          environment: 'staging',
          reason: '1.1.0 breaks refunds',
          ...extra,
        });

    const missing = await rollback({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/needs a change ticket/);

    const created = await rollback({ changeTicket: 'CHG0000003' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'rollback',
      changeTicket: 'CHG0000003',
    });
    await waitFor(server, created.body.id, ['succeeded']);
    expect(repo.git(['log', '-1', '--format=%B', 'main'])).toContain(
      'Change-Ticket: CHG0000003',
    );
  });

  it('holds a request whose ticket the change service does not approve', async () => {
    const server = await startBackend();
    const commits = commitCount();
    const created = await promote(server, { changeTicket: 'CHG0000002' });
    expect(created.status).toBe(201);

    const held = await waitFor(server, created.body.id, ['succeeded']);
    expect(held.status).toBe('gating');
    expect(held.gateRuns[0]).toMatchObject({ status: 'failed' });
    expect(held.gateRuns[0].message).toMatch(/answered 409: not approved/);
    expect(changes.asked).toContain('/changes/CHG0000002');
    expect(commitCount()).toBe(commits);
  });
});
