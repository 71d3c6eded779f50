import { useCallback, useEffect, useRef, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  CreatePromotionRequest,
  isTerminalStatus,
  Promotion,
  PromotionStatus,
} from '@promotion-for-backstage/plugin-promotion-common';
import { promotionApiRef } from '../../api';
import { SLOW_REFRESH_MS } from '../../hooks';
import { errorMessage } from '../../lib';
import { blockingRuns } from '../GateRuns';
import { outcomeAlert } from './outcomeAlert';

/** How often a running promotion is re-read at first; execution takes seconds. */
export const FOLLOW_INTERVAL_MS = 1000;

/**
 * After this long, a request that has not settled is stuck on something slow
 * (a large repository, a busy git host); it is then re-read on the slow
 * interval, which is enough to report the outcome.
 */
export const FOLLOW_FAST_FOR_MS = 30_000;

// Here the next step belongs to a person, which can take hours; polling every
// second until then would only load the backend. The pipeline shows the open
// request instead, and refreshes itself while it is open.
const WAITING_FOR_PEOPLE: PromotionStatus[] = [
  'awaiting-approval',
  'awaiting-merge',
];

/**
 * Whether the request waits for something that takes longer than following
 * it is worth: a person, or gates that were evaluated and did not pass (a
 * soak time or a window to wait for, a failure to fix and re-run).
 */
function isWaiting(promotion: Promotion): boolean {
  if (WAITING_FOR_PEOPLE.includes(promotion.status)) {
    return true;
  }
  return (
    promotion.status === 'gating' && blockingRuns(promotion.gateRuns).length > 0
  );
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Resolves once the page is visible (nobody watches a hidden one), or once
 * `signal` aborts: a page left while hidden must not keep its listener.
 */
function visible(signal: AbortSignal): Promise<void> {
  if (!document.hidden || signal.aborted) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    function done() {
      document.removeEventListener('visibilitychange', onChange);
      signal.removeEventListener('abort', done);
      resolve();
    }
    function onChange() {
      if (!document.hidden) {
        done();
      }
    }
    document.addEventListener('visibilitychange', onChange);
    signal.addEventListener('abort', done);
  });
}

/**
 * Requests promotions and follows each one until it ends or waits for a
 * person, then tells the person how it went and calls `onSettled` so the
 * pipeline is read again. A request is re-read every second for its first
 * half minute, then on the slow interval, and not while the page is hidden.
 *
 * `running` holds the latest state of each followed promotion by target
 * environment, so the cards can show progress before the pipeline reloads.
 */
export function usePromotionRunner(options: { onSettled: () => void }) {
  const promotionApi = useApi(promotionApiRef);
  const alertApi = useApi(alertApiRef);
  const isMounted = useMountedState();
  const [running, setRunning] = useState<Record<string, Promotion>>({});

  // The latest callback, so a promotion that outlives a re-render still
  // reloads the pipeline the page shows now.
  const onSettled = useRef(options.onSettled);
  onSettled.current = options.onSettled;

  // Aborted on unmount, to stop waiting for a hidden page to be shown.
  const unmounted = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    unmounted.current = controller;
    return () => controller.abort();
  }, []);

  const track = useCallback(
    (promotion: Promotion) =>
      setRunning(all => ({ ...all, [promotion.targetEnvironment]: promotion })),
    [],
  );

  const untrack = useCallback(
    (environment: string) =>
      setRunning(({ [environment]: _done, ...rest }) => rest),
    [],
  );

  const follow = useCallback(
    async (created: Promotion) => {
      let current = created;
      const started = Date.now();
      try {
        while (!isTerminalStatus(current.status) && !isWaiting(current)) {
          await sleep(
            Date.now() - started < FOLLOW_FAST_FOR_MS
              ? FOLLOW_INTERVAL_MS
              : SLOW_REFRESH_MS,
          );
          await visible(unmounted.current.signal);
          if (!isMounted()) {
            return;
          }
          current = await promotionApi.getPromotion(current.id);
          track(current);
        }
        alertApi.post(outcomeAlert(current));
      } catch (error) {
        alertApi.post({
          message: `Could not follow the promotion to ${
            created.targetEnvironment
          }: ${errorMessage(error)}`,
          severity: 'error',
        });
      }
      if (isMounted()) {
        untrack(created.targetEnvironment);
        onSettled.current();
      }
    },
    [alertApi, isMounted, promotionApi, track, untrack],
  );

  /** Resolves once the request is accepted; rejects with the backend's error. */
  const promote = useCallback(
    async (request: CreatePromotionRequest) => {
      const created = await promotionApi.createPromotion(request);
      track(created);
      follow(created);
    },
    [follow, promotionApi, track],
  );

  return { promote, running };
}
