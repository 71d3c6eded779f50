import { Entity } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { promotionConfigSchema } from '../config/schema';
import { GateConfigError } from '../gates/GateConfigError';
import { unusedPort } from '../gates/__testUtils__/unusedPort';
import { RegistryError } from './RegistryError';
import { RegistryRequest, RegistryService } from './RegistryService';
import { startRegistry, TestRegistry } from './__testUtils__/startRegistry';

// Real registries.
jest.setTimeout(60_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: {},
};

/** A parsed promotion config with the given registries and one environment, `prod`. */
function configWith(registries: unknown[], registry?: unknown) {
  return promotionConfigSchema.parse({
    registries,
    environments: [{ name: 'prod', registry }],
    gitops: { repositories: [{ id: 'platform', url: 'file:///unused' }] },
  });
}

describe('RegistryService', () => {
  it('refuses unknown placeholders at start-up, naming every key', () => {
    const config = configWith(
      [
        {
          id: 'harbor',
          url: 'https://harbor.acme.example',
          repository: 'apps/{{ entity.name }}',
        },
      ],
      { tags: { immutable: '{{ version }}-{{ env }}' } },
    );
    const start = () => new RegistryService(config);
    let error: unknown;
    try {
      start();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GateConfigError);
    expect((error as GateConfigError).issues.map(issue => issue.key)).toEqual([
      'promotion.registries[0].repository',
      'promotion.environments[0].registry.tags.immutable',
    ]);
    expect((error as Error).message).toContain(
      "unknown placeholder '{{ env }}'",
    );
  });

  it('plans nothing for an environment without registry settings', () => {
    const config = configWith([
      { id: 'harbor', url: 'https://harbor.acme.example' },
    ]);
    const service = new RegistryService(config);
    expect(
      service.plan(
        requestFor(config, 'harbor.acme.example/acme/payments', '1.4.0'),
      ),
    ).toBeUndefined();
  });

  it('refuses to plan tags for an image no registry serves', () => {
    const config = configWith(
      [{ id: 'harbor', url: 'https://harbor.acme.example' }],
      { tags: true },
    );
    const service = new RegistryService(config);
    expect(() =>
      service.plan(requestFor(config, 'ghcr.io/acme/payments', '1.4.0')),
    ).toThrow(
      new InputError(
        "No registry in promotion.registries serves ghcr.io/acme/payments; set registry.primary on 'prod'",
      ),
    );
  });

  it('plans the primary by image host, the copies and the tags, the version from the digest when there is no tag', () => {
    const config = configWith(
      [
        {
          id: 'harbor',
          url: 'https://harbor.acme.example',
          hosts: ['registry.acme.example'],
        },
        {
          id: 'mirror',
          url: 'https://mirror.acme.example',
          repository: 'prod/{{ entity.metadata.name }}',
        },
      ],
      { tags: true, crossRegistrySync: { secondaries: ['mirror'] } },
    );
    const service = new RegistryService(config);
    const digest = `sha256:${'0f'.repeat(32)}`;
    expect(
      service.plan(
        requestFor(
          config,
          'registry.acme.example/acme/payments',
          undefined,
          digest,
        ),
      ),
    ).toEqual({
      primary: 'harbor',
      repository: 'acme/payments',
      copyTo: ['mirror'],
      tags: ['0f0f0f0f0f0f-prod', 'latest-prod'],
    });
  });

  describe('against real registries', () => {
    let primary: TestRegistry;
    let mirror: TestRegistry;
    let image: string;
    let seed = 0;

    beforeAll(async () => {
      [primary, mirror] = await Promise.all([startRegistry(), startRegistry()]);
      image = `${new URL(primary.url).host}/acme/payments`;
    });

    afterAll(async () => {
      await Promise.all([primary?.stop(), mirror?.stop()]);
    });

    /** Each test its own repository, so tags never carry over. */
    let repository: string;
    beforeEach(() => {
      seed += 1;
      repository = `acme/payments-${seed}`;
    });

    function service(registry: unknown) {
      const config = configWith(
        [
          {
            id: 'primary',
            url: primary.url,
            repository: `acme/payments-${seed}`,
          },
          {
            id: 'mirror',
            url: mirror.url,
            repository: `acme/payments-${seed}`,
          },
        ],
        registry,
      );
      return { config, registries: new RegistryService(config) };
    }

    it('resolves a tag-only pin to the digest its tag names, and refuses a tag the registry lacks', async () => {
      const digest = await primary.pushImage(repository, 'resolve', '1.4.0');
      const { config, registries } = service(undefined);
      const env = config.environments[0];
      await expect(
        registries.resolveTag(entity, env, { image, tag: '1.4.0' }),
      ).resolves.toBe(digest);
      await expect(
        registries.resolveTag(entity, env, { image, tag: '1.4.0', digest }),
      ).resolves.toBeUndefined();
      await expect(
        registries.resolveTag(entity, env, { image, tag: '9.9.9' }),
      ).rejects.toThrow(
        new InputError(
          `Tag '9.9.9' is not in registry 'primary' (${repository}); push the build before promoting it`,
        ),
      );
    });

    it('answers 503 when the registry cannot be asked for a tag', async () => {
      const port = await unusedPort();
      const config = configWith([
        { id: 'gone', url: `http://127.0.0.1:${port}` },
      ]);
      const registries = new RegistryService(config);
      const error = await registries
        .resolveTag(entity, config.environments[0], {
          image: `127.0.0.1:${port}/acme/payments`,
          tag: '1.4.0',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toMatch(
        /^Could not resolve .*:1\.4\.0 to a digest: .*; nothing was written$/,
      );
    });

    it('writes the tags in every registry once, then finds them unchanged', async () => {
      const digest = await primary.pushImage(repository, 'tags', '1.4.0');
      const { config, registries } = service({
        tags: true,
        crossRegistrySync: { secondaries: ['mirror'] },
      });
      const request = requestFor(config, image, '1.4.0', digest);
      await registries.prepare(request);

      expect(await registries.writeTags(request, digest)).toEqual({
        written: [
          `primary/${repository}:1.4.0-prod`,
          `primary/${repository}:latest-prod`,
          `mirror/${repository}:1.4.0-prod`,
          `mirror/${repository}:latest-prod`,
        ],
        unchanged: [],
        refused: [],
      });
      expect(
        await registries
          .client('mirror')!
          .manifestDigest(repository, 'latest-prod'),
      ).toBe(digest);
      expect(
        (await registries.writeTags(request, digest))?.unchanged,
      ).toHaveLength(4);
    });

    it('moves the mutable tag but never an immutable one that points elsewhere', async () => {
      const earlier = await primary.pushImage(
        repository,
        'earlier',
        '1.4.0-prod',
      );
      const digest = await primary.pushImage(repository, 'later', '1.4.0');
      await primary.pushImage(repository, 'earlier-latest', 'latest-prod');
      const { config, registries } = service({ tags: true });
      const request = requestFor(config, image, '1.4.0', digest);

      // Before the change lands, the request is refused…
      await expect(registries.prepare(request)).rejects.toThrow(
        new RegistryError(
          `Tag '1.4.0-prod' in primary (${repository}) points at ${earlier}, not ${digest}; immutable tags are never moved`,
        ),
      );
      // …and should it have landed anyway (a tag pushed in between), the refusal is reported, not thrown.
      expect(await registries.writeTags(request, digest)).toEqual({
        written: [`primary/${repository}:latest-prod`],
        unchanged: [],
        refused: [
          `primary/${repository}:1.4.0-prod points at ${earlier}, not ${digest}; immutable tags are never moved`,
        ],
      });
      expect(
        await registries
          .client('primary')!
          .manifestDigest(repository, '1.4.0-prod'),
      ).toBe(earlier);
    });

    it('reports a registry that lacks the build or cannot be reached, and still tags the others', async () => {
      const digest = await primary.pushImage(repository, 'lacking', '1.4.0');
      const { config, registries } = service({
        tags: { mutable: false },
        crossRegistrySync: { secondaries: ['mirror'] },
      });
      // Never prepared: the mirror has no copy.
      const outcome = await registries.writeTags(
        requestFor(config, image, '1.4.0', digest),
        digest,
      );
      expect(outcome).toEqual({
        written: [`primary/${repository}:1.4.0-prod`],
        unchanged: [],
        refused: [`${digest} is not in mirror (${repository})`],
      });

      const port = await unusedPort();
      const gone = configWith(
        [{ id: 'gone', url: `http://127.0.0.1:${port}` }],
        { tags: true },
      );
      const unreachable = await new RegistryService(gone).writeTags(
        requestFor(gone, `127.0.0.1:${port}/acme/payments`, '1.4.0', digest),
        digest,
      );
      expect(unreachable?.written).toEqual([]);
      expect(unreachable?.refused).toHaveLength(1);
    });

    it('refuses a tag-only pin whose tag was moved after the request was made', async () => {
      const requested = await primary.pushImage(
        repository,
        'requested',
        '1.4.0',
      );
      const { config, registries } = service({ tags: true });
      await primary.pushImage(repository, 'moved', '1.4.0');
      const request = {
        ...requestFor(config, image, '1.4.0'),
        resolvedDigest: requested,
      };
      await expect(registries.prepare(request)).rejects.toThrow(
        /^Tag '1\.4\.0' names sha256:\w+ in primary now, not sha256:\w+ as when it was requested/,
      );
    });
  });
});

function requestFor(
  config: ReturnType<typeof configWith>,
  image: string,
  tag?: string,
  digest?: string,
): RegistryRequest {
  return {
    entity,
    environment: config.environments[0],
    artifact: { image, tag, digest },
    kind: 'promotion',
  };
}
