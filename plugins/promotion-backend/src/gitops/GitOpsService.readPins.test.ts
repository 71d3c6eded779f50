import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { promotionConfigSchema } from '../config/schema';
import {
  createTestRepository,
  digestOf,
  kustomization,
  TestRepository,
} from '../__testUtils__/testRepository';
import { GitOpsService } from './GitOpsService';
import { GitObjects } from './GitObjects';

function entity(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'promotion.backstage.io/image': `ghcr.io/acme/${name}`,
        ...annotations,
      },
    },
    spec: {},
  } as Entity;
}

jest.setTimeout(120_000);

describe('GitOpsService.readPins', () => {
  let repo: TestRepository;
  let cacheDir: string;
  let service: GitOpsService;

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-pins-'));
    const files: Record<string, string> = {};
    for (const name of ['payments', 'checkout']) {
      for (const [env, tag, char] of [
        ['dev', '1.1.0', 'b'],
        ['prod', '1.0.0', 'a'],
      ]) {
        files[`apps/${name}/${env}/kustomization.yaml`] = kustomization(
          `ghcr.io/acme/${name}`,
          `${tag}-${name}`,
          digestOf(char),
        );
      }
    }
    files['apps/outside/prod/kustomization.yaml'] = kustomization(
      'ghcr.io/acme/outside',
      '9.9.9',
      digestOf('9'),
    );
    repo = createTestRepository(files);
    service = new GitOpsService({
      config: promotionConfigSchema.parse({
        environments: [{ name: 'dev' }, { name: 'prod' }],
        gitops: {
          repositories: [{ id: 'platform', url: repo.url, branch: 'main' }],
          defaults: {
            path: 'apps/{{ entity.metadata.name }}/{{ environment }}/kustomization.yaml',
          },
        },
      }),
      cacheDir,
      logger: mockServices.logger.mock(),
    });
  });

  afterEach(async () => {
    await service.close();
    repo.cleanup();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  const readsOf = (...entities: Entity[]) =>
    entities.flatMap(e =>
      service.targets
        .environmentsFor(e)
        .map(environment => ({ entity: e, environment })),
    );

  it('reads what every environment of every entity pins, in the order asked', async () => {
    const pins = await service.readPins(
      readsOf(entity('payments'), entity('checkout'), entity('new')),
    );
    expect(pins).toEqual([
      {
        artifact: {
          image: 'ghcr.io/acme/payments',
          tag: '1.1.0-payments',
          digest: digestOf('b'),
        },
      },
      {
        artifact: {
          image: 'ghcr.io/acme/payments',
          tag: '1.0.0-payments',
          digest: digestOf('a'),
        },
      },
      {
        artifact: {
          image: 'ghcr.io/acme/checkout',
          tag: '1.1.0-checkout',
          digest: digestOf('b'),
        },
      },
      {
        artifact: {
          image: 'ghcr.io/acme/checkout',
          tag: '1.0.0-checkout',
          digest: digestOf('a'),
        },
      },
      // No manifests yet.
      { artifact: null },
      { artifact: null },
    ]);
  });

  it('reads each tree once, and after the branch moved only what changed', async () => {
    const read = jest.spyOn(GitObjects.prototype, 'read');
    await service.readPins(readsOf(entity('payments'), entity('checkout')));
    const names = () => read.mock.calls.map(([name]) => name);
    // The tip and its root tree's name, the root, apps/, two app folders,
    // four environment folders, four manifests.
    expect(names()).toHaveLength(2 + 1 + 1 + 2 + 4 + 4);
    expect(new Set(names()).size).toBe(names().length);

    read.mockClear();
    await service.readPins(readsOf(entity('payments'), entity('checkout')));
    // The same tip: only the tip and its root tree's name are looked up.
    expect(names()).toHaveLength(2);

    repo.commitFiles(
      {
        'apps/payments/dev/kustomization.yaml': kustomization(
          'ghcr.io/acme/payments',
          '1.2.0',
          digestOf('c'),
        ),
      },
      'CI: payments 1.2.0 to dev',
    );
    read.mockClear();
    const pins = await service.readPins(
      readsOf(entity('payments'), entity('checkout')),
    );
    expect(pins[0]).toEqual({
      artifact: {
        image: 'ghcr.io/acme/payments',
        tag: '1.2.0',
        digest: digestOf('c'),
      },
    });
    expect(pins[2]).toEqual({
      artifact: {
        image: 'ghcr.io/acme/checkout',
        tag: '1.1.0-checkout',
        digest: digestOf('b'),
      },
    });
    // The new tip and its root tree's name, the new trees down to the
    // changed file (root, apps/, payments/, dev/), and the file.
    expect(names()).toHaveLength(2 + 4 + 1);
  });

  it('answers each read that cannot be done with its reason, and the others as usual', async () => {
    repo.commitSymlink('apps/linked', 'outside');
    repo.commitFiles(
      {
        'apps/checkout/dev/kustomization.yaml': kustomization(
          'ghcr.io/acme/another',
          '1.0.0',
          digestOf('d'),
        ),
        'apps/checkout/prod/kustomization.yaml': 'images: [\n',
      },
      'Break checkout',
    );
    const pins = await service.readPins([
      ...readsOf(entity('linked'), entity('checkout')),
      {
        entity: entity('payments', {
          'promotion.backstage.io/repository': 'nowhere',
        }),
        environment: service.targets.environmentsFor(entity('payments'))[0],
      },
      ...readsOf(entity('payments')).slice(0, 1),
    ]);
    expect(pins[0]).toEqual({
      error:
        "'apps/linked' is a symbolic link; promotion paths may not pass through links",
    });
    // A manifest that names another image pins nothing of this one.
    expect(pins[2]).toEqual({ artifact: null });
    expect(pins[3]).toEqual({ error: expect.any(String) });
    expect(pins[4]).toEqual({
      error: expect.stringContaining("unknown repository 'nowhere'"),
    });
    expect(pins[5]).toEqual({
      artifact: expect.objectContaining({ tag: '1.1.0-payments' }),
    });
  });
});
