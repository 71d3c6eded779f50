import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { DoraMetricsQuery } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';

/** The DORA metrics for a query, read again whenever the query changes. */
export function useDoraMetrics(query: DoraMetricsQuery) {
  const promotionApi = useApi(promotionApiRef);
  const key = JSON.stringify(query);
  return useAsync(
    () => promotionApi.getDoraMetrics(JSON.parse(key)),
    [promotionApi, key],
  );
}
