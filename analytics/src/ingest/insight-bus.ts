// The insight bus port: the insights topic (consumed with at-least-once, commit-after-handler
// semantics) and its dead-letter topic. Adapters: Kafka (kafkajs) and the in-process MemoryBroker.

/** A record read from the insights topic. */
export interface BusRecord {
  readonly partition: number;
  /** Offset within the partition, as a decimal string. */
  readonly offset: string;
  readonly key: string;
  readonly value: Uint8Array;
}

/** A record to publish to the insights topic. */
export interface OutgoingBusRecord {
  readonly key: string;
  readonly value: Uint8Array;
}

/** A message set aside because it can never be stored, with why. */
export interface DeadLetter {
  readonly record: BusRecord;
  readonly reason: string;
}

/** Handles a batch; the batch's offsets are committed only after the returned promise resolves. */
export type BusBatchHandler = (records: readonly BusRecord[]) => Promise<void>;

/** A live subscription. */
export interface BusSubscription {
  /** Stops fetching, waits for running handlers and pending commits, and leaves the group. */
  close(): Promise<void>;
}

/** The insights topic and its dead-letter topic. */
export interface InsightBus {
  /**
   * Delivers the topic's records to `handler`, in order within a partition, from the group's
   * committed offsets (a new group starts at the beginning). Batches may overlap in time; a
   * batch's offsets are committed after its handler resolves and after every earlier batch of
   * its partition is committed. When a handler rejects, that batch and the ones after it in its
   * partition are delivered again.
   */
  subscribe(groupId: string, handler: BusBatchHandler): Promise<BusSubscription>;
  /** Appends records to the insights topic; resolves once the bus acknowledged them. */
  publish(records: readonly OutgoingBusRecord[]): Promise<void>;
  /** Appends records to the dead-letter topic with their reason; resolves once acknowledged. */
  deadLetter(letters: readonly DeadLetter[]): Promise<void>;
  /** Records of the insights topic not yet committed by the group, or undefined if unknown. */
  lag(groupId: string): Promise<number | undefined>;
  /** Releases producers and admin connections. */
  close(): Promise<void>;
}
