import { DEFAULT_NAMESPACE, parseEntityRef } from '@backstage/catalog-model';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';

/**
 * How people name an entity in a sentence: `payments`, or `finance/billing`
 * outside the default namespace, as the catalog's display names do.
 */
export function entityName(entityRef: string): string {
  const { namespace, name } = parseEntityRef(entityRef);
  return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
}

/**
 * What an action on a request acts on, e.g. `promotion of payments to prod`
 * or `rollback of payments in prod`:
 * the words a button's accessible name and an alert use, so that a list of
 * requests for many entities and environments stays unambiguous.
 */
export function requestName(
  request: Pick<Promotion, 'entityRef' | 'targetEnvironment'> &
    Partial<Pick<Promotion, 'kind'>>,
): string {
  // A rollback stays in its environment: `rollback of payments in prod`.
  if (request.kind === 'rollback') {
    return `rollback of ${entityName(request.entityRef)} in ${
      request.targetEnvironment
    }`;
  }
  return `promotion of ${entityName(request.entityRef)} to ${
    request.targetEnvironment
  }`;
}
