import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  promotionTargetApprovePermission,
  promotionTargetPromotePermission,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  createPromotionTargetConditionalDecision,
  promotionTargetConditions,
} from './conditionExports';

describe('promotionTargetConditions', () => {
  it('builds an IS_ENTITY_OWNER condition from the user’s claims', () => {
    const claims = ['user:default/riley', 'group:default/team-a'];
    expect(promotionTargetConditions.isEntityOwner({ claims })).toEqual({
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'promotion-target',
      params: { claims },
    });
  });

  it('builds an IS_TARGET_ENVIRONMENT condition', () => {
    expect(
      promotionTargetConditions.isTargetEnvironment({ environments: ['prod'] }),
    ).toEqual({
      rule: 'IS_TARGET_ENVIRONMENT',
      resourceType: 'promotion-target',
      params: { environments: ['prod'] },
    });
  });

  it('builds a HAS_ENTITY_KIND condition', () => {
    expect(
      promotionTargetConditions.hasEntityKind({ kinds: ['Component'] }),
    ).toEqual({
      rule: 'HAS_ENTITY_KIND',
      resourceType: 'promotion-target',
      params: { kinds: ['Component'] },
    });
  });

  it('offers exactly the plugin’s rules', () => {
    expect(Object.keys(promotionTargetConditions).sort()).toEqual([
      'hasEntityKind',
      'isEntityOwner',
      'isTargetEnvironment',
    ]);
  });
});

describe('createPromotionTargetConditionalDecision', () => {
  it('wraps conditions into a conditional decision the promotion plugin resolves', () => {
    const conditions = promotionTargetConditions.isEntityOwner({
      claims: ['group:default/team-a'],
    });

    expect(
      createPromotionTargetConditionalDecision(
        promotionTargetPromotePermission,
        conditions,
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'promotion',
      resourceType: 'promotion-target',
      conditions,
    });
  });

  it('keeps combined criteria as the policy wrote them', () => {
    // "Owners approve prod, except for resources."
    const conditions: PermissionCriteria<
      PermissionCondition<'promotion-target'>
    > = {
      allOf: [
        promotionTargetConditions.isEntityOwner({
          claims: ['group:default/team-a'],
        }),
        promotionTargetConditions.isTargetEnvironment({
          environments: ['prod'],
        }),
        {
          not: promotionTargetConditions.hasEntityKind({ kinds: ['Resource'] }),
        },
      ],
    };

    expect(
      createPromotionTargetConditionalDecision(
        promotionTargetApprovePermission,
        conditions,
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'promotion',
      resourceType: 'promotion-target',
      conditions,
    });
  });
});
