import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Which of some entity refs the caller may see in the catalog, asked once per
 * ref for the life of one HTTP request (an audit export names the same few
 * entities thousands of times). Refs are compared in their stored form.
 *
 * With `asPlugin` (the plugin's own credentials), a ref that the catalog no
 * longer holds at all counts as visible: there is no entity left to hide, and
 * the records of a retired service must stay readable to auditors. Only refs
 * the caller cannot see are asked again that way.
 */
export function catalogVisibility(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  asPlugin?: () => Promise<BackstageCredentials>,
) {
  const known = new Map<string, boolean>();
  const existing = async (refs: string[], as: BackstageCredentials) => {
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: as },
    );
    return new Set(
      items.flatMap(entity => (entity ? [stringifyEntityRef(entity)] : [])),
    );
  };
  return async (refs: Iterable<string>): Promise<(ref: string) => boolean> => {
    const unknown = [...new Set(refs)].filter(ref => !known.has(ref));
    if (unknown.length > 0) {
      const seen = await existing(unknown, credentials);
      const hidden = unknown.filter(ref => !seen.has(ref));
      const stillThere =
        hidden.length > 0 && asPlugin
          ? await existing(hidden, await asPlugin())
          : new Set(hidden);
      for (const ref of unknown)
        known.set(ref, seen.has(ref) || !stillThere.has(ref));
    }
    return ref => known.get(ref) === true;
  };
}
