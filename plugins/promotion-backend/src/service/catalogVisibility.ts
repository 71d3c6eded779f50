import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Which of some entity refs the caller may see in the catalog, asked once per
 * ref for the life of one HTTP request (an audit export names the same few
 * entities thousands of times). Refs are compared in their stored form.
 */
export function catalogVisibility(
  catalog: CatalogService,
  credentials: BackstageCredentials,
) {
  const known = new Map<string, boolean>();
  return async (refs: Iterable<string>): Promise<(ref: string) => boolean> => {
    const unknown = [...new Set(refs)].filter(ref => !known.has(ref));
    if (unknown.length > 0) {
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: unknown,
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      const seen = new Set(
        items.flatMap(entity => (entity ? [stringifyEntityRef(entity)] : [])),
      );
      for (const ref of unknown) known.set(ref, seen.has(ref));
    }
    return ref => known.get(ref) === true;
  };
}
