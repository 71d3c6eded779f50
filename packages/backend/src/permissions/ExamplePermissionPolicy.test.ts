import {
  BackstageUserInfo,
  BackstageUserPrincipal,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  PromotionTarget,
  promotionTargetRules,
} from '@promotion-for-backstage/plugin-promotion-backend';
import {
  promotionAuditReadPermission,
  promotionTargetApprovePermission,
  promotionTargetBypassPermission,
  promotionTargetPromotePermission,
  promotionTargetRollbackPermission,
  promotionTargetSyncPermission,
} from '@promotion-for-backstage/plugin-promotion-common';
import { ExamplePermissionPolicy } from './ExamplePermissionPolicy';

// Who is who in examples/org.yaml, as the user info service reports it.
const directory: Record<string, BackstageUserInfo> = {
  riley: {
    userEntityRef: 'user:default/riley',
    ownershipEntityRefs: ['user:default/riley', 'group:default/team-payments'],
  },
  morgan: {
    userEntityRef: 'user:default/morgan',
    ownershipEntityRefs: [
      'user:default/morgan',
      'group:default/release-managers',
    ],
  },
  guest: {
    userEntityRef: 'user:development/guest',
    ownershipEntityRefs: [
      'user:development/guest',
      'group:default/team-payments',
    ],
  },
  // Someone in the catalog who is in no group and owns nothing.
  sam: {
    userEntityRef: 'user:default/sam',
    ownershipEntityRefs: ['user:default/sam'],
  },
};

function userOf(name: keyof typeof directory): PolicyQueryUser {
  const info = directory[name];
  return { credentials: mockCredentials.user(info.userEntityRef), info };
}

const userInfo = mockServices.userInfo.mock({
  async getUserInfo(credentials: BackstageCredentials) {
    const { userEntityRef } = (
      credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal;
    return Object.values(directory).find(
      info => info.userEntityRef === userEntityRef,
    )!;
  },
});

const policy = new ExamplePermissionPolicy({ userInfo });
const decide = (permission: Permission, user?: PolicyQueryUser) =>
  policy.handle({ permission }, user);

// Applies a decision to a target with the plugin's rules, as the promotion
// backend does for the entity it has loaded.
const isAllowed = createConditionAuthorizer(
  Object.values(promotionTargetRules),
);
const target = (owner: string, environment: string): PromotionTarget => ({
  environment,
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'some-service', namespace: 'default' },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  },
});

describe('ExamplePermissionPolicy', () => {
  describe.each([
    ['promote', promotionTargetPromotePermission],
    ['rollback', promotionTargetRollbackPermission],
    ['sync', promotionTargetSyncPermission],
  ])('%s', (_, permission) => {
    it("is conditional on owning the target's entity, with the user's ownership refs as claims", async () => {
      await expect(decide(permission, userOf('riley'))).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'promotion',
        resourceType: 'promotion-target',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'promotion-target',
          params: {
            claims: ['user:default/riley', 'group:default/team-payments'],
          },
        },
      });
    });

    it("allows riley on team-payments' entities only", async () => {
      const decision = await decide(permission, userOf('riley'));
      const payments = target('group:default/team-payments', 'prod');
      const inventory = target('group:default/team-inventory', 'dev');
      expect(isAllowed(decision, payments)).toBe(true);
      expect(isAllowed(decision, inventory)).toBe(false);
    });

    it('holds release managers to ownership too', async () => {
      const decision = await decide(permission, userOf('morgan'));
      expect(decision).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          params: {
            claims: ['user:default/morgan', 'group:default/release-managers'],
          },
        },
      });
    });

    it("allows the guest, a member of team-payments, on team-payments' entities only", async () => {
      const decision = await decide(permission, userOf('guest'));
      expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
      const owner = 'group:default/team-payments';
      expect(isAllowed(decision, target(owner, 'staging'))).toBe(true);
      expect(isAllowed(decision, target(owner, 'prod'))).toBe(true);
      const inventory = target('group:default/team-inventory', 'staging');
      expect(isAllowed(decision, inventory)).toBe(false);
    });

    it('names no user: a guest that the catalog does not know owns nothing', async () => {
      // What the guest provider issues when the catalog has no such user.
      const unknownGuest = {
        userEntityRef: 'user:development/guest',
        ownershipEntityRefs: ['user:development/guest'],
      };
      const guestPolicy = new ExamplePermissionPolicy({
        userInfo: mockServices.userInfo.mock({
          getUserInfo: async () => unknownGuest,
        }),
      });
      const decision = await guestPolicy.handle(
        { permission },
        {
          credentials: mockCredentials.user(unknownGuest.userEntityRef),
          info: unknownGuest,
        },
      );
      const payments = target('group:default/team-payments', 'dev');
      expect(isAllowed(decision, payments)).toBe(false);
    });

    it('allows a user who owns nothing on no entity', async () => {
      const decision = await decide(permission, userOf('sam'));
      for (const owner of [
        'group:default/team-payments',
        'group:default/team-inventory',
        'group:default/release-managers',
      ]) {
        for (const environment of ['dev', 'staging', 'prod']) {
          expect(isAllowed(decision, target(owner, environment))).toBe(false);
        }
      }
    });

    it('denies a caller that is not a user', async () => {
      await expect(decide(permission)).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    });
  });

  describe('approve', () => {
    it('is conditional on the prod environment for release managers', async () => {
      await expect(
        decide(promotionTargetApprovePermission, userOf('morgan')),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'promotion',
        resourceType: 'promotion-target',
        conditions: {
          rule: 'IS_TARGET_ENVIRONMENT',
          resourceType: 'promotion-target',
          params: { environments: ['prod'] },
        },
      });
    });

    it('lets morgan approve prod of any entity, and nothing else', async () => {
      const decision = await decide(
        promotionTargetApprovePermission,
        userOf('morgan'),
      );
      const owner = 'group:default/team-payments';
      expect(isAllowed(decision, target(owner, 'prod'))).toBe(true);
      expect(isAllowed(decision, target(owner, 'staging'))).toBe(false);
      expect(isAllowed(decision, target(owner, 'dev'))).toBe(false);
    });

    it.each(['riley', 'guest', 'sam'])('denies %s', async name => {
      await expect(
        decide(promotionTargetApprovePermission, userOf(name)),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    });
  });

  describe('bypass', () => {
    it('allows release managers', async () => {
      await expect(
        decide(promotionTargetBypassPermission, userOf('morgan')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    });

    it.each(['riley', 'guest', 'sam'])('denies %s', async name => {
      await expect(
        decide(promotionTargetBypassPermission, userOf(name)),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    });
  });

  describe('audit read', () => {
    it.each(['riley', 'morgan', 'guest', 'sam'])('allows %s', async name => {
      await expect(
        decide(promotionAuditReadPermission, userOf(name)),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    });

    it('denies a caller that is not a user', async () => {
      await expect(decide(promotionAuditReadPermission)).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    });
  });

  it("allows other plugins' permissions, e.g. reading the catalog", async () => {
    const catalogEntityRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    await expect(decide(catalogEntityRead, userOf('riley'))).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
    await expect(decide(catalogEntityRead)).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('denies a promotion-target permission it does not know', async () => {
    const unknown = createPermission({
      name: 'promotion.target.teleport',
      attributes: { action: 'update' },
      resourceType: 'promotion-target',
    });
    await expect(decide(unknown, userOf('morgan'))).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
