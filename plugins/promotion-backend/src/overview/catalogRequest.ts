import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { QueryEntitiesInitialRequest } from '@backstage/catalog-client';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_PROMOTION_IMAGE,
  OVERVIEW_DEFAULT_LIMIT,
  OverviewQuery,
} from '@promotion-for-backstage/plugin-promotion-common';

/** What the overview needs of an entity: its ref, title, owner, and what its pipeline and paths are made of. */
export const OVERVIEW_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
];

/**
 * One page of the annotated entities that match the query, by name: the
 * catalog filters (on the annotation, the owners, the words), orders and
 * counts them, and answers only what the caller may see.
 */
export function catalogRequest(
  query: OverviewQuery,
): QueryEntitiesInitialRequest {
  // The catalog keeps whole refs (group:default/team-a); `group:team-a` names the same owner.
  const owners = (query.owner ?? []).map(owner =>
    stringifyEntityRef(parseEntityRef(owner, { defaultNamespace: 'default' })),
  );
  return {
    filter: {
      [`metadata.annotations.${ANNOTATION_PROMOTION_IMAGE}`]:
        CATALOG_FILTER_EXISTS,
      // Ownership as the catalog resolved it from spec.owner (any of them).
      ...(owners.length > 0 ? { 'relations.ownedBy': owners } : {}),
    },
    fields: OVERVIEW_FIELDS,
    orderFields: [
      { field: 'metadata.name', order: 'asc' },
      { field: 'metadata.namespace', order: 'asc' },
    ],
    ...(query.q
      ? {
          fullTextFilter: {
            term: query.q,
            fields: ['metadata.name', 'metadata.title'],
          },
        }
      : {}),
    limit: query.limit ?? OVERVIEW_DEFAULT_LIMIT,
    offset: query.offset ?? 0,
  };
}
