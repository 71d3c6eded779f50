import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsRegistryService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
  Permission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PROMOTION_TARGET_RESOURCE_TYPE,
  promotionTargetApprovePermission as approve,
  promotionTargetBypassPermission as bypass,
  promotionTargetPromotePermission as promote,
  promotionTargetRollbackPermission as rollback,
} from '@promotion-for-backstage/plugin-promotion-common';
import {
  createPromotionTargetConditionalDecision as conditional,
  promotionTargetConditions as is,
} from './conditionExports';
import { PromotionAuthorizer } from './PromotionAuthorizer';
import { promotionTargetResourceRef } from './resource';
import { promotionTargetRules } from './rules';

const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
const RILEY = 'user:default/riley'; // member of team-a
const MORGAN = 'user:default/morgan'; // release manager
const OUTSIDER = 'user:default/outsider';

function entity(kind: string, name: string, owner?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: { owner: owner ?? TEAM_A },
    relations: owner
      ? [{ type: RELATION_OWNED_BY, targetRef: owner }]
      : undefined,
  };
}

const PAYMENTS = entity('Component', 'payments', TEAM_A);
const BILLING = entity('Component', 'billing', TEAM_B);
const ORPHAN = entity('Component', 'orphan'); // no relations yet
const DATABASE = entity('Resource', 'payments-db', TEAM_B);

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

/**
 * A policy as an adopter would write it with the condition exports: owners
 * request any environment and roll back outside prod; release managers may
 * request anything, approve prod or any resource, and bypass.
 */
function policy(user: string, permission: Permission): PolicyDecision {
  if (!isResourcePermission(permission, PROMOTION_TARGET_RESOURCE_TYPE)) {
    return { result: AuthorizeResult.DENY };
  }
  const claims = user === RILEY ? [RILEY, TEAM_A] : [user];
  if (user === RILEY) {
    if (permission.name === promote.name) {
      return conditional(permission, is.isEntityOwner({ claims }));
    }
    if (permission.name === rollback.name) {
      return conditional(permission, {
        allOf: [
          is.isEntityOwner({ claims }),
          { not: is.isTargetEnvironment({ environments: ['prod'] }) },
        ],
      });
    }
  }
  if (user === MORGAN) {
    if (permission.name === promote.name || permission.name === bypass.name) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (permission.name === approve.name) {
      return conditional(permission, {
        anyOf: [
          is.isTargetEnvironment({ environments: ['prod'] }),
          is.hasEntityKind({ kinds: ['resource'] }),
        ],
      });
    }
  }
  return { result: AuthorizeResult.DENY };
}

/** The plugin's registry as far as the authorizer uses it: the real rules by name. */
function registryWithRealRules(): PermissionsRegistryService {
  const rules = new Map(
    Object.values(promotionTargetRules).map(rule => [rule.name, rule]),
  );
  return mockServices.permissionsRegistry.mock({
    getPermissionRuleset: (resourceRef => {
      expect(resourceRef).toBe(promotionTargetResourceRef);
      return {
        getRuleByName: (name: string) => {
          const rule = rules.get(name);
          if (!rule) throw new Error(`Unexpected permission rule: ${name}`);
          return rule;
        },
      };
    }) as PermissionsRegistryService['getPermissionRuleset'],
  });
}

function setup(answer: typeof policy = policy) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async (requests, options) => {
      const { userEntityRef } = (
        options.credentials as BackstageCredentials<BackstageUserPrincipal>
      ).principal;
      return requests.map(r => answer(userEntityRef, r.permission));
    },
  });
  const authorizer = new PromotionAuthorizer(
    permissions,
    registryWithRealRules(),
  );
  return { authorizer, permissions };
}

/** Which environments the decision allows for a permission. */
function allowed(
  decision: (p: ResourcePermission, env: string) => boolean,
  p: ResourcePermission,
) {
  return ENVIRONMENTS.filter(env => decision(p, env));
}

describe('PromotionAuthorizer', () => {
  const all = [promote, approve, rollback, bypass];

  it('allows every environment of every entity on ALLOW', async () => {
    const { authorizer } = setup();
    for (const target of [PAYMENTS, BILLING, ORPHAN]) {
      const decision = await authorizer.decide(
        mockCredentials.user(MORGAN),
        target,
        all,
      );
      expect(allowed(decision, promote)).toEqual(ENVIRONMENTS);
      expect(allowed(decision, bypass)).toEqual(ENVIRONMENTS);
    }
  });

  it('allows no environment on DENY', async () => {
    const { authorizer } = setup();
    const riley = await authorizer.decide(
      mockCredentials.user(RILEY),
      PAYMENTS,
      all,
    );
    expect(allowed(riley, approve)).toEqual([]);
    expect(allowed(riley, bypass)).toEqual([]);

    const outsider = await authorizer.decide(
      mockCredentials.user(OUTSIDER),
      PAYMENTS,
      all,
    );
    for (const permission of all)
      expect(allowed(outsider, permission)).toEqual([]);
  });

  it('applies an owner condition to the loaded entity', async () => {
    const { authorizer } = setup();
    const riley = mockCredentials.user(RILEY);

    expect(
      allowed(await authorizer.decide(riley, PAYMENTS, all), promote),
    ).toEqual(ENVIRONMENTS);
    expect(
      allowed(await authorizer.decide(riley, BILLING, all), promote),
    ).toEqual([]);
    expect(
      allowed(await authorizer.decide(riley, ORPHAN, all), promote),
    ).toEqual([]);
  });

  it('applies allOf with not per environment', async () => {
    const { authorizer } = setup();
    const riley = mockCredentials.user(RILEY);

    expect(
      allowed(await authorizer.decide(riley, PAYMENTS, all), rollback),
    ).toEqual(['dev', 'staging']);
    expect(
      allowed(await authorizer.decide(riley, BILLING, all), rollback),
    ).toEqual([]);
  });

  it('applies anyOf across environment and kind', async () => {
    const { authorizer } = setup();
    const morgan = mockCredentials.user(MORGAN);

    expect(
      allowed(await authorizer.decide(morgan, PAYMENTS, all), approve),
    ).toEqual(['prod']);
    expect(
      allowed(await authorizer.decide(morgan, DATABASE, all), approve),
    ).toEqual(ENVIRONMENTS);
  });

  it('answers each permission with its own decision, whatever the order asked', async () => {
    const { authorizer } = setup();
    const morgan = mockCredentials.user(MORGAN);

    for (const order of [all, [...all].reverse(), [approve, bypass]]) {
      const decision = await authorizer.decide(morgan, PAYMENTS, order);
      expect(decision(approve, 'dev')).toBe(false);
      expect(decision(approve, 'prod')).toBe(true);
      expect(decision(bypass, 'dev')).toBe(true);
    }
  });

  it('denies a permission it was not asked about', async () => {
    const { authorizer } = setup();
    const decision = await authorizer.decide(
      mockCredentials.user(MORGAN),
      PAYMENTS,
      [approve],
    );

    // The policy would ALLOW promote, but no decision was fetched for it.
    expect(allowed(decision, promote)).toEqual([]);
    expect(allowed(decision, approve)).toEqual(['prod']);
  });

  it('fails rather than decides when a policy condition has invalid parameters', async () => {
    const { authorizer } = setup((_user, permission) =>
      conditional(permission as ResourcePermission<'promotion-target'>, {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'promotion-target',
        // A string would match by substring if it reached the rule.
        params: {
          claims: 'group:default/team-a-and-more' as unknown as string[],
        },
      }),
    );
    const decision = await authorizer.decide(
      mockCredentials.user(RILEY),
      PAYMENTS,
      [promote],
    );

    expect(() => decision(promote, 'prod')).toThrow(
      /Parameters to rule are invalid/,
    );
  });

  describe('decider', () => {
    it('asks the permission service once, then decides for many entities', async () => {
      const { authorizer, permissions } = setup();
      const credentials = mockCredentials.user(RILEY);

      const forEntity = await authorizer.decider(credentials, [
        promote,
        rollback,
      ]);

      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
      expect(permissions.authorizeConditional).toHaveBeenCalledWith(
        [{ permission: promote }, { permission: rollback }],
        { credentials },
      );

      const payments = forEntity(PAYMENTS);
      const billing = forEntity(BILLING);
      const orphan = forEntity(ORPHAN);
      expect(allowed(payments, promote)).toEqual(ENVIRONMENTS);
      expect(allowed(payments, rollback)).toEqual(['dev', 'staging']);
      expect(allowed(billing, promote)).toEqual([]);
      expect(allowed(billing, rollback)).toEqual([]);
      expect(allowed(orphan, promote)).toEqual([]);

      // Deciding for entities does not go back to the permission service.
      expect(permissions.authorizeConditional).toHaveBeenCalledTimes(1);
    });

    it('decides with the caller’s credentials, not anyone else’s', async () => {
      const { authorizer } = setup();

      const asRiley = await authorizer.decider(mockCredentials.user(RILEY), [
        promote,
        approve,
      ]);
      const asMorgan = await authorizer.decider(mockCredentials.user(MORGAN), [
        promote,
        approve,
      ]);

      expect(allowed(asRiley(BILLING), promote)).toEqual([]);
      expect(allowed(asMorgan(BILLING), promote)).toEqual(ENVIRONMENTS);
      expect(allowed(asRiley(PAYMENTS), approve)).toEqual([]);
      expect(allowed(asMorgan(PAYMENTS), approve)).toEqual(['prod']);
    });
  });
});
