// A tiny typed event emitter shared by both SDKs (Node's EventEmitter is not in browsers, and a
// throwing 'error' event would break the "never throw" promise).

/** Unsubscribes a listener. */
export type Unsubscribe = () => void;

/** Listeners per event name; a listener that throws is ignored (reported to `onListenerError`). */
export class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Calls `listener` on every `event` until the returned function is called. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Calls every listener of `event` with `payload`. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch {
        // A broken application listener must not break the SDK.
      }
    }
  }
}
