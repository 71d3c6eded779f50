import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Promotion } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../api';
import { SLOW_REFRESH_MS } from './refreshIntervals';
import { useAutoRefresh } from './useAutoRefresh';
import { Reloadable, useReloadable } from './useReloadable';

/**
 * What the signed-in user may approve now. Requests arrive and are decided
 * by others while the page is open, so it is read again every
 * {@link SLOW_REFRESH_MS} and whenever the person returns to the page; a
 * failed read keeps the last list next to the error.
 */
export function useAwaitingMyApproval(): Omit<
  Reloadable<Promotion[]>,
  'answer'
> {
  const promotionApi = useApi(promotionApiRef);
  const load = useCallback(
    () =>
      promotionApi
        .listPromotions({ awaitingMyApproval: true })
        .then(({ items }) => items),
    [promotionApi],
  );
  const { answer, ...list } = useReloadable('awaiting-my-approval', load);
  useAutoRefresh({
    refresh: list.reload,
    intervalMs: SLOW_REFRESH_MS,
    answer,
  });
  return list;
}
