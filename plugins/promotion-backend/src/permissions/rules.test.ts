import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { hasEntityKind } from './hasEntityKind';
import { isEntityOwner } from './isEntityOwner';
import { isTargetEnvironment } from './isTargetEnvironment';
import { PromotionTarget } from './resource';
import { promotionTargetRules } from './rules';

const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

function target(
  environment: string,
  overrides: Partial<Entity> & { kind?: string } = {},
): PromotionTarget {
  return {
    environment,
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments', namespace: 'default' },
      spec: { owner: TEAM_A },
      relations: [{ type: RELATION_OWNED_BY, targetRef: TEAM_A }],
      ...overrides,
    },
  };
}

describe('isEntityOwner', () => {
  it('matches when one of the claims owns the entity', () => {
    expect(isEntityOwner.apply(target('prod'), { claims: [TEAM_A] })).toBe(
      true,
    );
    expect(
      isEntityOwner.apply(target('prod'), {
        claims: ['user:default/riley', TEAM_A],
      }),
    ).toBe(true);
  });

  it('does not match when none of the claims owns the entity', () => {
    expect(isEntityOwner.apply(target('prod'), { claims: [TEAM_B] })).toBe(
      false,
    );
    expect(isEntityOwner.apply(target('prod'), { claims: [] })).toBe(false);
  });

  it('matches claims exactly, not by prefix', () => {
    const owned = target('prod', {
      relations: [
        { type: RELATION_OWNED_BY, targetRef: 'group:default/team-a-admins' },
      ],
    });
    expect(isEntityOwner.apply(owned, { claims: [TEAM_A] })).toBe(false);
  });

  it('reads ownership from ownedBy relations only', () => {
    const partOfTeamA = target('prod', {
      relations: [{ type: RELATION_PART_OF, targetRef: TEAM_A }],
    });
    expect(isEntityOwner.apply(partOfTeamA, { claims: [TEAM_A] })).toBe(false);

    const ownedByB = target('prod', {
      relations: [
        { type: RELATION_PART_OF, targetRef: TEAM_A },
        { type: RELATION_OWNED_BY, targetRef: TEAM_B },
      ],
    });
    expect(isEntityOwner.apply(ownedByB, { claims: [TEAM_B] })).toBe(true);
  });

  it('does not match an entity without relations, whatever spec.owner says', () => {
    // spec.owner is unresolved input; only the catalog's relations are trusted.
    expect(
      isEntityOwner.apply(target('prod', { relations: undefined }), {
        claims: [TEAM_A],
      }),
    ).toBe(false);
    expect(
      isEntityOwner.apply(target('prod', { relations: [] }), {
        claims: [TEAM_A],
      }),
    ).toBe(false);
  });

  it('filters lists by owner', () => {
    expect(isEntityOwner.toQuery({ claims: [TEAM_A, TEAM_B] })).toEqual({
      key: 'owner',
      values: [TEAM_A, TEAM_B],
    });
  });
});

describe('isTargetEnvironment', () => {
  it('matches the listed environments only', () => {
    expect(
      isTargetEnvironment.apply(target('prod'), {
        environments: ['staging', 'prod'],
      }),
    ).toBe(true);
    expect(
      isTargetEnvironment.apply(target('dev'), {
        environments: ['staging', 'prod'],
      }),
    ).toBe(false);
    expect(
      isTargetEnvironment.apply(target('prod'), { environments: [] }),
    ).toBe(false);
  });

  it('matches environment names exactly', () => {
    expect(
      isTargetEnvironment.apply(target('prod-eu'), { environments: ['prod'] }),
    ).toBe(false);
    expect(
      isTargetEnvironment.apply(target('prod'), { environments: ['prod-eu'] }),
    ).toBe(false);
  });

  it('filters lists by environment', () => {
    expect(isTargetEnvironment.toQuery({ environments: ['prod'] })).toEqual({
      key: 'environment',
      values: ['prod'],
    });
  });
});

describe('hasEntityKind', () => {
  it('matches the listed kinds only', () => {
    expect(
      hasEntityKind.apply(target('prod'), { kinds: ['API', 'Component'] }),
    ).toBe(true);
    expect(
      hasEntityKind.apply(target('prod'), { kinds: ['API', 'Resource'] }),
    ).toBe(false);
    expect(hasEntityKind.apply(target('prod'), { kinds: [] })).toBe(false);
  });

  it('ignores case, as entity kinds do in refs', () => {
    expect(hasEntityKind.apply(target('prod'), { kinds: ['component'] })).toBe(
      true,
    );
    expect(hasEntityKind.apply(target('prod'), { kinds: ['COMPONENT'] })).toBe(
      true,
    );
    expect(
      hasEntityKind.apply(target('prod', { kind: 'component' }), {
        kinds: ['Component'],
      }),
    ).toBe(true);
  });

  it('filters lists by lower-cased kind', () => {
    expect(hasEntityKind.toQuery({ kinds: ['Component', 'API'] })).toEqual({
      key: 'kind',
      values: ['component', 'api'],
    });
  });
});

describe('rule parameters', () => {
  // The same path the plugin takes when it applies a policy's conditions.
  const authorize = createConditionAuthorizer<PromotionTarget>({
    getRuleByName: name =>
      Object.values(promotionTargetRules).find(rule => rule.name === name)!,
  });

  function decide(rule: string, params: unknown) {
    const decision = {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'promotion',
      resourceType: 'promotion-target',
      conditions: { rule, resourceType: 'promotion-target', params },
    } as PolicyDecision;
    return () => authorize(decision, target('prod'));
  }

  it.each([
    ['IS_ENTITY_OWNER', { claims: [TEAM_A] }],
    ['IS_TARGET_ENVIRONMENT', { environments: ['prod'] }],
    ['HAS_ENTITY_KIND', { kinds: ['Component'] }],
  ])('%s accepts %j', (rule, params) => {
    expect(decide(rule, params)()).toBe(true);
  });

  it.each([
    ['IS_ENTITY_OWNER', undefined],
    ['IS_ENTITY_OWNER', {}],
    // A string would otherwise match by substring through `includes`.
    ['IS_ENTITY_OWNER', { claims: TEAM_A }],
    ['IS_ENTITY_OWNER', { claims: [1] }],
    ['IS_TARGET_ENVIRONMENT', { environments: 'prod' }],
    ['IS_TARGET_ENVIRONMENT', { environment: ['prod'] }],
    ['HAS_ENTITY_KIND', { kinds: 'Component' }],
    ['HAS_ENTITY_KIND', { kinds: [null] }],
  ])('%s rejects %j', (rule, params) => {
    expect(decide(rule, params)).toThrow(/Parameters to rule are invalid/);
  });
});
