// Reconnection policy shared by both SDKs: jittered exponential backoff, and what each WebSocket
// close code means (see `proto/vane/sync/v1/frames.proto`, `CloseCode`).

/** Backoff settings; every SDK option object accepts these under `reconnect`. */
export interface ReconnectOptions {
  /** First delay after a failed or lost connection (default 1000 ms). */
  readonly initialDelayMs?: number;
  /** Upper bound of the delay (default 60000 ms). */
  readonly maxDelayMs?: number;
  /** After ELS closes with 1001 (restart), the first attempt waits a random 0..this (default 5000 ms). */
  readonly goingAwayJitterMs?: number;
  /** A connection that stayed open this long resets the backoff (default 60000 ms). */
  readonly resetAfterMs?: number;
}

/** Close codes after which an SDK must not reconnect: its configuration is wrong. */
export const PERMANENT_CLOSE_CODES: readonly number[] = [4000, 4001, 4003, 4008];

/** What the code says to do: stop, or wait at least this many ms before the next attempt. */
export function reconnectDelay(
  code: number,
  attempt: number,
  options: ReconnectOptions,
  random: () => number = Math.random,
): number | 'stop' {
  if (code === 1000 || PERMANENT_CLOSE_CODES.includes(code)) return 'stop';
  const initial = options.initialDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 60_000;
  if (code === 1001 && attempt === 0)
    return Math.floor(random() * (options.goingAwayJitterMs ?? 5000));
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  // "Equal jitter": half fixed, half random, so clients spread out but never retry at once.
  const delay = Math.floor(base / 2 + (random() * base) / 2);
  return code === 4029 ? Math.max(delay, 30_000) : delay;
}
