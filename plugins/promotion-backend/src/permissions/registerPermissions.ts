import {
  AuthService,
  PermissionsRegistryService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  parsePromotionTargetRef,
  promotionPermissions,
} from '@promotion-for-backstage/plugin-promotion-common';
import { PromotionTarget, promotionTargetResourceRef } from './resource';
import { promotionTargetRules } from './rules';

/**
 * Registers the `promotion-target` resource type, its rules and the plugin's
 * permissions. The permission backend calls `getResources` to resolve
 * conditional decisions; it loads the entities in one batch with the
 * plugin's own credentials, since the caller there is the permission backend.
 */
export function registerPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const { permissionsRegistry, catalog, auth } = options;
  permissionsRegistry.addResourceType({
    resourceRef: promotionTargetResourceRef,
    permissions: promotionPermissions.filter(p => p.type === 'resource'),
    rules: Object.values(promotionTargetRules),
    async getResources(resourceRefs) {
      const targets = resourceRefs.map(ref => {
        try {
          return parsePromotionTargetRef(ref);
        } catch {
          return undefined;
        }
      });
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: targets.map(
            t => t?.entityRef ?? 'invalid:invalid/invalid',
          ),
        },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      return targets.map((target, i): PromotionTarget | undefined => {
        const entity = items[i];
        return target && entity
          ? { entity, environment: target.environment }
          : undefined;
      });
    },
  });
  permissionsRegistry.addPermissions(
    promotionPermissions.filter(p => p.type === 'basic'),
  );
}
