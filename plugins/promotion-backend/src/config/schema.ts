import { z } from 'zod';
import { configDurationSchema as durationSchema } from './durationSchema';
import { strictObject } from './strictObject';
import { unknownPlaceholderMessage } from './templatePlaceholders';

const slug = z
  .string()
  .regex(
    /^[a-z0-9-]+$/,
    'must be a slug of lowercase letters, digits and dashes',
  );

/** An http(s) base URL, with `hint` naming what it is the URL of when it is not one. */
const baseUrl = (hint: string) =>
  z.string().regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i, hint);

export const manifestFormatSchema = z.enum([
  'kustomize',
  'helm-values',
  'yaml',
]);

// Every object is strict: an unknown key is refused, naming it. Only gate and
// window blocks are open here, because their readers (the gate factories and
// the window gate) validate them strictly at start-up, naming the key.
// A tag template renders to a tag; `false` switches that tag off.
const tagTemplate = z.union([z.string().min(1), z.literal(false)]);

const environmentRegistrySchema = strictObject({
  /** Id (in `registries`) of the registry the build is pushed to; default: the one serving the image's host. */
  primary: slug.optional(),
  /**
   * Tags written in the environment's registries once a promotion has landed.
   * `true` writes the defaults; each template may be `false` to skip that tag.
   */
  tags: z
    .union([
      z.literal(true).transform(
        (): {
          immutable?: string | false;
          mutable?: string | false;
          rollback?: string | false;
        } => ({}),
      ),
      strictObject({
        immutable: tagTemplate.optional(),
        mutable: tagTemplate.optional(),
        rollback: tagTemplate.optional(),
      }),
    ])
    .optional()
    .transform(tags =>
      tags === undefined
        ? undefined
        : {
            immutable: tags.immutable ?? '{{ version }}-{{ environment }}',
            mutable: tags.mutable ?? 'latest-{{ environment }}',
            rollback:
              tags.rollback ?? '{{ version }}-{{ environment }}-rollback',
          },
    ),
  /** Copies the build from the primary registry to these before the change lands. */
  crossRegistrySync: strictObject({
    secondaries: z.array(slug).min(1, 'list at least one registry to copy to'),
    verification: z.enum(['digest_match']).default('digest_match'),
  }).optional(),
});

const registrySchema = strictObject({
  id: slug,
  url: baseUrl(
    "expected the registry's base URL, like 'https://registry.internal'",
  ),
  /** Image hosts this registry serves (e.g. a mirror's name); default: the URL's host. */
  hosts: z.array(z.string().min(1)).optional(),
  /** Template of the repository in this registry; default `{{ artifact.repository }}`. */
  repository: z.string().min(1).default('{{ artifact.repository }}'),
  /** Credentials: a bearer `token`, or `username` and `password` (Basic, or for the registry's token service). */
  auth: strictObject({
    token: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
    .refine(
      auth => !auth.token || (!auth.username && !auth.password),
      'give a token, or a username and password, not both',
    )
    .refine(
      auth => !auth.username === !auth.password,
      'give both username and password',
    )
    .optional(),
});

// Where the templates of a deployment source may look.
const DEPLOYMENT_TEMPLATE_KEYS = [
  'entity.metadata.name',
  'entity.metadata.namespace',
  'environment',
];

const deploymentTemplate = z
  .string()
  .min(1)
  .superRefine((template, ctx) => {
    const message = unknownPlaceholderMessage(
      template,
      DEPLOYMENT_TEMPLATE_KEYS,
    );
    if (message) ctx.addIssue({ code: 'custom', message });
  });

const DEFAULT_DEPLOYMENT_NAME = '{{ entity.metadata.name }}-{{ environment }}';
// Long enough for a rollout with a few canary steps.
const DEFAULT_DEPLOYMENT_TIMEOUT = { minutes: 15 };

/**
 * Where the environment is deployed from its branch, so that the pipeline
 * shows what really runs and a landed change is followed until it runs
 * healthy: an Argo CD Application, or a Flux Kustomization or HelmRelease.
 */
const deploymentSchema = z.discriminatedUnion('source', [
  strictObject({
    source: z.literal('argocd'),
    /** Id of an instance in `promotion.argocd`; default: the only one. */
    instance: slug.optional(),
    /** Template of the Application's name. */
    application: deploymentTemplate.default(DEFAULT_DEPLOYMENT_NAME),
    /** How long a landed (or, with manual sync, a synced) change may take to run healthy. */
    timeout: durationSchema.default(DEFAULT_DEPLOYMENT_TIMEOUT),
  }),
  strictObject({
    source: z.literal('flux'),
    /** Name of a cluster in Backstage's `kubernetes.clusterLocatorMethods` (type `config`); default: the only one. */
    cluster: z.string().min(1).optional(),
    kind: z.enum(['Kustomization', 'HelmRelease']).default('Kustomization'),
    namespace: deploymentTemplate.default('flux-system'),
    name: deploymentTemplate.default(DEFAULT_DEPLOYMENT_NAME),
    timeout: durationSchema.default(DEFAULT_DEPLOYMENT_TIMEOUT),
  }),
]);

const argoCdInstanceSchema = strictObject({
  id: slug,
  /** The Argo CD server's base URL, e.g. `https://argocd.internal`. */
  url: baseUrl("expected Argo CD's base URL, like 'https://argocd.internal'"),
  /** An Argo CD API token (a project role or account token). */
  token: z.string().min(1),
});

/** What `{{ … }}` may name in an environment's `changeTicket.url`. */
export const CHANGE_TICKET_URL_KEYS = ['ticket'] as const;

const changeTicketSchema = strictObject({
  /** Requests without a ticket are refused (400). */
  required: z.boolean().default(false),
  /** A regular expression the whole reference must match. */
  pattern: z
    .string()
    .min(1)
    .superRefine((pattern, ctx) => {
      try {
        RegExp(pattern, 'u');
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `not a regular expression: ${(error as Error).message}`,
        });
      }
    })
    .optional(),
  /** The ticket's page, with `{{ ticket }}` where the reference goes. */
  url: z
    .string()
    .regex(/^https?:\/\/[^/?#\s{}]+/i, {
      error:
        "expected an http(s) URL like 'https://itsm.internal/change/{{ ticket }}'",
    })
    .superRefine((url, ctx) => {
      const message = unknownPlaceholderMessage(url, CHANGE_TICKET_URL_KEYS);
      if (message) ctx.addIssue({ code: 'custom', message });
    })
    .optional(),
});

const environmentSchema = strictObject({
  name: slug,
  /** Overrides `gitops.defaults.repository` for this environment. */
  repository: z.string().min(1).optional(),
  /**
   * Overrides `gitops.defaults.path` for this environment. Several paths
   * (e.g. `prod-eu` and `prod-us` overlays) are all changed in one commit.
   */
  path: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional(),
  delivery: z.enum(['commit', 'pull-request']).default('commit'),
  /** With pull-request delivery: `auto` merges once gates and approvals passed; `manual` waits for people. */
  merge: z.enum(['auto', 'manual']).default('manual'),
  /** The scheduler promotes from the previous environment whenever every gate passes. */
  autoPromote: z.boolean().default(false),
  /** Environments besides the previous one that may promote into this one. */
  acceptsFrom: z.array(slug).default([]),
  /** Whether CI (a service listed in `ci.subjects`) may put a build straight into this environment. */
  acceptsCi: z.boolean().default(false),
  /** Gate blocks, each `{ type, mode?, … }`; validated by the gate's factory. */
  gates: z
    .array(z.object({ type: z.string().min(1) }).passthrough())
    .default([]),
  /** Allow and deny windows; validated by the window gate. */
  windows: z.array(z.object({}).passthrough()).default([]),
  approval: strictObject({
    required: z.number().int().min(0).default(0),
    allowSelfApproval: z.boolean().default(false),
    expiresAfter: durationSchema.optional(),
    notify: z.array(z.string()).optional(),
  }).optional(),
  /** The change ticket (CAB change, ITSM record) that requests into this environment name. */
  changeTicket: changeTicketSchema.optional(),
  rollback: strictObject({
    /** Whether a rollback waits for the environment's approvals too (it does by default). */
    requireApproval: z.boolean().default(true),
  }).prefault({}),
  /** What happens in OCI registries when a build is promoted into this environment. */
  registry: environmentRegistrySchema.optional(),
  deployment: deploymentSchema.optional(),
});

const repositorySchema = strictObject({
  id: slug,
  url: z.string().min(1),
  branch: z.string().min(1).default('main'),
});

/**
 * The set of the names, reporting each that an earlier entry already has
 * (e.g. `duplicate registry 'harbor'`) at `path(index)`.
 */
function uniqueNames(
  ctx: z.RefinementCtx,
  names: string[],
  what: string,
  path: (index: number) => PropertyKey[],
): Set<string> {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: path(index),
        message: `duplicate ${what} '${name}'`,
      });
    }
    seen.add(name);
  });
  return seen;
}

/**
 * A check of references to the names in `known` (repository or registry
 * ids): one that is given and unknown is reported with the names there are.
 */
function referenceCheck(
  ctx: z.RefinementCtx,
  known: Set<string>,
  what: string,
  listedIn: string,
) {
  return (id: string | undefined, path: PropertyKey[]) => {
    if (id !== undefined && !known.has(id)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `unknown ${what} '${id}'; known: ${
          [...known].join(', ') || `none (list them in ${listedIn})`
        }`,
      });
    }
  };
}

export const promotionConfigSchema = strictObject({
  environments: z
    .array(environmentSchema)
    .min(1, 'must list at least one environment'),
  gitops: strictObject({
    repositories: z.array(repositorySchema).min(1),
    defaults: strictObject({
      repository: z.string().min(1).optional(),
      path: z
        .string()
        .min(1)
        .default(
          'apps/{{ entity.metadata.name }}/overlays/{{ environment }}/kustomization.yaml',
        ),
      format: manifestFormatSchema.default('kustomize'),
    }).prefault({}),
    author: strictObject({
      name: z.string().min(1).default('Backstage Promotion'),
      email: z.string().min(1).default('promotion@backstage.local'),
    }).prefault({}),
  }),
  /**
   * How old what the entity tab reads (branch tips, the entity, the caller's
   * permissions) may be. Requests, promotions and rollbacks always read anew.
   */
  maxReadAge: durationSchema.default({ seconds: 5 }),
  /**
   * Environments that need approval refuse to run while the permission
   * framework is disabled, unless this is true (local demos only).
   */
  allowWithoutPermissions: z.boolean().default(false),
  /** Tags that may never be promoted (glob patterns). */
  denyTags: z.array(z.string().min(1)).default(['latest']),
  /** How long a request may wait (gates, approvals) before it expires, unless the environment's approval says otherwise. */
  requestExpiresAfter: durationSchema.default({ days: 7 }),
  /** OCI registries that builds are resolved in, copied between and tagged in. */
  registries: z.array(registrySchema).default([]),
  /** Argo CD instances that environments' `deployment` may name. */
  argocd: z.array(argoCdInstanceSchema).default([]),
  ci: strictObject({
    /** Subjects of service principals (e.g. `external:ci`) that may introduce builds. */
    subjects: z.array(z.string().min(1)).default([]),
  }).prefault({}),
  metrics: strictObject({
    /** The environment whose changes DORA metrics count; default: the pipeline's last. */
    productionEnvironment: slug.optional(),
  }).prefault({}),
}).superRefine((config, ctx) => {
  const registryIds = uniqueNames(
    ctx,
    config.registries.map(registry => registry.id),
    'registry',
    index => ['registries', index, 'id'],
  );
  uniqueNames(
    ctx,
    config.environments.map(env => env.name),
    'environment',
    index => ['environments', index, 'name'],
  );
  const production = config.metrics.productionEnvironment;
  if (
    production !== undefined &&
    !config.environments.some(env => env.name === production)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['metrics', 'productionEnvironment'],
      message: `'${production}' is not an environment of the pipeline: name one of ${config.environments
        .map(env => env.name)
        .join(', ')}`,
    });
  }
  const checkRepository = referenceCheck(
    ctx,
    new Set(config.gitops.repositories.map(r => r.id)),
    'repository',
    'promotion.gitops.repositories',
  );
  const checkRegistry = referenceCheck(
    ctx,
    registryIds,
    'registry',
    'promotion.registries',
  );
  const argoCdIds = uniqueNames(
    ctx,
    config.argocd.map(instance => instance.id),
    'Argo CD instance',
    index => ['argocd', index, 'id'],
  );
  const checkArgoCd = referenceCheck(
    ctx,
    argoCdIds,
    'Argo CD instance',
    'promotion.argocd',
  );
  checkRepository(config.gitops.defaults.repository, [
    'gitops',
    'defaults',
    'repository',
  ]);
  config.environments.forEach((env, index) => {
    checkRepository(env.repository, ['environments', index, 'repository']);
    env.acceptsFrom.forEach((source, i) => {
      const sourceIndex = config.environments.findIndex(e => e.name === source);
      if (sourceIndex < 0 || sourceIndex >= index) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', index, 'acceptsFrom', i],
          message: `'${source}' is not an earlier environment of the pipeline; promotion only goes forward`,
        });
      }
    });
    const registryPath = ['environments', index, 'registry'];
    checkRegistry(env.registry?.primary, [...registryPath, 'primary']);
    env.registry?.crossRegistrySync?.secondaries.forEach((id, i) => {
      const path = [...registryPath, 'crossRegistrySync', 'secondaries', i];
      checkRegistry(id, path);
      if (id === env.registry?.primary) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `'${id}' is the primary registry; list the registries to copy to`,
        });
      }
    });
    if (env.deployment?.source === 'argocd') {
      const path = ['environments', index, 'deployment', 'instance'];
      checkArgoCd(env.deployment.instance, path);
      if (!env.deployment.instance && argoCdIds.size !== 1) {
        ctx.addIssue({
          code: 'custom',
          path,
          message:
            argoCdIds.size === 0
              ? 'list the Argo CD instance in promotion.argocd'
              : `name one of the Argo CD instances: ${[...argoCdIds].join(
                  ', ',
                )}`,
        });
      }
    }
    if (env.changeTicket?.required && env.autoPromote) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', index, 'changeTicket', 'required'],
        message:
          'automatic promotion names no change ticket: turn off autoPromote or make the ticket optional',
      });
    }
    if (env.approval?.allowSelfApproval && env.approval.required < 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', index, 'approval', 'required'],
        message:
          'with allowSelfApproval the requester may never be the only approver: require at least 2',
      });
    }
  });
});

export type PromotionConfig = z.infer<typeof promotionConfigSchema>;
export type EnvironmentConfig = PromotionConfig['environments'][number];
export type RepositoryConfig =
  PromotionConfig['gitops']['repositories'][number];
export type RegistryConfig = PromotionConfig['registries'][number];
export type EnvironmentRegistryConfig = NonNullable<
  EnvironmentConfig['registry']
>;
export type DeploymentConfig = NonNullable<EnvironmentConfig['deployment']>;
export type ArgoCdDeploymentConfig = Extract<
  DeploymentConfig,
  { source: 'argocd' }
>;
export type FluxDeploymentConfig = Extract<
  DeploymentConfig,
  { source: 'flux' }
>;
export type ArgoCdInstanceConfig = PromotionConfig['argocd'][number];
export type ManifestFormat = z.infer<typeof manifestFormatSchema>;
export type DurationConfig = z.infer<typeof durationSchema>;
export type ChangeTicketConfig = NonNullable<EnvironmentConfig['changeTicket']>;
