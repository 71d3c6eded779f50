import { z } from 'zod';
import { configDurationSchema as durationSchema } from './durationSchema';
import { strictObject } from './strictObject';

const slug = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'must be a slug of lowercase letters, digits and dashes');

export const manifestFormatSchema = z.enum(['kustomize', 'helm-values', 'yaml']);

// Every object is strict: an unknown key is refused, naming it. Only gate and
// window blocks are open here, because their readers (the gate factories and
// the window gate) validate them strictly at start-up, naming the key.
const environmentSchema = strictObject({
    name: slug,
    /** Overrides `gitops.defaults.repository` for this environment. */
    repository: z.string().min(1).optional(),
    /**
     * Overrides `gitops.defaults.path` for this environment. Several paths
     * (e.g. `prod-eu` and `prod-us` overlays) are all changed in one commit.
     */
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
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
    gates: z.array(z.object({ type: z.string().min(1) }).passthrough()).default([]),
    /** Allow and deny windows; validated by the window gate. */
    windows: z.array(z.object({}).passthrough()).default([]),
    approval: strictObject({
        required: z.number().int().min(0).default(0),
        allowSelfApproval: z.boolean().default(false),
        expiresAfter: durationSchema.optional(),
        notify: z.array(z.string()).optional(),
      }).optional(),
    rollback: strictObject({
        /** Whether a rollback waits for the environment's approvals too (it does by default). */
        requireApproval: z.boolean().default(true),
      }).prefault({}),
  });

const repositorySchema = strictObject({
  id: slug,
  url: z.string().min(1),
  branch: z.string().min(1).default('main'),
});

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
     * Environments that need approval refuse to run while the permission
     * framework is disabled, unless this is true (local demos only).
     */
    allowWithoutPermissions: z.boolean().default(false),
    /** Tags that may never be promoted (glob patterns). */
    denyTags: z.array(z.string().min(1)).default(['latest']),
    /** How long a request may wait (gates, approvals) before it expires, unless the environment's approval says otherwise. */
    requestExpiresAfter: durationSchema.default({ days: 7 }),
    ci: strictObject({
        /** Subjects of service principals (e.g. `external:ci`) that may introduce builds. */
        subjects: z.array(z.string().min(1)).default([]),
      }).prefault({}),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.environments.forEach((env, index) => {
      if (names.has(env.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', index, 'name'],
          message: `duplicate environment '${env.name}'`,
        });
      }
      names.add(env.name);
    });
    const repositoryIds = new Set(config.gitops.repositories.map(r => r.id));
    const checkRepository = (id: string | undefined, path: PropertyKey[]) => {
      if (id !== undefined && !repositoryIds.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown repository '${id}'; known: ${[...repositoryIds].join(', ')}`,
        });
      }
    };
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
      if (env.approval?.allowSelfApproval && env.approval.required < 2) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', index, 'approval', 'required'],
          message: 'with allowSelfApproval the requester may never be the only approver: require at least 2',
        });
      }
    });
  });

export type PromotionConfig = z.infer<typeof promotionConfigSchema>;
export type EnvironmentConfig = PromotionConfig['environments'][number];
export type RepositoryConfig = PromotionConfig['gitops']['repositories'][number];
export type ManifestFormat = z.infer<typeof manifestFormatSchema>;
export type DurationConfig = z.infer<typeof durationSchema>;
