// Frame rate limits: a token bucket per connection and one per environment (shared by that
// environment's connections on this instance). A frame over either limit is dropped and answered
// with `RATE_LIMITED`; a connection that keeps sending while limited is closed with 4029.
import type { SdkConnection } from './sdk-connection.js';

/** Frames per second with a burst, per connection and per environment. */
export interface RateLimits {
  readonly connectionFramesPerSecond: number;
  readonly connectionBurst: number;
  readonly environmentFramesPerSecond: number;
  readonly environmentBurst: number;
  /** Frames dropped in a row on one connection before it is closed with 4029. */
  readonly closeAfterDropped: number;
}

/** Defaults, also in `config.ts`. */
export const DEFAULT_RATE_LIMITS: RateLimits = Object.freeze({
  connectionFramesPerSecond: 50,
  connectionBurst: 100,
  environmentFramesPerSecond: 10_000,
  environmentBurst: 20_000,
  closeAfterDropped: 20,
});

/** A token bucket refilled continuously at `rate` per second up to `burst`. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#at = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until one token is available. */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.rate) * 1000);
  }

  /** True when the bucket is full (nothing to remember about it). */
  full(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.burst;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#at) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.rate);
    this.#at = now;
  }
}

/** The verdict for one frame. */
export type RateVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly close: boolean };

/** Applies the limits to the frames of every connection. */
export class FrameRateLimiter {
  readonly #connections = new WeakMap<SdkConnection, { bucket: TokenBucket; dropped: number }>();
  readonly #environments = new Map<string, TokenBucket>();
  #checks = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one inbound frame of the connection; says whether to handle it. */
  check(conn: SdkConnection): RateVerdict {
    const now = this.now();
    let state = this.#connections.get(conn);
    if (state === undefined) {
      state = {
        bucket: new TokenBucket(
          this.limits.connectionFramesPerSecond,
          this.limits.connectionBurst,
          now,
        ),
        dropped: 0,
      };
      this.#connections.set(conn, state);
    }
    let env = this.#environments.get(conn.envId);
    if (env === undefined) {
      env = new TokenBucket(
        this.limits.environmentFramesPerSecond,
        this.limits.environmentBurst,
        now,
      );
      this.#environments.set(conn.envId, env);
    }
    if (++this.#checks % 10_000 === 0) this.#prune(now);
    // The connection's token is taken first, so one flooding connection drains only its own.
    const connOk = state.bucket.take(now);
    if (connOk && env.take(now)) {
      state.dropped = 0;
      return { allowed: true };
    }
    state.dropped += 1;
    const retryAfterMs = Math.max(connOk ? env.waitMs(now) : state.bucket.waitMs(now), 1);
    return { allowed: false, retryAfterMs, close: state.dropped > this.limits.closeAfterDropped };
  }

  // Environments whose bucket is full carry no state worth keeping.
  #prune(now: number): void {
    for (const [envId, bucket] of this.#environments) {
      if (bucket.full(now)) this.#environments.delete(envId);
    }
  }
}
