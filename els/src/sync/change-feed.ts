// The port through which ELS receives change records (Kafka in production, MemoryBroker in tests
// and the embedded default), with the MemoryBroker adapter.
import type { MemoryBroker } from '@vane/server-kit';

/** One record of a change topic. */
export interface ChangeRecord {
  readonly topic: string;
  readonly value: Uint8Array;
  /** When the record was published, in ms since the epoch (absent when unknown). */
  readonly timestamp?: number;
}

/** What a feed reports about itself besides records. */
export interface FeedObserver {
  /** The feed joined (true) or lost (false) its broker; (re)joins are when ELS catches up. */
  onStatus?(connected: boolean): void;
  /** Records left behind in a partition after a batch (consumer lag). */
  onLag?(topic: string, partition: number, lag: number): void;
}

/** A running subscription. */
export interface FeedSubscription {
  /** Stops consuming; resolves once no handler call is running. */
  close(): Promise<void>;
}

/** A broadcast source of change records. */
export interface ChangeFeed {
  /**
   * Delivers new records of the topics (from now on) to `handler` in order per topic, under a
   * consumer group of its own. Resolves once consumption has started.
   */
  subscribe(
    topics: readonly string[],
    groupId: string,
    handler: (records: readonly ChangeRecord[]) => Promise<void>,
    observer?: FeedObserver,
  ): Promise<FeedSubscription>;
}

/** A ChangeFeed over server-kit's in-process MemoryBroker. */
export class MemoryChangeFeed implements ChangeFeed {
  constructor(private readonly broker: MemoryBroker) {}

  /** See ChangeFeed. */
  subscribe(
    topics: readonly string[],
    groupId: string,
    handler: (records: readonly ChangeRecord[]) => Promise<void>,
    observer?: FeedObserver,
  ): Promise<FeedSubscription> {
    const subs = topics.map((topic) =>
      this.broker.subscribe(topic, { groupId, retryDelayMs: 50 }, (batch) => handler(batch)),
    );
    observer?.onStatus?.(true);
    return Promise.resolve({
      close: async () => {
        await Promise.all(subs.map((s) => s.close()));
      },
    });
  }
}
