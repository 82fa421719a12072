// A fixed-window request counter per key (for OFREP's 429 with Retry-After). Bounded memory:
// windows that ended are dropped when the map grows.

/** The verdict for one request. */
export type RateVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counts requests per key in fixed windows of `windowMs`. */
export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one request for `key`; refuses it when the window's limit is reached. */
  take(key: string): RateVerdict {
    const now = this.now();
    let w = this.#windows.get(key);
    if (w === undefined || now - w.start >= this.windowMs) {
      if (w === undefined && this.#windows.size >= this.maxKeys) this.#prune(now);
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    if (w.count >= this.limit) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
      };
    }
    w.count++;
    return { allowed: true };
  }

  #prune(now: number): void {
    for (const [k, w] of this.#windows) if (now - w.start >= this.windowMs) this.#windows.delete(k);
    if (this.#windows.size >= this.maxKeys) this.#windows.clear();
  }
}
