import { useCallback } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import {
  appTreeApiRef,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { PROMOTION_TAB_PATH, PROMOTION_TAB_EXTENSION_ID } from '../routes';

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/**
 * Where the tab is mounted below the entity page: as configured on the tab's
 * extension in the new frontend system (`app.extensions`), else the default.
 * The legacy system has no way to ask; there an app that mounts the tab
 * elsewhere passes the path.
 */
function useTabPath(override?: string): string {
  const apis = useApiHolder();
  if (override !== undefined) {
    return trimSlashes(override);
  }
  const node = apis
    .get(appTreeApiRef)
    ?.getTree()
    .tree.nodes.get(PROMOTION_TAB_EXTENSION_ID);
  // The instance knows the path it was given; until the entity page has
  // instantiated the tab, its configuration says the same.
  const fromInstance = node?.instance?.getData(coreExtensionData.routePath);
  const config = node?.spec.config as { path?: unknown } | undefined;
  const fromConfig = typeof config?.path === 'string' ? config.path : undefined;
  return trimSlashes(fromInstance ?? fromConfig ?? PROMOTION_TAB_PATH);
}

/**
 * Links to an entity's Promotion tab: the catalog's entity route (whatever
 * path the app gives it) followed by the tab's path.
 */
export function usePromotionTabLink(
  tabPath?: string,
): (entityRef: string) => string {
  const entityLink = useEntityRefLink();
  const path = useTabPath(tabPath);
  return useCallback(
    (entityRef: string) => `${entityLink(entityRef)}/${path}`,
    [entityLink, path],
  );
}
