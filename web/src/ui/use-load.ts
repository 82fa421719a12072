// Loading state for one async read: data, error, loading, and a reload function.
import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of a read. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `read` now and whenever `deps` change; stale answers are dropped. */
export function useLoad<T>(read: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    read().then(
      (data) => {
        if (generation.current === mine) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (generation.current === mine) setState({ error, loading: false });
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
