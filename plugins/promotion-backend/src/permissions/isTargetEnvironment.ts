import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { promotionTargetResourceRef } from './resource';

/** Matches targets that are one of the given environments, e.g. `prod`. */
export const isTargetEnvironment = createPermissionRule({
  name: 'IS_TARGET_ENVIRONMENT',
  description: 'Allow targets that are one of the given environments',
  resourceRef: promotionTargetResourceRef,
  paramsSchema: z.object({
    environments: z.array(z.string()).describe('Environment names, e.g. prod'),
  }),
  apply: (target, { environments }) =>
    environments.includes(target.environment),
  toQuery: ({ environments }) => ({ key: 'environment', values: environments }),
});
