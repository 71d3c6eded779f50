import request from 'supertest';
import {
  coreServices,
  createBackendPlugin,
  PermissionsRegistryServiceAddResourceTypeOptions,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  promotionAuditReadPermission,
  promotionPermissions,
} from '@promotion-for-backstage/plugin-promotion-common';
import { registerPermissions } from './registerPermissions';
import { PromotionTarget, PromotionTargetQuery } from './resource';

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { owner },
    relations: [{ type: RELATION_OWNED_BY, targetRef: owner }],
  };
}

const PAYMENTS = component('payments', 'group:default/team-a');
const BILLING = component('billing', 'group:default/team-b');

type RegisteredResourceType = PermissionsRegistryServiceAddResourceTypeOptions<
  'promotion-target',
  PromotionTarget,
  PromotionTargetQuery
>;

/**
 * Registers against a registry that only records, over a catalog that answers
 * like the real one: one item per ref, in order, `null` for refs it does not
 * know (the catalog does not parse refs, it just finds no row).
 */
function register(
  find: (entityRef: string) => Entity | null = ref =>
    [PAYMENTS, BILLING].find(
      e => `component:default/${e.metadata.name}` === ref,
    ) ?? null,
) {
  const permissionsRegistry = mockServices.permissionsRegistry.mock();
  const catalog = catalogServiceMock.mock({
    // Typed as undefined, but the catalog sends null for a missing entity.
    getEntitiesByRefs: async ({ entityRefs }) => ({
      items: entityRefs.map(find) as (Entity | undefined)[],
    }),
  });
  const auth = mockServices.auth({ pluginId: 'promotion' });
  registerPermissions({ permissionsRegistry, catalog, auth });

  expect(permissionsRegistry.addResourceType).toHaveBeenCalledTimes(1);
  const resourceType = permissionsRegistry.addResourceType.mock
    .calls[0][0] as unknown as RegisteredResourceType;
  return { permissionsRegistry, catalog, resourceType };
}

describe('registerPermissions', () => {
  it('registers the promotion-target resource type of the promotion plugin', () => {
    const { resourceType } = register();

    expect(resourceType.resourceRef.resourceType).toBe('promotion-target');
    expect(resourceType.resourceRef.pluginId).toBe('promotion');
  });

  it('attaches exactly the resource permissions of promotion-common to the resource type', () => {
    const { resourceType } = register();

    const names = resourceType.permissions!.map(p => p.name).sort();
    expect(names).toEqual(
      promotionPermissions
        .filter(p => p.type === 'resource')
        .map(p => p.name)
        .sort(),
    );
    // The five target permissions the product defines, and nothing else.
    expect(names).toEqual([
      'promotion.target.approve',
      'promotion.target.bypass',
      'promotion.target.promote',
      'promotion.target.rollback',
      'promotion.target.sync',
    ]);
    expect(resourceType.permissions!.every(p => p.type === 'resource')).toBe(
      true,
    );
  });

  it('adds the basic audit permission on its own, since it has no resource', () => {
    const { permissionsRegistry } = register();

    expect(permissionsRegistry.addPermissions).toHaveBeenCalledTimes(1);
    expect(permissionsRegistry.addPermissions).toHaveBeenCalledWith([
      promotionAuditReadPermission,
    ]);
    expect(promotionAuditReadPermission).toMatchObject({
      name: 'promotion.audit.read',
      type: 'basic',
    });
  });

  it('registers the three target rules', () => {
    const { resourceType } = register();

    expect(resourceType.rules!.map(rule => rule.name).sort()).toEqual([
      'HAS_ENTITY_KIND',
      'IS_ENTITY_OWNER',
      'IS_TARGET_ENVIRONMENT',
    ]);
    expect(
      resourceType.rules!.every(
        rule => rule.resourceType === 'promotion-target',
      ),
    ).toBe(true);
  });

  describe('getResources', () => {
    it('loads all entities in one catalog call with the plugin’s own credentials', async () => {
      const { catalog, resourceType } = register();

      await resourceType.getResources!([
        'component:default/payments@prod',
        'component:default/billing@dev',
        'component:default/payments@staging',
      ]);

      expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(1);
      const [batch, options] = catalog.getEntitiesByRefs.mock.calls[0];
      expect(batch.entityRefs).toEqual([
        'component:default/payments',
        'component:default/billing',
        'component:default/payments',
      ]);
      // The permission backend is the caller here, not a user: the catalog
      // must be asked as the promotion plugin itself.
      expect(options).toEqual({
        credentials: mockCredentials.service('plugin:promotion'),
      });
    });

    it('returns one target per ref, in the order asked', async () => {
      const { resourceType } = register();

      const targets = await resourceType.getResources!([
        'component:default/billing@dev',
        'component:default/payments@prod',
        'component:default/payments@staging',
      ]);

      expect(targets).toEqual([
        { entity: BILLING, environment: 'dev' },
        { entity: PAYMENTS, environment: 'prod' },
        { entity: PAYMENTS, environment: 'staging' },
      ]);
    });

    it('returns undefined for an entity the catalog does not know, keeping the others', async () => {
      const { resourceType } = register();

      const targets = await resourceType.getResources!([
        'component:default/payments@prod',
        'component:default/ghost@prod',
        'component:default/billing@dev',
      ]);

      expect(targets).toEqual([
        { entity: PAYMENTS, environment: 'prod' },
        undefined,
        { entity: BILLING, environment: 'dev' },
      ]);
    });

    it.each([
      ['no environment', 'component:default/payments'],
      ['an empty environment', 'component:default/payments@'],
      ['no entity', '@prod'],
    ])(
      'returns undefined for a ref with %s, keeping the others, in one catalog call',
      async (_case, malformed) => {
        const { catalog, resourceType } = register();

        const targets = await resourceType.getResources!([
          'component:default/billing@dev',
          malformed,
          'component:default/payments@prod',
        ]);

        expect(targets).toEqual([
          { entity: BILLING, environment: 'dev' },
          undefined,
          { entity: PAYMENTS, environment: 'prod' },
        ]);
        expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(1);
      },
    );

    it('never turns a malformed ref into a target, whatever the catalog answers for it', async () => {
      // A catalog that finds something for every ref it is asked about.
      const { resourceType } = register(() => PAYMENTS);

      await expect(
        resourceType.getResources!([
          'component:default/payments',
          'component:default/payments@prod',
        ]),
      ).resolves.toEqual([
        undefined,
        { entity: PAYMENTS, environment: 'prod' },
      ]);
    });
  });
});

/**
 * The same registration on the real permissions registry, answering the
 * permission backend over HTTP, as it does when a policy returns conditions.
 */
describe('registerPermissions on a running backend', () => {
  async function startBackend() {
    const plugin = createBackendPlugin({
      pluginId: 'promotion',
      register(env) {
        env.registerInit({
          deps: {
            permissionsRegistry: coreServices.permissionsRegistry,
            auth: coreServices.auth,
            catalog: catalogServiceRef,
          },
          async init(deps) {
            registerPermissions(deps);
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        plugin,
        catalogServiceMock.factory({ entities: [PAYMENTS, BILLING] }),
      ],
    });
    return server;
  }

  const ownedByTeamA = {
    rule: 'IS_ENTITY_OWNER',
    resourceType: 'promotion-target',
    params: { claims: ['group:default/team-a'] },
  };

  it('publishes the permissions and the rules with their parameter schemas', async () => {
    const server = await startBackend();

    const res = await request(server)
      .get('/api/promotion/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());

    expect(res.status).toBe(200);
    expect(
      res.body.permissions.map((p: { name: string }) => p.name).sort(),
    ).toEqual(promotionPermissions.map(p => p.name).sort());
    const rules = Object.fromEntries(
      res.body.rules.map((r: { name: string; paramsSchema: object }) => [
        r.name,
        r.paramsSchema,
      ]),
    );
    expect(Object.keys(rules).sort()).toEqual([
      'HAS_ENTITY_KIND',
      'IS_ENTITY_OWNER',
      'IS_TARGET_ENVIRONMENT',
    ]);
    expect(rules.IS_ENTITY_OWNER).toMatchObject({
      type: 'object',
      properties: { claims: { type: 'array', items: { type: 'string' } } },
      required: ['claims'],
    });
    expect(rules.IS_TARGET_ENVIRONMENT).toMatchObject({
      required: ['environments'],
    });
    expect(rules.HAS_ENTITY_KIND).toMatchObject({ required: ['kinds'] });
  });

  it('applies a policy’s conditions to targets it loads from the catalog', async () => {
    const server = await startBackend();

    const res = await request(server)
      .post('/api/promotion/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: 'owner',
            resourceType: 'promotion-target',
            resourceRef: [
              'component:default/payments@prod',
              'component:default/billing@prod',
              'component:default/ghost@prod',
              'not-a-target-ref',
            ],
            conditions: ownedByTeamA,
          },
          {
            id: 'prod-of-team-a',
            resourceType: 'promotion-target',
            resourceRef: [
              'component:default/payments@prod',
              'component:default/payments@dev',
            ],
            conditions: {
              allOf: [
                ownedByTeamA,
                {
                  rule: 'IS_TARGET_ENVIRONMENT',
                  resourceType: 'promotion-target',
                  params: { environments: ['prod'] },
                },
              ],
            },
          },
        ],
      });

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: 'owner', result: ['ALLOW', 'DENY', 'DENY', 'DENY'] },
      { id: 'prod-of-team-a', result: ['ALLOW', 'DENY'] },
    ]);
  });

  it('rejects conditions whose parameters do not fit the rule', async () => {
    const server = await startBackend();

    const res = await request(server)
      .post('/api/promotion/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: 'bad',
            resourceType: 'promotion-target',
            resourceRef: 'component:default/payments@prod',
            conditions: {
              ...ownedByTeamA,
              params: { claims: 'group:default/team-a' },
            },
          },
        ],
      });

    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Parameters to rule are invalid/);
  });
});
