import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * A catalog holding `entities` in which `hidden.user` sees only the refs in
 * `hidden.sees`; every other caller (other users, the plugin itself) sees all.
 */
export function hidingCatalog(
  entities: Entity[],
  hidden: { user: string; sees: string[] },
) {
  const find = (ref: string) =>
    entities.find(
      e => `component:default/${e.metadata.name}` === ref.toLowerCase(),
    );
  const visible = (options: any, ref: string) =>
    options.credentials.principal.userEntityRef !== hidden.user ||
    hidden.sees.includes(ref.toLowerCase());
  return catalogServiceMock.mock({
    getEntityByRef: async (ref: any, options: any) =>
      visible(options, String(ref)) ? find(String(ref)) : undefined,
    getEntitiesByRefs: async (req: any, options: any) => ({
      items: req.entityRefs.map((ref: string) =>
        visible(options, ref) ? find(ref) : undefined,
      ),
    }),
  });
}
