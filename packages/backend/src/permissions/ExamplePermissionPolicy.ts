import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createPromotionTargetConditionalDecision,
  promotionTargetConditions,
} from '@promotion-for-backstage/plugin-promotion-backend';
import {
  PROMOTION_TARGET_RESOURCE_TYPE,
  promotionAuditReadPermission,
  promotionTargetApprovePermission,
  promotionTargetBypassPermission,
  promotionTargetPromotePermission,
  promotionTargetRollbackPermission,
  promotionTargetSyncPermission,
} from '@promotion-for-backstage/plugin-promotion-common';

/** The group whose members approve production and may bypass in an incident. */
export const RELEASE_MANAGERS_GROUP = 'group:default/release-managers';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The example app's policy: owners request promotions and rollbacks of their
 * entities into any environment and sync their manual-sync Argo CD
 * Applications, release managers approve production and may
 * bypass, every signed-in user reads the audit log, and everything else is
 * allowed. Someone who owns nothing may only read. No user is named: the
 * guest, too, may promote only what its groups in examples/org.yaml own.
 */
export class ExamplePermissionPolicy implements PermissionPolicy {
  private readonly userInfo: UserInfoService;

  constructor(options: { userInfo: UserInfoService }) {
    this.userInfo = options.userInfo;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;

    if (isPermission(permission, promotionAuditReadPermission)) {
      return user ? ALLOW : DENY;
    }
    if (!isResourcePermission(permission, PROMOTION_TARGET_RESOURCE_TYPE)) {
      return ALLOW;
    }
    if (!user) {
      return DENY;
    }

    // `user.info` is deprecated; the user info service gives the same refs.
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    const isReleaseManager = ownershipEntityRefs.includes(
      RELEASE_MANAGERS_GROUP,
    );

    if (
      isPermission(permission, promotionTargetPromotePermission) ||
      isPermission(permission, promotionTargetRollbackPermission) ||
      isPermission(permission, promotionTargetSyncPermission)
    ) {
      return createPromotionTargetConditionalDecision(
        permission,
        promotionTargetConditions.isEntityOwner({
          claims: ownershipEntityRefs,
        }),
      );
    }

    if (isPermission(permission, promotionTargetApprovePermission)) {
      // Only production asks for approval in the example configuration.
      return isReleaseManager
        ? createPromotionTargetConditionalDecision(
            permission,
            promotionTargetConditions.isTargetEnvironment({
              environments: ['prod'],
            }),
          )
        : DENY;
    }

    if (isPermission(permission, promotionTargetBypassPermission)) {
      return isReleaseManager ? ALLOW : DENY;
    }

    // A promotion-target permission this policy does not know yet.
    return DENY;
  }
}
