import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The entities behind some refs, as the caller may see them in the catalog,
 * asked once per ref for the life of one HTTP request (a page of requests or
 * an audit export names the same few entities again and again). Refs are in
 * their stored form; `fields` narrows what the catalog sends back.
 */
export function catalogLookup(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  fields?: string[],
) {
  const known = new Map<string, Entity | null>();
  return async (
    refs: Iterable<string>,
  ): Promise<(ref: string) => Entity | undefined> => {
    const unknown = [...new Set(refs)].filter(ref => !known.has(ref));
    if (unknown.length > 0) {
      // The catalog answers in the order asked, with a gap for each ref it does not show.
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: unknown, ...(fields ? { fields } : {}) },
        { credentials },
      );
      unknown.forEach((ref, i) => known.set(ref, items[i] ?? null));
    }
    return ref => known.get(ref) ?? undefined;
  };
}

const REF_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];

/**
 * Which of some entity refs the caller may see in the catalog.
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
  const callerSees = catalogLookup(catalog, credentials, REF_FIELDS);
  let pluginSees: ReturnType<typeof catalogLookup> | undefined;
  return async (refs: Iterable<string>): Promise<(ref: string) => boolean> => {
    const wanted = [...refs];
    const seen = await callerSees(wanted);
    const hidden = wanted.filter(ref => !seen(ref));
    if (hidden.length === 0 || !asPlugin) return ref => !!seen(ref);
    pluginSees ??= catalogLookup(catalog, await asPlugin(), REF_FIELDS);
    const exists = await pluginSees(hidden);
    return ref => !!seen(ref) || !exists(ref);
  };
}
