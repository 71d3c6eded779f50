import { useEffect, useRef } from 'react';

/**
 * Focus and visibility can both fire for one return to the page; one read is
 * enough for both.
 */
const FOCUS_DEBOUNCE_MS = 1000;

/**
 * Keeps what a page shows fresh without loading the backend needlessly:
 *
 * - `intervalMs` after every answer (`answer` changes), `refresh` runs again;
 *   armed by answers, so reads never overlap. Without an interval nothing is
 *   scheduled.
 * - Nothing is read while the page is hidden (another tab, a minimised
 *   window); a timer that comes due then is dropped.
 * - When the window regains focus or the page becomes visible again, it is
 *   read at once: that is when a person looks, and what others did meanwhile
 *   (an approval, a new request) shows up.
 */
export function useAutoRefresh(options: {
  refresh: () => unknown;
  intervalMs?: number;
  answer: unknown;
  /** False for a view that only reads once, e.g. a summary card. */
  enabled?: boolean;
}) {
  const { refresh, intervalMs, answer, enabled = true } = options;
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  useEffect(() => {
    if (!enabled || intervalMs === undefined) {
      return undefined;
    }
    const timer = setTimeout(() => {
      if (!document.hidden) {
        refreshRef.current();
      }
    }, intervalMs);
    return () => clearTimeout(timer);
  }, [enabled, intervalMs, answer]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    let last = 0;
    const onReturn = () => {
      const now = Date.now();
      if (document.hidden || now - last < FOCUS_DEBOUNCE_MS) {
        return;
      }
      last = now;
      refreshRef.current();
    };
    window.addEventListener('focus', onReturn);
    document.addEventListener('visibilitychange', onReturn);
    return () => {
      window.removeEventListener('focus', onReturn);
      document.removeEventListener('visibilitychange', onReturn);
    };
  }, [enabled]);
}
