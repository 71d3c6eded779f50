import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { GateFactory } from '@promotion-for-backstage/plugin-promotion-node';
import { AuditLog } from '../audit';
import { promotionConfigSchema } from '../config/schema';
import { KnexPromotionStore, PromotionStore } from '../database';
import { builtInGateFactories, GateRunner } from '../gates';
import { unusedPort } from '../gates/__testUtils__/unusedPort';
import { GitOpsService } from '../gitops';
import { PullRequestState } from '../gitops/providers';
import { RegistryClient, RegistryService } from '../registry';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from '../registry/__testUtils__/registryTokenService';
import {
  startRegistry,
  TestRegistry,
} from '../registry/__testUtils__/startRegistry';
import {
  createTestRepository,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { PromotionWorkflow, Requester } from './PromotionWorkflow';

// Real registries and a real git repository.
jest.setTimeout(60_000);

const ALICE: Requester = { ref: 'user:default/alice', kind: 'user' };
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A gate whose verdict the test sets, to hold a request in gating. */
let verdict: 'passed' | 'failed' = 'passed';
const scriptedGate: GateFactory = {
  type: 'scripted',
  create: () => ({
    name: 'scripted',
    evaluate: async () => ({ status: verdict, message: verdict }),
  }),
};

/** A kustomization that pins the image by tag alone. */
const tagOnly = (image: string, tag: string) =>
  [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'images:',
    `  - name: ${image}`,
    `    newTag: "${tag}"`,
    '',
  ].join('\n');

describe('PromotionWorkflow with registries', () => {
  let primary: TestRegistry;
  let mirror: TestRegistry;
  let image: string;
  let entity: Entity;
  let repo: TestRepository;
  let cacheDir: string;
  let store: PromotionStore;
  let auditLog: AuditLog;
  /** The build dev runs, pushed to the primary as 1.1.0. */
  let built: string;
  let seed = 0;
  let now: Date;
  /** What the fake SCM host says of the one pull request a test opens. */
  let prState: PullRequestState;

  beforeAll(async () => {
    [primary, mirror] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: 'token' }),
    ]);
    image = `${new URL(primary.url).host}/acme/payments`;
    entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        namespace: 'default',
        annotations: { 'promotion.backstage.io/image': image },
      },
      spec: {},
    };
  });

  afterAll(async () => {
    await Promise.all([primary?.stop(), mirror?.stop()]);
  });

  beforeEach(async () => {
    verdict = 'passed';
    now = new Date();
    prState = 'open';
    // Each test its own repository name in the registries, so tags never carry over.
    seed += 1;
    const repository = `acme/payments`;
    built = await primary.pushImage(repository, `build-${seed}`, `1.1.${seed}`);
    const old = await primary.pushImage(repository, `old-${seed}`);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-registries-'));
    repo = createTestRepository({
      'apps/payments/dev/kustomization.yaml': kustomization(
        image,
        `1.1.${seed}`,
        built,
      ),
      'apps/payments/staging/kustomization.yaml': kustomization(
        image,
        '1.0.0',
        old,
      ),
      'apps/payments/tagdev/kustomization.yaml': tagOnly(image, `1.1.${seed}`),
      'apps/payments/tagstaging/kustomization.yaml': tagOnly(image, '1.0.0'),
    });
    const knex = await databases.init('SQLITE_3');
    store = await KnexPromotionStore.create({
      database: { getClient: async () => knex },
    });
    auditLog = new AuditLog(knex);
  });

  afterEach(() => {
    repo.cleanup();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  /** `mirror` names the build `prod-mirror/<entity name>` and is reached with the account. */
  function workflow(environments: unknown[], registries?: unknown[]) {
    const config = promotionConfigSchema.parse({
      environments,
      registries: registries ?? [
        { id: 'primary', url: primary.url },
        {
          id: 'mirror',
          url: mirror.url,
          repository: 'prod-mirror/{{ entity.metadata.name }}',
          auth: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
        },
      ],
      gitops: {
        repositories: [{ id: 'platform', url: repo.url }],
        defaults: {
          path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
        },
      },
    });
    const logger = mockServices.logger.mock();
    const registryService = new RegistryService(config);
    return new PromotionWorkflow({
      config,
      store,
      gitops: new GitOpsService({
        config,
        cacheDir,
        logger,
        pullRequests: {
          forRepository: () => ({
            open: async () => ({
              provider: 'github',
              number: 8,
              url: 'https://github.com/acme/gitops/pull/8',
            }),
            getState: async () => prState,
            merge: async () => {
              throw new Error('merged by people in these tests');
            },
            close: async () => {
              prState = 'closed';
            },
          }),
        },
      }),
      gates: new GateRunner([
        ...builtInGateFactories(registryService),
        scriptedGate,
      ]),
      logger,
      loadEntity: async () => entity,
      instanceId: 'test-replica',
      appBaseUrl: 'http://backstage.test',
      registries: registryService,
      permissionsEnabled: true,
      now: () => now,
    });
  }

  const synced = {
    name: 'staging',
    registry: { tags: true, crossRegistrySync: { secondaries: ['mirror'] } },
  };
  const commits = () =>
    Number(repo.git(['rev-list', '--count', 'main']).trim());
  const mirrorClient = () =>
    new RegistryClient(mirror.url, 'mirror', {
      username: REGISTRY_USER,
      password: REGISTRY_PASSWORD,
    });
  const primaryClient = () => new RegistryClient(primary.url, 'primary');

  async function promote(flow: PromotionWorkflow, target = 'staging') {
    const resolved = await flow.resolve(
      entity,
      { entityRef: 'component:default/payments', targetEnvironment: target },
      'user',
    );
    const promotion = await flow.request(entity, resolved, ALICE);
    await flow.settle();
    return (await flow.getPromotion(promotion.id))!;
  }

  const actions = async (promotionId: string) =>
    (await auditLog.list({ promotionId })).items.map(record => record.action);

  it('copies the build to the mirror before the commit, then writes the environment tags in both', async () => {
    const flow = workflow([
      { name: 'dev' },
      { ...synced, gates: [{ type: 'registry' }] },
    ]);
    const resolved = await flow.resolve(
      entity,
      { entityRef: 'component:default/payments', targetEnvironment: 'staging' },
      'user',
    );
    const plan = await flow.plan(entity, resolved);
    expect(plan.registry).toEqual({
      primary: 'primary',
      repository: 'acme/payments',
      copyTo: ['mirror'],
      tags: [`1.1.${seed}-staging`, 'latest-staging'],
    });
    // The dry run copies and tags nothing.
    expect(
      await mirrorClient().manifestDigest('prod-mirror/payments', built),
    ).toBeUndefined();

    const promotion = await promote(flow);
    expect(promotion.status).toBe('succeeded');
    // The registry gate, without a list, asked the primary.
    expect(promotion.gateRuns).toEqual([
      expect.objectContaining({ gate: 'registry', status: 'passed' }),
    ]);
    expect(
      await mirrorClient().manifestDigest('prod-mirror/payments', built),
    ).toBe(built);
    for (const tag of [`1.1.${seed}-staging`, 'latest-staging']) {
      expect(await primaryClient().manifestDigest('acme/payments', tag)).toBe(
        built,
      );
      expect(
        await mirrorClient().manifestDigest('prod-mirror/payments', tag),
      ).toBe(built);
    }
    expect(await actions(promotion.id)).toEqual([
      'promotion.requested',
      'promotion.gates-evaluated',
      'promotion.approved',
      'promotion.executing',
      'promotion.executed',
      'promotion.registry-tagged',
    ]);
    const [executed] = (
      await auditLog.list({
        promotionId: promotion.id,
        action: 'promotion.executed',
      })
    ).items;
    expect(executed.details).toMatchObject({
      registry: {
        digest: built,
        copies: [
          {
            registry: 'mirror',
            repository: 'prod-mirror/payments',
            manifests: 1,
            blobs: 2,
          },
        ],
      },
    });
    const [tagged] = (
      await auditLog.list({
        promotionId: promotion.id,
        action: 'promotion.registry-tagged',
      })
    ).items;
    expect(tagged.details).toMatchObject({
      written: [
        `primary/acme/payments:1.1.${seed}-staging`,
        'primary/acme/payments:latest-staging',
        `mirror/prod-mirror/payments:1.1.${seed}-staging`,
        'mirror/prod-mirror/payments:latest-staging',
      ],
      refused: [],
    });
  });

  it('copies before opening the pull request and writes the environment tags only once it is merged', async () => {
    const flow = workflow([
      { name: 'dev' },
      { ...synced, delivery: 'pull-request' },
    ]);
    const waiting = await promote(flow);
    expect(waiting.status).toBe('awaiting-merge');
    // The build is in the mirror before anyone can merge the change that names it.
    expect(
      await mirrorClient().manifestDigest('prod-mirror/payments', built),
    ).toBe(built);
    // Not landed yet: no environment tag says the build runs in staging.
    expect(
      await primaryClient().manifestDigest('acme/payments', 'latest-staging'),
    ).not.toBe(built);
    expect(
      await mirrorClient().manifestDigest(
        'prod-mirror/payments',
        `1.1.${seed}-staging`,
      ),
    ).toBeUndefined();

    prState = 'merged';
    now = new Date(now.getTime() + 2 * 60_000);
    await flow.runDue();
    expect((await flow.getPromotion(waiting.id))!.status).toBe('succeeded');
    for (const tag of [`1.1.${seed}-staging`, 'latest-staging']) {
      expect(await primaryClient().manifestDigest('acme/payments', tag)).toBe(
        built,
      );
      expect(
        await mirrorClient().manifestDigest('prod-mirror/payments', tag),
      ).toBe(built);
    }
    expect((await actions(waiting.id)).slice(-3)).toEqual([
      'promotion.awaiting-merge',
      'promotion.executed',
      'promotion.registry-tagged',
    ]);
    const [awaiting] = (
      await auditLog.list({
        promotionId: waiting.id,
        action: 'promotion.awaiting-merge',
      })
    ).items;
    expect(awaiting.details).toMatchObject({
      registry: {
        digest: built,
        copies: [{ registry: 'mirror', manifests: 1 }],
      },
    });
  });

  it('writes no environment tag when the pull request is closed without merging', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', registry: { tags: true }, delivery: 'pull-request' },
    ]);
    const waiting = await promote(flow);
    expect(waiting.status).toBe('awaiting-merge');
    prState = 'closed';
    now = new Date(now.getTime() + 2 * 60_000);
    await flow.runDue();
    expect((await flow.getPromotion(waiting.id))!.status).toBe('failed');
    expect(
      await primaryClient().manifestDigest(
        'acme/payments',
        `1.1.${seed}-staging`,
      ),
    ).toBeUndefined();
    expect(await actions(waiting.id)).not.toContain(
      'promotion.registry-tagged',
    );
  });

  it('tags a rollback as one: <version>-<env>-rollback, and moves latest-<env> back', async () => {
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', registry: { tags: true } },
    ]);
    expect((await promote(flow)).status).toBe('succeeded');
    expect(
      await primaryClient().manifestDigest('acme/payments', 'latest-staging'),
    ).toBe(built);
    const old = (await flow.getHistory(entity, 'staging')).versions[1].artifact
      .digest!;

    const resolved = await flow.resolveRollback(entity, {
      entityRef: 'component:default/payments',
      environment: 'staging',
    });
    expect((await flow.planRollback(entity, resolved)).registry?.tags).toEqual([
      '1.0.0-staging-rollback',
      'latest-staging',
    ]);
    const rollback = await flow.requestRollback(
      entity,
      resolved,
      ALICE,
      'the new build breaks checkout',
    );
    await flow.settle();
    expect((await flow.getPromotion(rollback.id))!.status).toBe('succeeded');
    expect(
      await primaryClient().manifestDigest(
        'acme/payments',
        '1.0.0-staging-rollback',
      ),
    ).toBe(old);
    expect(
      await primaryClient().manifestDigest('acme/payments', 'latest-staging'),
    ).toBe(old);
    // The promotion's immutable tag stays where it was.
    expect(
      await primaryClient().manifestDigest(
        'acme/payments',
        `1.1.${seed}-staging`,
      ),
    ).toBe(built);
  });

  it('fails before any commit when a blob of the build is missing, naming it', async () => {
    const manifest = JSON.parse(
      (await primaryClient().getManifest(
        'acme/payments',
        built,
      ))!.bytes.toString(),
    );
    await primary.deleteBlob('acme/payments', manifest.layers[0].digest);
    const flow = workflow([{ name: 'dev' }, synced]);
    const promotion = await promote(flow);
    expect(promotion.status).toBe('failed');
    expect(promotion.error).toBe(
      `Blob ${manifest.layers[0].digest} of ${built} is missing in primary (acme/payments); the image cannot be copied to mirror`,
    );
    expect(commits()).toBe(1);
    expect(
      await mirrorClient().manifestDigest('prod-mirror/payments', built),
    ).toBeUndefined();
    expect(
      await primaryClient().manifestDigest('acme/payments', 'latest-staging'),
    ).not.toBe(built);
    expect((await actions(promotion.id)).slice(-1)).toEqual([
      'promotion.failed',
    ]);
  });

  it('never moves an immutable tag: a build already tagged for the environment elsewhere fails before the commit', async () => {
    const other = await primary.pushImage(
      'acme/payments',
      `other-${seed}`,
      `1.1.${seed}-staging`,
    );
    const flow = workflow([
      { name: 'dev' },
      { name: 'staging', registry: { tags: true } },
    ]);
    const promotion = await promote(flow);
    expect(promotion.status).toBe('failed');
    expect(promotion.error).toBe(
      `Tag '1.1.${seed}-staging' in primary (acme/payments) points at ${other}, not ${built}; immutable tags are never moved`,
    );
    expect(commits()).toBe(1);
    expect(
      await primaryClient().manifestDigest(
        'acme/payments',
        `1.1.${seed}-staging`,
      ),
    ).toBe(other);
  });

  it('resolves a tag-only pin to its digest and records it in the request, the audit log and the commit', async () => {
    const flow = workflow([{ name: 'tagdev' }, { name: 'tagstaging' }]);
    const promotion = await promote(flow, 'tagstaging');
    expect(promotion).toMatchObject({
      status: 'succeeded',
      artifact: { tag: `1.1.${seed}` },
      resolvedDigest: built,
    });
    expect(promotion.artifact.digest).toBeUndefined();
    const [requested] = (
      await auditLog.list({
        promotionId: promotion.id,
        action: 'promotion.requested',
      })
    ).items;
    expect(requested.details).toMatchObject({ resolvedDigest: built });
    const message = repo.git(['log', '-1', '--format=%B', 'main']);
    expect(message).toContain(`Artifact-Digest: ${built}`);
    // The manifest still pins the tag alone: only its bytes changed.
    expect(repo.readFile('apps/payments/tagstaging/kustomization.yaml')).toBe(
      tagOnly(image, `1.1.${seed}`),
    );
  });

  it('binds an approval of a tag-only pin to the digest its tag named, and audits that digest', async () => {
    const flow = workflow([
      { name: 'tagdev' },
      { name: 'tagstaging', approval: { required: 1 } },
    ]);
    const waiting = await promote(flow, 'tagstaging');
    expect(waiting).toMatchObject({
      status: 'awaiting-approval',
      resolvedDigest: built,
    });
    const other = await primary.pushImage('acme/payments', `other-${seed}`);
    await expect(
      flow.decide(waiting.id, 'user:default/morgan', {
        decision: 'approve',
        digest: other,
      }),
    ).rejects.toThrow('the decision was made on another digest');
    await flow.decide(waiting.id, 'user:default/morgan', {
      decision: 'approve',
      digest: built,
    });
    await flow.settle();
    expect((await flow.getPromotion(waiting.id))!.status).toBe('succeeded');
    const [approval] = (
      await auditLog.list({
        promotionId: waiting.id,
        action: 'promotion.approval-given',
      })
    ).items;
    expect(approval).toMatchObject({
      actor: 'user:default/morgan',
      details: { digest: built },
    });
  });

  it('refuses to execute a tag-only pin whose tag was moved after the request', async () => {
    verdict = 'failed';
    const flow = workflow([
      { name: 'tagdev' },
      { name: 'tagstaging', gates: [{ type: 'scripted' }] },
    ]);
    const waiting = await promote(flow, 'tagstaging');
    expect(waiting).toMatchObject({ status: 'gating', resolvedDigest: built });
    const moved = await primary.pushImage(
      'acme/payments',
      `moved-${seed}`,
      `1.1.${seed}`,
    );
    verdict = 'passed';
    await flow.rerunGates(waiting.id, entity, ALICE.ref);
    await flow.settle();
    const promotion = (await flow.getPromotion(waiting.id))!;
    expect(promotion.status).toBe('failed');
    expect(promotion.error).toBe(
      `Tag '1.1.${seed}' names ${moved} in primary now, not ${built} as when it was requested; request the promotion again`,
    );
    expect(commits()).toBe(1);
  });

  it('refuses a tag-only pin whose tag the registry lacks, writing nothing', async () => {
    repo.commitFiles(
      { 'apps/payments/tagdev/kustomization.yaml': tagOnly(image, '7.7.7') },
      'CI wrote a build',
    );
    const flow = workflow([{ name: 'tagdev' }, { name: 'tagstaging' }]);
    const error = await flow
      .resolve(
        entity,
        {
          entityRef: 'component:default/payments',
          targetEnvironment: 'tagstaging',
        },
        'user',
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "Tag '7.7.7' is not in registry 'primary' (acme/payments); push the build before promoting it",
    );
    expect((await auditLog.list({})).items).toEqual([]);
  });

  it('refuses for now, with the reason, when the registry cannot be asked', async () => {
    const nowhere = `http://127.0.0.1:${await unusedPort()}`;
    const flow = workflow(
      [
        { name: 'tagdev' },
        { name: 'tagstaging', registry: { primary: 'down' } },
      ],
      [{ id: 'down', url: nowhere }],
    );
    const error = await flow
      .resolve(
        entity,
        {
          entityRef: 'component:default/payments',
          targetEnvironment: 'tagstaging',
        },
        'user',
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Could not resolve ${image}:1.1.${seed} to a digest: Could not reach down: ECONNREFUSED; nothing was written`,
    );
  });
});
