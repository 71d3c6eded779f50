import { promotionConfigSchema } from '../config/schema';
import { RegistryService } from '../registry';
import {
  REGISTRY_PASSWORD,
  REGISTRY_USER,
} from '../registry/__testUtils__/registryTokenService';
import { createRegistryGateFactory, registryGateFactory } from './RegistryGate';
import { digestOf, gateConfig, gateContext } from './__testUtils__/gateContext';
import {
  startRegistry,
  TestRegistry,
} from '../registry/__testUtils__/startRegistry';
import { unusedPort } from './__testUtils__/unusedPort';

// A real registry process; starting it takes a moment on a busy machine.
jest.setTimeout(60_000);

const registryGate = (registries: object[]) =>
  registryGateFactory.create({
    config: gateConfig({ type: 'registry', registries: registries as any }),
    environment: 'prod',
  });

const artifactIn = (
  registry: TestRegistry,
  repository: string,
  digest: string,
) =>
  gateContext({
    artifact: {
      image: `${new URL(registry.url).host}/${repository}`,
      tag: '1.2.3',
      digest,
    },
  });

describe('RegistryGate against a real registry', () => {
  let open: TestRegistry;
  let other: TestRegistry;
  let pushed: string;

  beforeAll(async () => {
    [open, other] = await Promise.all([startRegistry(), startRegistry()]);
    pushed = await open.pushImage('acme/payments', 'one');
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), other?.stop()]);
  });

  it('passes when the registry holds the digest', async () => {
    const gate = registryGate([{ url: open.url }]);
    const result = await gate.evaluate(
      artifactIn(open, 'acme/payments', pushed),
    );
    expect(result).toMatchObject({ status: 'passed' });
    expect(result.message).toContain(open.url);
  });

  it('fails naming the registry when the digest is not there', async () => {
    const gate = registryGate([{ url: open.url }]);
    const result = await gate.evaluate(
      artifactIn(open, 'acme/payments', digestOf('f')),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toBe(
      `${digestOf('f')} is not in ${open.url} (acme/payments)`,
    );
  });

  it('passes only when every registry holds it', async () => {
    const gate = registryGate([{ url: open.url }, { url: other.url }]);
    const context = artifactIn(open, 'acme/payments', pushed);
    const missing = await gate.evaluate(context);
    expect(missing.status).toBe('failed');
    expect(missing.message).toContain(other.url);
    expect(missing.message).not.toContain(open.url);

    const copied = await other.pushImage('acme/payments', 'one');
    expect(copied).toBe(pushed);
    expect(await gate.evaluate(context)).toMatchObject({ status: 'passed' });
  });

  it('derives the repository from the image by dropping its registry host', async () => {
    const gate = registryGate([{ url: open.url }]);
    const context = gateContext({
      artifact: { image: 'ghcr.io/acme/payments', digest: pushed },
    });
    expect(await gate.evaluate(context)).toMatchObject({ status: 'passed' });
  });

  it('uses a repository template when the mirror names it differently', async () => {
    const mirrored = await open.pushImage('mirror/prod/payments', 'mirrored');
    const gate = registryGate([
      {
        url: open.url,
        repository: 'mirror/{{ environment }}/{{ entity.metadata.name }}',
      },
    ]);
    const context = gateContext({
      artifact: { image: 'ghcr.io/acme/payments', digest: mirrored },
    });
    expect(await gate.evaluate(context)).toMatchObject({ status: 'passed' });
    // The same digest is not looked up under the default name.
    expect(
      await registryGate([{ url: open.url }]).evaluate(context),
    ).toMatchObject({ status: 'failed' });
  });

  it('fails without a digest, as a tag can be moved', async () => {
    const gate = registryGate([{ url: open.url }]);
    const result = await gate.evaluate(
      gateContext({
        artifact: { image: 'ghcr.io/acme/payments', tag: '1.2.3' },
      }),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^The registry gate needs a digest/);
  });

  it('fails with the reason when the registry cannot be reached', async () => {
    const nowhere = `http://127.0.0.1:${await unusedPort()}`;
    const gate = registryGate([{ url: open.url }, { url: nowhere }]);
    const result = await gate.evaluate(
      artifactIn(open, 'acme/payments', pushed),
    );
    expect(result.status).toBe('failed');
    expect(result.message).toBe(`Could not reach ${nowhere}: ECONNREFUSED`);
  });
});

describe('RegistryGate against a registry that demands bearer tokens', () => {
  let registry: TestRegistry;
  let pushed: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
    pushed = await registry.pushImage('acme/payments', 'private');
  });

  afterAll(async () => {
    await registry?.stop();
  });

  beforeEach(() => {
    registry.tokenRequests.length = 0;
  });

  it('refuses anonymous requests, so the gate must authenticate', async () => {
    const response = await fetch(
      `${registry.url}/v2/acme/payments/manifests/${pushed}`,
      { method: 'HEAD' },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  });

  it('follows the challenge to an anonymous token and retries', async () => {
    const gate = registryGate([{ url: registry.url }]);
    const result = await gate.evaluate(
      artifactIn(registry, 'acme/payments', pushed),
    );
    expect(result).toMatchObject({ status: 'passed' });
    expect(registry.tokenRequests).toEqual([
      '?service=promotion-test-registry&scope=repository%3Aacme%2Fpayments%3Apull',
    ]);
  });

  it('tells a missing digest apart from refused access after the token', async () => {
    const gate = registryGate([{ url: registry.url }]);
    const result = await gate.evaluate(
      artifactIn(registry, 'acme/payments', digestOf('e')),
    );
    expect(result.message).toBe(
      `${digestOf('e')} is not in ${registry.url} (acme/payments)`,
    );
  });

  it('sends a configured token without asking the token service', async () => {
    const gate = registryGate([
      { url: registry.url, token: registry.mintToken!('acme/payments') },
    ]);
    const result = await gate.evaluate(
      artifactIn(registry, 'acme/payments', pushed),
    );
    expect(result).toMatchObject({ status: 'passed' });
    expect(registry.tokenRequests).toEqual([]);
  });
});

describe('registryGateFactory', () => {
  it('names the key of a bad registry URL', () => {
    expect(() => registryGate([{ url: 'registry.internal' }])).toThrow(
      /^registries\[0\]\.url: expected the registry's base URL/,
    );
  });

  it('refuses an empty list and unknown placeholders', () => {
    expect(() => registryGate([])).toThrow(
      'registries: list at least one registry',
    );
    expect(() =>
      registryGate([{ url: 'http://r', repository: '{{ artifact.name }}' }]),
    ).toThrow(
      /^registries\[0\]\.repository: unknown placeholder '\{\{ artifact\.name \}\}'/,
    );
  });
});

describe('RegistryGate on the registries of promotion.registries', () => {
  let harbor: TestRegistry;
  let mirror: TestRegistry;
  let pushed: string;
  let service: RegistryService;

  beforeAll(async () => {
    [harbor, mirror] = await Promise.all([
      startRegistry({ auth: 'htpasswd' }),
      startRegistry(),
    ]);
    pushed = await harbor.pushImage('acme/payments', 'named');
    service = new RegistryService(
      promotionConfigSchema.parse({
        registries: [
          {
            id: 'harbor',
            url: harbor.url,
            auth: { username: REGISTRY_USER, password: REGISTRY_PASSWORD },
          },
          {
            id: 'mirror',
            url: mirror.url,
            repository: 'prod/{{ entity.metadata.name }}',
          },
        ],
        environments: [{ name: 'prod' }],
        gitops: { repositories: [{ id: 'platform', url: 'file:///unused' }] },
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([harbor?.stop(), mirror?.stop()]);
  });

  const namedGate = (registries?: object[]) =>
    createRegistryGateFactory(service).create({
      config: gateConfig({ type: 'registry', registries: registries as any }),
      environment: 'prod',
    });

  it('asks a named registry with its credentials', async () => {
    const result = await namedGate([{ registry: 'harbor' }]).evaluate(
      artifactIn(harbor, 'acme/payments', pushed),
    );
    expect(result).toMatchObject({
      status: 'passed',
      message: `${pushed} is in harbor (acme/payments).`,
    });
  });

  it('names the registry that lacks the build, in its own repository', async () => {
    const result = await namedGate([
      { registry: 'harbor' },
      { registry: 'mirror' },
    ]).evaluate(artifactIn(harbor, 'acme/payments', pushed));
    expect(result).toMatchObject({
      status: 'failed',
      message: `${pushed} is not in mirror (prod/payments)`,
      details: {
        registries: [
          { registry: 'harbor', repository: 'acme/payments', found: true },
          { registry: 'mirror', repository: 'prod/payments', found: false },
        ],
      },
    });
  });

  it("without a list, asks the environment's primary: the registry serving the image's host", async () => {
    const gate = namedGate();
    expect(gate.name).toBe('registry');
    await expect(
      gate.evaluate(artifactIn(harbor, 'acme/payments', pushed)),
    ).resolves.toMatchObject({ status: 'passed' });
    await expect(
      gate.evaluate(
        gateContext({
          artifact: { image: 'ghcr.io/acme/payments', digest: pushed },
        }),
      ),
    ).resolves.toEqual({
      status: 'failed',
      message:
        "No registry in promotion.registries serves ghcr.io/acme/payments; list the registries on the gate or set registry.primary on 'prod'",
    });
  });

  it('refuses an unknown registry id at start-up', () => {
    expect(() => namedGate([{ registry: 'ecr' }])).toThrow(
      "registries[0].registry: unknown registry 'ecr'; list it in promotion.registries",
    );
  });
});
