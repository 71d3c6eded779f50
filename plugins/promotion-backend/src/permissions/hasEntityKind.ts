import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { promotionTargetResourceRef } from './resource';

/** Matches targets whose entity is of one of the given kinds. */
export const hasEntityKind = createPermissionRule({
  name: 'HAS_ENTITY_KIND',
  description: 'Allow targets whose entity has one of the given kinds',
  resourceRef: promotionTargetResourceRef,
  paramsSchema: z.object({
    kinds: z.array(z.string()).describe('Entity kinds, e.g. Component'),
  }),
  apply: (target, { kinds }) =>
    kinds.some(
      kind =>
        kind.toLocaleLowerCase('en-US') ===
        target.entity.kind.toLocaleLowerCase('en-US'),
    ),
  toQuery: ({ kinds }) => ({
    key: 'kind',
    values: kinds.map(k => k.toLocaleLowerCase('en-US')),
  }),
});
