import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

const REF_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];
/** Refs per catalog call: the overall metrics may name thousands of entities. */
const BATCH = 1000;

/** Of some stored entity refs, those the caller may see in the catalog now, in order. */
export async function visibleEntityRefs(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  refs: string[],
): Promise<string[]> {
  const visible: string[] = [];
  for (let start = 0; start < refs.length; start += BATCH) {
    const batch = refs.slice(start, start + BATCH);
    // The catalog answers in the order asked, with a gap for each ref it does not show.
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: batch, fields: REF_FIELDS },
      { credentials },
    );
    items.forEach((entity, i) => {
      if (entity && stringifyEntityRef(entity) === batch[i]) {
        visible.push(batch[i]);
      }
    });
  }
  return visible;
}

/** The refs of the entities that a group owns, as the caller may see them in the catalog. */
export async function ownedEntityRefs(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  groupRef: string,
): Promise<string[]> {
  const { items } = await catalog.getEntities(
    { filter: { 'relations.ownedBy': groupRef }, fields: REF_FIELDS },
    { credentials },
  );
  return [...new Set(items.map(entity => stringifyEntityRef(entity)))].sort();
}
