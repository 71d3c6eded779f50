import { Entity } from '@backstage/catalog-model';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { PROMOTION_TARGET_RESOURCE_TYPE } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * One environment of one entity, as permission rules see it.
 *
 * @public
 */
export interface PromotionTarget {
  entity: Entity;
  environment: string;
}

/**
 * Criteria a rule turns into when lists are filtered: one field of the target
 * and the values it may have.
 *
 * @public
 */
export type PromotionTargetQuery = {
  key: 'environment' | 'kind' | 'owner';
  values: string[];
};

/**
 * The `promotion-target` resource, for permission policies and rules of your own.
 *
 * @public
 */
export const promotionTargetResourceRef = createPermissionResourceRef<
  PromotionTarget,
  PromotionTargetQuery
>().with({
  pluginId: 'promotion',
  resourceType: PROMOTION_TARGET_RESOURCE_TYPE,
});
