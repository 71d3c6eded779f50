import { useCallback, useEffect, useRef, useState } from 'react';

type State<T> = { key: string; value?: T; error?: Error };

/** What {@link useReloadable} gives its caller. */
export type Reloadable<T> = {
  value?: T;
  error?: Error;
  /** True until the first answer (value or error) for the current key. */
  loading: boolean;
  /**
   * Reads again. Resolves once an answer at least as new as this call has
   * landed on screen, so callers can hold a button until the page shows what
   * their action did.
   */
  reload: () => Promise<void>;
  /** A new object on every answer; timers that count from answers key on it. */
  answer: object;
};

/**
 * Loads a value for a key (an entity ref, a query). A reload keeps the
 * previous value while the new one loads, and after it fails keeps it next to
 * the error, so callers can go on showing it instead of a spinner.
 */
export function useReloadable<T>(
  key: string,
  load: () => Promise<T>,
): Reloadable<T> {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<State<T>>({ key });
  const loadRef = useRef(load);
  loadRef.current = load;
  // Callers of `reload` waiting for an answer, by the generation they asked for.
  const waiting = useRef<Array<{ generation: number; resolve: () => void }>>(
    [],
  );
  const latest = useRef(generation);

  const reload = useCallback(
    () =>
      new Promise<void>(resolve => {
        latest.current += 1;
        waiting.current.push({ generation: latest.current, resolve });
        setGeneration(latest.current);
      }),
    [],
  );

  useEffect(() => {
    // Only the newest read may set the state: a slow answer for an older
    // generation or another key must not overwrite a newer one.
    let current = true;
    const settle = () => {
      const [done, pending] = partition(
        waiting.current,
        waiter => waiter.generation <= generation,
      );
      waiting.current = pending;
      done.forEach(waiter => waiter.resolve());
    };
    loadRef.current().then(
      value => {
        if (!current) return;
        setState({ key, value });
        settle();
      },
      error => {
        if (!current) return;
        setState(previous => ({
          key,
          value: previous.key === key ? previous.value : undefined,
          error,
        }));
        settle();
      },
    );
    return () => {
      current = false;
    };
  }, [key, generation]);

  // Nobody waits for a page that is gone.
  useEffect(
    () => () => {
      waiting.current.forEach(waiter => waiter.resolve());
      waiting.current = [];
    },
    [],
  );

  const own = state.key === key ? state : undefined;
  return {
    value: own?.value,
    error: own?.error,
    loading: !own || (!own.value && !own.error),
    reload,
    answer: state,
  };
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter(item => !test(item))];
}
