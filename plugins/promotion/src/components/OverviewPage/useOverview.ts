import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  OverviewQuery,
  PromotionOverview,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import { SLOW_REFRESH_MS } from '../../hooks';
import { useAutoRefresh } from '../../hooks/useAutoRefresh';
import { Reloadable, useReloadable } from '../../hooks/useReloadable';

/**
 * One page of the overview for the query. Promotions move while the page is
 * open, so it is read again every {@link SLOW_REFRESH_MS} and when the person
 * returns to the page; a failed read keeps the last page next to the error.
 */
export function useOverview(
  query: OverviewQuery,
): Omit<Reloadable<PromotionOverview>, 'answer'> {
  const promotionApi = useApi(promotionApiRef);
  const key = JSON.stringify(query);
  const load = useCallback(
    () => promotionApi.getOverview(JSON.parse(key)),
    [promotionApi, key],
  );
  const { answer, ...page } = useReloadable(`overview:${key}`, load);
  useAutoRefresh({ refresh: page.reload, intervalMs: SLOW_REFRESH_MS, answer });
  return page;
}
