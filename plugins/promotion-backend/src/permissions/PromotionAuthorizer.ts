import { Entity } from '@backstage/catalog-model';
import {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { PromotionTarget, promotionTargetResourceRef } from './resource';

/** Answers whether the caller may use a permission on one environment of the entity. */
export type TargetDecision = (
  permission: ResourcePermission,
  environment: string,
) => boolean;

/**
 * Decides promotion permissions on an entity that is already loaded: one
 * `authorizeConditional` call for all the permissions asked about, then the
 * policy's conditions are applied here, per environment, with the plugin's
 * own rules. That is one round trip for a whole pipeline's allowedActions,
 * and the entity seen by the rules is the one the caller was allowed to load.
 */
export class PromotionAuthorizer {
  private readonly applyConditions: (
    decision: Parameters<
      ReturnType<typeof createConditionAuthorizer<PromotionTarget>>
    >[0],
    resource: PromotionTarget,
  ) => boolean;

  constructor(
    private readonly permissions: PermissionsService,
    permissionsRegistry: PermissionsRegistryService,
  ) {
    this.applyConditions = createConditionAuthorizer(
      permissionsRegistry.getPermissionRuleset(promotionTargetResourceRef),
    );
  }

  async decide(
    credentials: BackstageCredentials,
    entity: Entity,
    permissions: ResourcePermission[],
  ): Promise<TargetDecision> {
    return (await this.decider(credentials, permissions))(entity);
  }

  /**
   * One permission call whose answer then decides for any number of entities:
   * the policy's answer depends on the caller only, its conditions are
   * applied per entity here. For lists.
   */
  async decider(
    credentials: BackstageCredentials,
    permissions: ResourcePermission[],
  ): Promise<(entity: Entity) => TargetDecision> {
    const decisions = await this.permissions.authorizeConditional(
      permissions.map(permission => ({ permission })),
      { credentials },
    );
    return entity => (permission, environment) => {
      const index = permissions.findIndex(p => p.name === permission.name);
      const decision = decisions[index];
      if (!decision) return false;
      if (decision.result === AuthorizeResult.ALLOW) return true;
      if (decision.result === AuthorizeResult.DENY) return false;
      return this.applyConditions(decision, { entity, environment });
    };
  }
}
