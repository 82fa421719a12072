// Port: publishing change events (Kafka, or the in-process broker of the embedded default).

/** A message for one topic; `key` picks the partition (env id), so order holds per environment. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
}

/** Publishes messages in order; resolves only once the broker acknowledged all of them. */
export interface ChangePublisher {
  /** Sends the messages in the given order; rejects if any could not be acknowledged. */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** A record received from a topic. */
export interface IncomingMessage {
  readonly key: string;
  readonly value: Uint8Array;
  /** Offset in its partition, as a decimal string (for logs and dead letters). */
  readonly offset: string;
}

/** Port: consuming a topic in a consumer group, committing offsets after each handled batch. */
export interface MessageSource {
  /**
   * Delivers the topic's messages to `handler` in batches, in order per partition; a batch's
   * offsets are committed only after `handler` resolves (at-least-once). Returns a stopper.
   */
  subscribe(
    topic: string,
    groupId: string,
    handler: (batch: readonly IncomingMessage[]) => Promise<void>,
  ): Promise<{ close(): Promise<void> }>;
}
