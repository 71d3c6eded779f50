import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonObject,
} from '@backstage/types';
import { parse } from 'yaml';
import { builtInGateFactories, GateRunner } from '../gates';
import { RegistryService } from '../registry';
import { readPromotionConfig } from './readPromotionConfig';

const minimal = (): JsonObject => ({
  environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
  gitops: {
    repositories: [{ id: 'platform', url: 'https://github.com/acme/gitops' }],
  },
});

const read = (promotion: JsonObject) =>
  readPromotionConfig(new ConfigReader({ promotion }));

/** The error message for an invalid `promotion` block. */
const errorFor = (promotion: JsonObject) => {
  try {
    read(promotion);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected readPromotionConfig to throw');
};

describe('readPromotionConfig', () => {
  it('applies the defaults to a minimal config', () => {
    const config = read(minimal());
    // other keys get defaults too; these are the ones the GitOps engine relies on
    expect(config.environments.map(env => [env.name, env.delivery])).toEqual([
      ['dev', 'commit'],
      ['staging', 'commit'],
      ['prod', 'commit'],
    ]);
    expect(config.environments[0].repository).toBeUndefined();
    expect(config.environments[0].path).toBeUndefined();
    expect(config.gitops).toEqual({
      repositories: [
        {
          id: 'platform',
          url: 'https://github.com/acme/gitops',
          branch: 'main',
        },
      ],
      defaults: {
        path: 'apps/{{ entity.metadata.name }}/overlays/{{ environment }}/kustomization.yaml',
        format: 'kustomize',
      },
      author: {
        name: 'Backstage Promotion',
        email: 'promotion@backstage.local',
      },
    });
    expect(config.maxReadAge).toEqual({ seconds: 5 });
  });

  it('reads maxReadAge as a duration, and refuses zero naming the key', () => {
    const config = minimal();
    config.maxReadAge = '30s';
    expect(durationToMilliseconds(read(config).maxReadAge)).toBe(30_000);
    config.maxReadAge = '0s';
    expect(errorFor(config)).toContain(
      'promotion.maxReadAge: must be longer than zero',
    );
  });

  it('keeps what is configured, including environment settings read elsewhere', () => {
    const config = read({
      environments: [
        { name: 'dev' },
        {
          name: 'prod',
          repository: 'prod-gitops',
          path: [
            'apps/{{ entity.metadata.name }}/prod-eu.yaml',
            'apps/{{ entity.metadata.name }}/prod-us.yaml',
          ],
          delivery: 'pull-request',
          approval: { required: 2 },
          gates: [{ type: 'source-match' }],
        },
      ],
      gitops: {
        repositories: [
          { id: 'platform', url: '/srv/git/platform', branch: 'trunk' },
          { id: 'prod-gitops', url: 'https://gitlab.acme.dev/prod/gitops.git' },
        ],
        defaults: {
          repository: 'platform',
          path: 'charts/{{ entity.metadata.name }}/values-{{ environment }}.yaml',
          format: 'helm-values',
        },
        author: { name: 'Release Bot' },
      },
    });
    expect(config.environments[1]).toMatchObject({
      name: 'prod',
      repository: 'prod-gitops',
      path: [
        'apps/{{ entity.metadata.name }}/prod-eu.yaml',
        'apps/{{ entity.metadata.name }}/prod-us.yaml',
      ],
      delivery: 'pull-request',
      approval: { required: 2 },
      gates: [{ type: 'source-match' }],
    });
    expect(config.gitops.repositories.map(r => r.branch)).toEqual([
      'trunk',
      'main',
    ]);
    expect(config.gitops.defaults).toEqual({
      repository: 'platform',
      path: 'charts/{{ entity.metadata.name }}/values-{{ environment }}.yaml',
      format: 'helm-values',
    });
    expect(config.gitops.author).toEqual({
      name: 'Release Bot',
      email: 'promotion@backstage.local',
    });
  });

  it('refuses a missing promotion block', () => {
    expect(() =>
      readPromotionConfig(new ConfigReader({ app: { title: 'x' } })),
    ).toThrow(
      "Missing 'promotion' config: list at least promotion.environments and promotion.gitops.repositories",
    );
  });

  it('names the environment whose name is not a slug', () => {
    const config = minimal();
    config.environments = [{ name: 'dev' }, { name: 'Prod EU' }];
    expect(errorFor(config)).toBe(
      'Invalid promotion config: promotion.environments[1].name: must be a slug of lowercase letters, digits and dashes',
    );
  });

  it('names a duplicate environment', () => {
    const config = minimal();
    config.environments = [{ name: 'dev' }, { name: 'prod' }, { name: 'dev' }];
    expect(errorFor(config)).toBe(
      "Invalid promotion config: promotion.environments[2].name: duplicate environment 'dev'",
    );
  });

  it('reads the production environment of DORA metrics, which must be in the pipeline', () => {
    expect(read(minimal()).metrics).toEqual({});
    expect(
      read({ ...minimal(), metrics: { productionEnvironment: 'staging' } })
        .metrics,
    ).toEqual({ productionEnvironment: 'staging' });
    expect(
      errorFor({ ...minimal(), metrics: { productionEnvironment: 'live' } }),
    ).toBe(
      "Invalid promotion config: promotion.metrics.productionEnvironment: 'live' is not an environment of the pipeline: name one of dev, staging, prod",
    );
  });

  it('names an unknown repository in gitops.defaults.repository', () => {
    expect(
      errorFor({
        ...minimal(),
        gitops: {
          ...(minimal().gitops as JsonObject),
          defaults: { repository: 'gitops' },
        },
      }),
    ).toBe(
      "Invalid promotion config: promotion.gitops.defaults.repository: unknown repository 'gitops'; known: platform",
    );
  });

  it('names an unknown repository in an environment', () => {
    const config = minimal();
    config.environments = [
      { name: 'dev' },
      { name: 'prod', repository: 'prod-gitops' },
    ];
    expect(errorFor(config)).toBe(
      "Invalid promotion config: promotion.environments[1].repository: unknown repository 'prod-gitops'; known: platform",
    );
  });

  it('names every problem at once', () => {
    const message = errorFor({
      environments: [{ name: 'dev', delivery: 'email' }],
      gitops: {
        repositories: [{ id: 'platform', url: '' }],
        defaults: { format: 'jsonnet' },
      },
    });
    expect(message).toMatch(/^Invalid promotion config: /);
    expect(message).toContain('promotion.environments[0].delivery: ');
    expect(message).toContain('promotion.gitops.repositories[0].url: ');
    expect(message).toContain('promotion.gitops.defaults.format: ');
  });

  it.each<[string, JsonObject, string]>([
    [
      'no environments',
      { ...minimal(), environments: [] },
      'promotion.environments: must list at least one environment',
    ],
    [
      'no repositories',
      { ...minimal(), gitops: { repositories: [] } },
      'promotion.gitops.repositories: ',
    ],
    [
      'no gitops block',
      { environments: [{ name: 'dev' }] },
      'promotion.gitops: ',
    ],
    [
      'a repository id that is not a slug',
      {
        ...minimal(),
        gitops: { repositories: [{ id: 'Plat form', url: 'x' }] },
      },
      'promotion.gitops.repositories[0].id: must be a slug',
    ],
    [
      'an empty path list',
      { ...minimal(), environments: [{ name: 'dev', path: [] }] },
      'promotion.environments[0].path: ',
    ],
    [
      'a change ticket pattern that is not a regular expression',
      {
        ...minimal(),
        environments: [{ name: 'prod', changeTicket: { pattern: 'CHG[0-9' } }],
      },
      'promotion.environments[0].changeTicket.pattern: not a regular expression',
    ],
    [
      'a change ticket page with an unknown placeholder',
      {
        ...minimal(),
        environments: [
          {
            name: 'prod',
            changeTicket: { url: 'https://itsm.internal/{{ ticket.id }}' },
          },
        ],
      },
      "promotion.environments[0].changeTicket.url: unknown placeholder '{{ ticket.id }}'; use {{ ticket }}",
    ],
    [
      'a required change ticket on an environment promoted automatically',
      {
        ...minimal(),
        environments: [
          { name: 'dev' },
          {
            name: 'staging',
            autoPromote: true,
            changeTicket: { required: true },
          },
        ],
      },
      'promotion.environments[1].changeTicket.required: automatic promotion names no change ticket',
    ],
  ])('refuses %s, naming the key', (_, promotion, expected) => {
    expect(errorFor(promotion)).toContain(
      `Invalid promotion config: ${expected}`,
    );
  });

  describe('unknown keys', () => {
    it.each<[string, (config: JsonObject) => void, string]>([
      [
        'a top-level key',
        config => {
          config.denyTag = ['latest'];
        },
        "promotion.denyTag: unknown key; did you mean 'denyTags'?",
      ],
      [
        'an environment key',
        config => {
          config.environments = [
            { name: 'dev' },
            { name: 'staging' },
            { name: 'prod', aproval: { required: 2 } },
          ];
        },
        "promotion.environments[2].aproval: unknown key; did you mean 'approval'?",
      ],
      [
        'an approval key',
        config => {
          config.environments = [
            { name: 'dev' },
            { name: 'prod', approval: { requierd: 2 } },
          ];
        },
        "promotion.environments[1].approval.requierd: unknown key; did you mean 'required'?",
      ],
      [
        'a gitops key',
        config => {
          (config.gitops as JsonObject).defualts = { format: 'yaml' };
        },
        "promotion.gitops.defualts: unknown key; did you mean 'defaults'?",
      ],
      [
        'a repository key',
        config => {
          (config.gitops as JsonObject).repositories = [
            {
              id: 'platform',
              url: 'https://github.com/acme/gitops',
              brnach: 'trunk',
            },
          ];
        },
        "promotion.gitops.repositories[0].brnach: unknown key; did you mean 'branch'?",
      ],
      [
        'a gitops.defaults key',
        config => {
          (config.gitops as JsonObject).defaults = { Format: 'yaml' };
        },
        "promotion.gitops.defaults.Format: unknown key; did you mean 'format'?",
      ],
      [
        'a gitops.author key',
        config => {
          (config.gitops as JsonObject).author = { mail: 'bot@acme.example' };
        },
        "promotion.gitops.author.mail: unknown key; did you mean 'email'?",
      ],
      [
        'a ci key',
        config => {
          config.ci = { subject: ['external:ci'] };
        },
        "promotion.ci.subject: unknown key; did you mean 'subjects'?",
      ],
      [
        'a rollback key',
        config => {
          config.environments = [
            { name: 'dev' },
            { name: 'prod', rollback: { requireApprovals: false } },
          ];
        },
        "promotion.environments[1].rollback.requireApprovals: unknown key; did you mean 'requireApproval'?",
      ],
      [
        'a key like no setting',
        config => {
          config.environments = [{ name: 'dev', owner: 'team-a' }];
        },
        'promotion.environments[0].owner: unknown key; the settings here are name, repository, path, delivery, merge, autoPromote, acceptsFrom, acceptsCi, gates, windows, approval, changeTicket, rollback, registry, deployment',
      ],
    ])('refuses %s, naming it', (_, change, expected) => {
      const config = minimal();
      change(config);
      expect(errorFor(config)).toBe(`Invalid promotion config: ${expected}`);
    });

    it('names every unknown key alongside the other problems', () => {
      const message = errorFor({
        ...minimal(),
        environments: [
          { name: 'dev', delivery: 'email', aproval: {}, gatess: [] },
        ],
      });
      expect(message).toContain('promotion.environments[0].delivery: ');
      expect(message).toContain(
        "promotion.environments[0].aproval: unknown key; did you mean 'approval'?",
      );
      expect(message).toContain(
        "promotion.environments[0].gatess: unknown key; did you mean 'gates'?",
      );
    });

    it('leaves gate blocks and windows to their own readers', () => {
      // Gate types from other modules have settings of their own; the gate
      // runner checks every block with its factory when the backend starts.
      const config = read({
        ...minimal(),
        environments: [
          {
            name: 'dev',
            gates: [{ type: 'lifecycle', allowed: ['production'] }],
            windows: [
              { allow: { from: '09:00', to: '17:00', timezone: 'UTC' } },
            ],
          },
        ],
      });
      expect(config.environments[0].gates).toEqual([
        { type: 'lifecycle', allowed: ['production'] },
      ]);
    });
  });

  describe('durations', () => {
    const withExpiry = (expiresAfter: JsonObject[string]) =>
      ({
        ...minimal(),
        environments: [
          { name: 'dev' },
          { name: 'prod', approval: { required: 1, expiresAfter } },
        ],
        requestExpiresAfter: expiresAfter,
      } as JsonObject);

    it.each<[JsonObject[string], HumanDuration]>([
      [{ hours: 72 }, { hours: 72 }],
      ['72h', { hours: 72 }],
      ['30m', { minutes: 30 }],
      ['P3D', { days: 3 }],
      ['PT1H30M', { hours: 1, minutes: 30 }],
    ])('reads %j as gate durations are read', (written, duration) => {
      const config = read(withExpiry(written));
      const ms = (d?: HumanDuration) => d && durationToMilliseconds(d);
      expect(ms(config.environments[1].approval?.expiresAfter)).toBe(
        ms(duration),
      );
      expect(ms(config.requestExpiresAfter)).toBe(ms(duration));
    });

    it('defaults requestExpiresAfter to 7 days', () => {
      expect(read(minimal()).requestExpiresAfter).toEqual({ days: 7 });
    });

    it.each<[JsonObject[string], string | RegExp]>([
      [
        'soon',
        /^expected a duration like \{ hours: 72 \}, '72h' or 'P3D'; Invalid duration 'soon'/,
      ],
      [{ hours: 0 }, 'must be longer than zero'],
      ['0s', 'must be longer than zero'],
      [{ hour: 72 }, "expected a duration like { hours: 72 }, '72h' or 'P3D'"],
      [72, "expected a duration like { hours: 72 }, '72h' or 'P3D'"],
    ])('refuses %j, naming the key', (written, expected) => {
      const config = minimal();
      config.requestExpiresAfter = written;
      const message = errorFor(config);
      const prefix =
        'Invalid promotion config: promotion.requestExpiresAfter: ';
      expect(message.startsWith(prefix)).toBe(true);
      expect(message.slice(prefix.length)).toMatch(expected);
    });
  });

  describe('registries', () => {
    const withRegistries = (
      registries: JsonObject[],
      registry?: JsonObject,
    ): JsonObject => ({
      ...minimal(),
      registries,
      environments: [{ name: 'dev' }, { name: 'prod', registry }],
    });
    const harbor = { id: 'harbor', url: 'https://harbor.acme.example' };
    const mirror = { id: 'mirror', url: 'https://mirror.acme.example' };

    it('fills in the default tags and repository template', () => {
      const config = read(
        withRegistries([harbor, mirror], {
          tags: true,
          crossRegistrySync: { secondaries: ['mirror'] },
        }),
      );
      expect(config.registries[0].repository).toBe('{{ artifact.repository }}');
      expect(config.environments[1].registry).toEqual({
        tags: {
          immutable: '{{ version }}-{{ environment }}',
          mutable: 'latest-{{ environment }}',
          rollback: '{{ version }}-{{ environment }}-rollback',
        },
        crossRegistrySync: {
          secondaries: ['mirror'],
          verification: 'digest_match',
        },
      });
    });

    it('keeps a tag switched off and an own template', () => {
      const config = read(
        withRegistries([harbor], {
          tags: {
            mutable: false,
            immutable: 'v{{ version }}-{{ environment }}',
          },
        }),
      );
      expect(config.environments[1].registry?.tags).toEqual({
        immutable: 'v{{ version }}-{{ environment }}',
        mutable: false,
        rollback: '{{ version }}-{{ environment }}-rollback',
      });
    });

    it.each<[string, JsonObject, string]>([
      [
        'a duplicate registry',
        withRegistries([harbor, { ...mirror, id: 'harbor' }]),
        "promotion.registries[1].id: duplicate registry 'harbor'",
      ],
      [
        'a URL that is not a base URL',
        withRegistries([{ ...harbor, url: 'harbor.acme.example' }]),
        "promotion.registries[0].url: expected the registry's base URL",
      ],
      [
        'a token with a username',
        withRegistries([
          { ...harbor, auth: { token: 't', username: 'u', password: 'p' } },
        ]),
        'promotion.registries[0].auth: give a token, or a username and password, not both',
      ],
      [
        'a username without a password',
        withRegistries([{ ...harbor, auth: { username: 'robot$ci' } }]),
        'promotion.registries[0].auth: give both username and password',
      ],
      [
        'an unknown primary',
        withRegistries([harbor], { primary: 'ecr' }),
        "promotion.environments[1].registry.primary: unknown registry 'ecr'; known: harbor",
      ],
      [
        'an unknown secondary, with no registries listed',
        withRegistries([], { crossRegistrySync: { secondaries: ['mirror'] } }),
        "promotion.environments[1].registry.crossRegistrySync.secondaries[0]: unknown registry 'mirror'; known: none (list them in promotion.registries)",
      ],
      [
        'the primary as its own secondary',
        withRegistries([harbor, mirror], {
          primary: 'harbor',
          crossRegistrySync: { secondaries: ['harbor'] },
        }),
        "promotion.environments[1].registry.crossRegistrySync.secondaries[0]: 'harbor' is the primary registry",
      ],
      [
        'a verification other than digest_match',
        withRegistries([harbor, mirror], {
          crossRegistrySync: { secondaries: ['mirror'], verification: 'size' },
        }),
        'promotion.environments[1].registry.crossRegistrySync.verification: ',
      ],
      [
        'a misspelt tag key',
        withRegistries([harbor], { tags: { imutable: '{{ version }}' } }),
        "promotion.environments[1].registry.tags.imutable: unknown key; did you mean 'immutable'?",
      ],
    ])('refuses %s, naming the key', (_, promotion, expected) => {
      expect(errorFor(promotion)).toContain(
        `Invalid promotion config: ${expected}`,
      );
    });
  });

  describe('deployment sources', () => {
    const withDeployment = (
      deployment: JsonObject,
      extra: JsonObject = {},
    ) => ({
      ...minimal(),
      environments: [{ name: 'dev' }, { name: 'prod', deployment }],
      ...extra,
    });
    const argocd = {
      argocd: [{ id: 'main', url: 'https://argocd.acme.test', token: 't' }],
    };

    it('defaults the Application template and the timeout, and takes the only Argo CD instance', () => {
      const config = read(withDeployment({ source: 'argocd' }, argocd));
      expect(config.environments[1].deployment).toEqual({
        source: 'argocd',
        application: '{{ entity.metadata.name }}-{{ environment }}',
        timeout: { minutes: 15 },
      });
    });

    it('defaults a Flux source to a Kustomization in flux-system', () => {
      const config = read(withDeployment({ source: 'flux', timeout: '5m' }));
      expect(config.environments[1].deployment).toEqual({
        source: 'flux',
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: '{{ entity.metadata.name }}-{{ environment }}',
        timeout: { minutes: 5 },
      });
    });

    it('refuses an unknown source, a misspelt key and an unknown placeholder, naming the key', () => {
      expect(errorFor(withDeployment({ source: 'spinnaker' }))).toMatch(
        /promotion\.environments\[1\]\.deployment\.source: /,
      );
      expect(
        errorFor(withDeployment({ source: 'argocd', aplication: 'x' }, argocd)),
      ).toContain(
        "promotion.environments[1].deployment.aplication: unknown key; did you mean 'application'?",
      );
      // Flux applies what the branch holds; there is no manual sync to wait for.
      expect(
        errorFor(withDeployment({ source: 'flux', sync: 'manual' })),
      ).toContain('promotion.environments[1].deployment.sync: unknown key');
      expect(
        errorFor(
          withDeployment(
            { source: 'argocd', application: '{{ entity.spec.owner }}' },
            argocd,
          ),
        ),
      ).toContain(
        "promotion.environments[1].deployment.application: unknown placeholder '{{ entity.spec.owner }}'",
      );
    });

    it('needs the Argo CD instance listed, and named when there are several', () => {
      expect(errorFor(withDeployment({ source: 'argocd' }))).toContain(
        'promotion.environments[1].deployment.instance: list the Argo CD instance in promotion.argocd',
      );
      expect(
        errorFor(
          withDeployment({ source: 'argocd', instance: 'edge' }, argocd),
        ),
      ).toContain(
        "promotion.environments[1].deployment.instance: unknown Argo CD instance 'edge'; known: main",
      );
      const two = {
        argocd: [
          ...argocd.argocd,
          { id: 'edge', url: 'https://argocd-edge.acme.test', token: 't' },
        ],
      };
      expect(errorFor(withDeployment({ source: 'argocd' }, two))).toContain(
        'promotion.environments[1].deployment.instance: name one of the Argo CD instances: main, edge',
      );
      expect(
        read(withDeployment({ source: 'argocd', instance: 'edge' }, two))
          .environments[1].deployment,
      ).toMatchObject({
        instance: 'edge',
      });
    });

    it('refuses duplicate Argo CD ids, a URL that is not one and a missing token', () => {
      expect(
        errorFor({
          ...minimal(),
          argocd: [...argocd.argocd, ...argocd.argocd],
        }),
      ).toContain("promotion.argocd[1].id: duplicate Argo CD instance 'main'");
      const message = errorFor({
        ...minimal(),
        argocd: [{ id: 'main', url: 'argocd.acme.test' }],
      });
      expect(message).toContain(
        "promotion.argocd[0].url: expected Argo CD's base URL",
      );
      expect(message).toContain('promotion.argocd[0].token:');
    });
  });

  it('accepts the complete example of the README, gates and windows included', () => {
    const readme = fs.readFileSync(
      path.resolve(__dirname, '../../README.md'),
      'utf8',
    );
    const section = readme.slice(readme.indexOf('## Configure'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    const config = read(parse(example!).promotion);

    expect(config.environments.map(env => env.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    const prod = config.environments[2];
    expect(prod).toMatchObject({
      delivery: 'pull-request',
      merge: 'auto',
      acceptsFrom: ['dev'],
      approval: { required: 2, allowSelfApproval: true },
      changeTicket: {
        required: true,
        pattern: 'CHG[0-9]{7}',
        url: 'https://itsm.acme.internal/change/{{ ticket }}',
      },
    });
    expect(durationToMilliseconds(prod.approval!.expiresAfter!)).toBe(
      72 * 3600_000,
    );
    expect(durationToMilliseconds(config.requestExpiresAfter)).toBe(
      7 * 24 * 3600_000,
    );
    expect(config.ci.subjects).toEqual(['external:ci']);
    expect(config.registries.map(registry => registry.id)).toEqual([
      'harbor',
      'prod-mirror',
    ]);
    expect(prod.registry).toMatchObject({
      primary: 'harbor',
      tags: { immutable: '{{ version }}-{{ environment }}' },
      crossRegistrySync: { secondaries: ['prod-mirror'] },
    });

    // The gate runner reads gate blocks and windows as the backend does at start-up.
    const runner = new GateRunner(
      builtInGateFactories(new RegistryService(config)),
    );
    const gates = config.environments.map(env =>
      runner.gatesFor({
        name: env.name,
        gates: env.gates.map(block => new ConfigReader(block as JsonObject)),
        windows: env.windows.map(
          block => new ConfigReader(block as JsonObject),
        ),
      }),
    );
    expect(gates[2].map(gate => [gate.name, gate.mode])).toEqual([
      ['window', 'enforce'],
      ['source-match', 'enforce'],
      ['deployed', 'enforce'],
      ['soak 1d', 'enforce'],
      ['version >=1.0.0', 'enforce'],
      ['registry harbor, prod-mirror', 'enforce'],
      ['image scan', 'enforce'],
      ['change ticket', 'enforce'],
      ['change log', 'warn'],
    ]);
  });
});
