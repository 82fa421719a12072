// An in-process stand-in for Kafka, used by the embedded default (`npm start`) and by unit tests.
// Pure TypeScript (timers only), so every service can wrap it in its own bus adapter and share one
// broker in a single process. Semantics follow Kafka's where the services rely on them: one ordered
// log per topic, consumer groups with committed offsets, at-least-once delivery (a batch whose
// handler throws is delivered again), and every group sees every record.

/** A record as stored in a topic's log. */
export interface BrokerRecord {
  readonly topic: string;
  /** Position in the topic's log, from 0, strictly increasing. */
  readonly offset: number;
  readonly key: string;
  readonly value: Uint8Array;
  /** Milliseconds since the epoch at which the broker appended the record. */
  readonly timestamp: number;
}

/** A record to publish. */
export interface OutgoingRecord {
  readonly key: string;
  readonly value: Uint8Array;
}

/** Options of a subscription. */
export interface SubscribeOptions {
  /** Consumer group. Groups share committed offsets; one live subscription per group and topic. */
  readonly groupId: string;
  /** A new group starts at the beginning of the log (true) or at its end (false, the default). */
  readonly fromBeginning?: boolean;
  /** Most records handed to the handler at once (default 500). */
  readonly maxBatch?: number;
  /** Delay before a failed batch is delivered again, in ms (default 200). */
  readonly retryDelayMs?: number;
}

/** A batch handler: the offsets are committed only after it resolves. */
export type BatchHandler = (batch: readonly BrokerRecord[]) => Promise<void>;

/** A live subscription. `close()` resolves once no handler call is running. */
export interface BrokerSubscription {
  close(): Promise<void>;
}

interface Group {
  committed: number;
  active: boolean;
}

/** An in-memory, single-partition-per-topic message broker with consumer groups. */
export class MemoryBroker {
  readonly #logs = new Map<string, BrokerRecord[]>();
  readonly #groups = new Map<string, Group>();
  readonly #wakers = new Map<string, Set<() => void>>();

  /** Appends records to a topic in order and returns their offsets. */
  publish(topic: string, records: readonly OutgoingRecord[]): number[] {
    const log = this.#log(topic);
    const now = Date.now();
    const offsets = records.map((r) => {
      const offset = log.length;
      log.push({ topic, offset, key: r.key, value: r.value, timestamp: now });
      return offset;
    });
    for (const wake of this.#wakers.get(topic) ?? []) wake();
    return offsets;
  }

  /** The offset the next published record will get (the log's length). */
  endOffset(topic: string): number {
    return this.#log(topic).length;
  }

  /** The committed offset of a group on a topic (next record to deliver), or undefined. */
  committedOffset(topic: string, groupId: string): number | undefined {
    return this.#groups.get(`${topic}\u0000${groupId}`)?.committed;
  }

  /** Delivers the topic's records to `handler` in order, in batches, from the group's offset. */
  subscribe(topic: string, options: SubscribeOptions, handler: BatchHandler): BrokerSubscription {
    const groupKey = `${topic}\u0000${options.groupId}`;
    let group = this.#groups.get(groupKey);
    if (group?.active) {
      throw new Error(`group ${options.groupId} already has a live subscription to ${topic}`);
    }
    group ??= { committed: options.fromBeginning ? 0 : this.endOffset(topic), active: false };
    group.active = true;
    this.#groups.set(groupKey, group);
    const state = group;
    const maxBatch = options.maxBatch ?? 500;
    const retryDelayMs = options.retryDelayMs ?? 200;
    let closed = false;
    let wake: (() => void) | undefined;
    const wakers = this.#wakers.get(topic) ?? new Set<() => void>();
    this.#wakers.set(topic, wakers);
    const waker = (): void => wake?.();
    wakers.add(waker);

    const sleep = (ms: number | undefined): Promise<void> =>
      new Promise((resolve) => {
        const timer = ms === undefined ? undefined : setTimeout(done, ms);
        function done(): void {
          if (timer !== undefined) clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });

    const loop = async (): Promise<void> => {
      const log = this.#log(topic);
      while (!closed) {
        if (state.committed >= log.length) {
          await sleep(undefined);
          continue;
        }
        const batch = log.slice(state.committed, state.committed + maxBatch);
        try {
          await handler(batch);
          state.committed = batch[batch.length - 1]!.offset + 1;
        } catch {
          if (!closed) await sleep(retryDelayMs);
        }
      }
    };
    const running = loop();

    return {
      close: async () => {
        closed = true;
        wake?.();
        await running;
        wakers.delete(waker);
        state.active = false;
      },
    };
  }

  #log(topic: string): BrokerRecord[] {
    let log = this.#logs.get(topic);
    if (!log) {
      log = [];
      this.#logs.set(topic, log);
    }
    return log;
  }
}
