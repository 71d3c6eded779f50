import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { promotionTargetResourceRef } from './resource';

/**
 * Matches targets whose entity is owned by one of the claims. A policy fills
 * the claims from the user's ownership refs, as with the catalog's rule.
 */
export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description:
    'Allow targets whose entity is owned by one of the given entity refs',
  resourceRef: promotionTargetResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Ownership refs of the user, e.g. group:default/team-a'),
  }),
  apply: (target, { claims }) =>
    (target.entity.relations ?? []).some(
      relation =>
        relation.type === RELATION_OWNED_BY &&
        claims.includes(relation.targetRef),
    ),
  toQuery: ({ claims }) => ({ key: 'owner', values: claims }),
});
