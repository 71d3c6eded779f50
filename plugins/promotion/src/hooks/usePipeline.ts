import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Pipeline } from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../api';
import { pipelineRefreshMs } from './refreshIntervals';
import { useAutoRefresh } from './useAutoRefresh';
import { Reloadable, useReloadable } from './useReloadable';

/**
 * Loads an entity's pipeline. `reload` keeps the previous value while the new
 * one loads, so callers can keep showing the cards instead of a spinner; a
 * failed reload keeps it too, next to the error.
 *
 * With `live`, requests made elsewhere (the scheduler, CI, other people) and
 * their progress show up without a page reload: the pipeline is read again as
 * often as its open requests need ({@link pipelineRefreshMs}), after a failed
 * read on the slow interval, and whenever the person returns to the page.
 */
export function usePipeline(
  entityRef: string,
  options: { live?: boolean } = {},
): Omit<Reloadable<Pipeline>, 'answer'> {
  const promotionApi = useApi(promotionApiRef);
  const load = useCallback(
    () => promotionApi.getPipeline(entityRef),
    [promotionApi, entityRef],
  );
  const { answer, ...pipeline } = useReloadable(entityRef, load);

  useAutoRefresh({
    enabled: Boolean(options.live),
    refresh: pipeline.reload,
    intervalMs: pipelineRefreshMs(pipeline.value, Boolean(pipeline.error)),
    answer,
  });

  return pipeline;
}
