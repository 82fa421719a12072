// A bounded queue of insight events sent as TrackRequest batches: kept until ELS acknowledges
// them, put back when the connection drops before the ack (ids make resends count once), and
// drained by `close()`.

/** Queue settings, under `events` in both SDKs' options. */
export interface EventQueueOptions {
  /** Send a batch at least this often while events wait (default 2000 ms). */
  readonly flushIntervalMs?: number;
  /** Events per TrackRequest, at most 1000 (ELS's limit; default 500). */
  readonly maxBatchSize?: number;
  /** Events held at most; beyond it the oldest are dropped and counted (default 10000). */
  readonly maxQueueSize?: number;
}

/** Sends one batch with a request id; returns false when there is no open connection. */
export type BatchSender<E> = (batch: readonly E[], requestId: number) => boolean;

/** See the module comment. */
export class EventQueue<E> {
  #queue: E[] = [];
  readonly #inFlight = new Map<number, readonly E[]>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #waiters = new Set<() => void>();
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly options: EventQueueOptions,
    private readonly send: BatchSender<E>,
    private readonly nextRequestId: () => number,
  ) {
    this.#timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 2000);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Events waiting or in flight. */
  get size(): number {
    let n = this.#queue.length;
    for (const batch of this.#inFlight.values()) n += batch.length;
    return n;
  }

  /** Queues an event; a full batch is sent at once. */
  push(event: E): void {
    this.#queue.push(event);
    const excess = this.size - (this.options.maxQueueSize ?? 10_000);
    if (excess > 0) {
      this.#queue.splice(0, excess);
      this.dropped += excess;
    }
    if (this.#queue.length >= this.#batchSize()) this.flush();
  }

  /** Sends every waiting event (in batches) if a connection is open. */
  flush(): void {
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, this.#batchSize());
      const id = this.nextRequestId();
      if (!this.send(batch, id)) return;
      this.#queue.splice(0, batch.length);
      this.#inFlight.set(id, batch);
    }
  }

  /** ELS acknowledged the batch `requestId`. Returns whether it was one of ours. */
  ack(requestId: number): boolean {
    const had = this.#inFlight.delete(requestId);
    if (had) this.#settle();
    return had;
  }

  /**
   * ELS refused the batch `requestId`: with `retry` (rate limited, unavailable) it goes back to the
   * front of the queue for the next flush; otherwise it is dropped and counted. Returns whether
   * it was one of ours.
   */
  fail(requestId: number, retry: boolean): boolean {
    const batch = this.#inFlight.get(requestId);
    if (batch === undefined) return false;
    this.#inFlight.delete(requestId);
    if (retry) this.#queue = [...batch, ...this.#queue];
    else {
      this.dropped += batch.length;
      this.#settle();
    }
    return true;
  }

  /** The connection dropped: batches without an ack go back to the front, in order. */
  requeueInFlight(): void {
    const back = [...this.#inFlight.values()].flat();
    this.#inFlight.clear();
    this.#queue = [...back, ...this.#queue];
  }

  /** Flushes and resolves once nothing waits or is in flight, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.flush();
    if (this.size === 0) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.size === 0) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Stops the timer; waiting events are discarded. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #batchSize(): number {
    return Math.min(1000, Math.max(1, this.options.maxBatchSize ?? 500));
  }

  #settle(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
