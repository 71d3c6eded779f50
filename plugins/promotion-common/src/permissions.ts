import { createPermission } from '@backstage/plugin-permission-common';

/**
 * One environment of one entity. Its resource ref is
 * `stringifyEntityRef(entity)@environment`, see {@link promotionTargetRef}.
 * @public
 */
export const PROMOTION_TARGET_RESOURCE_TYPE = 'promotion-target';

/** May request a promotion into the target. @public */
export const promotionTargetPromotePermission = createPermission({
  name: 'promotion.target.promote',
  attributes: { action: 'create' },
  resourceType: PROMOTION_TARGET_RESOURCE_TYPE,
});

/** May approve or reject a promotion into the target. @public */
export const promotionTargetApprovePermission = createPermission({
  name: 'promotion.target.approve',
  attributes: { action: 'update' },
  resourceType: PROMOTION_TARGET_RESOURCE_TYPE,
});

/** May roll the target back to an artifact it ran before. @public */
export const promotionTargetRollbackPermission = createPermission({
  name: 'promotion.target.rollback',
  attributes: { action: 'update' },
  resourceType: PROMOTION_TARGET_RESOURCE_TYPE,
});

/** May skip failing gates or the approval wait, with a reason. @public */
export const promotionTargetBypassPermission = createPermission({
  name: 'promotion.target.bypass',
  attributes: { action: 'update' },
  resourceType: PROMOTION_TARGET_RESOURCE_TYPE,
});

/**
 * May ask the target's deployment source (a manual-sync Argo CD
 * Application) to apply what has landed. @public
 */
export const promotionTargetSyncPermission = createPermission({
  name: 'promotion.target.sync',
  attributes: { action: 'update' },
  resourceType: PROMOTION_TARGET_RESOURCE_TYPE,
});

/** May read the audit log. @public */
export const promotionAuditReadPermission = createPermission({
  name: 'promotion.audit.read',
  attributes: { action: 'read' },
});

/** Every permission of the plugin, for registration and policy tooling. @public */
export const promotionPermissions = [
  promotionTargetPromotePermission,
  promotionTargetApprovePermission,
  promotionTargetRollbackPermission,
  promotionTargetBypassPermission,
  promotionTargetSyncPermission,
  promotionAuditReadPermission,
];

/** The resource ref of one environment of one entity. @public */
export function promotionTargetRef(entityRef: string, environment: string) {
  return `${entityRef}@${environment}`;
}

/** Splits a resource ref made by {@link promotionTargetRef}. @public */
export function parsePromotionTargetRef(resourceRef: string): {
  entityRef: string;
  environment: string;
} {
  const at = resourceRef.lastIndexOf('@');
  if (at <= 0 || at === resourceRef.length - 1) {
    throw new Error(`Invalid promotion target ref '${resourceRef}'`);
  }
  return {
    entityRef: resourceRef.slice(0, at),
    environment: resourceRef.slice(at + 1),
  };
}
