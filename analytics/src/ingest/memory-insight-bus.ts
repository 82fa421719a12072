// The insight bus on the in-process MemoryBroker (embedded default and unit tests): one partition
// per topic, commit after the handler resolves, redelivery after a rejection.
import { TOPICS, topicName } from '@vane/core';
import type { MemoryBroker } from '@vane/server-kit';
import type {
  BusBatchHandler,
  BusSubscription,
  DeadLetter,
  InsightBus,
  OutgoingBusRecord,
} from './insight-bus.js';

/** Options of the memory bus. */
export interface MemoryInsightBusOptions {
  /** Topic name prefix of the deployment ('' = none). */
  readonly topicPrefix?: string;
  /** Most records per delivered batch (default 5,000). */
  readonly maxBatch?: number;
  /** Delay before a rejected batch is delivered again, ms (default 200). */
  readonly retryDelayMs?: number;
}

/** An `InsightBus` over a shared `MemoryBroker`. */
export class MemoryInsightBus implements InsightBus {
  readonly #topic: string;
  readonly #deadLetterTopic: string;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly options: MemoryInsightBusOptions = {},
  ) {
    this.#topic = topicName(TOPICS.insights, options.topicPrefix);
    this.#deadLetterTopic = topicName(TOPICS.insightsDeadLetter, options.topicPrefix);
  }

  /** Subscribes through the broker's consumer groups (from the beginning for a new group). */
  subscribe(groupId: string, handler: BusBatchHandler): Promise<BusSubscription> {
    const subscription = this.broker.subscribe(
      this.#topic,
      {
        groupId,
        fromBeginning: true,
        maxBatch: this.options.maxBatch ?? 5000,
        retryDelayMs: this.options.retryDelayMs ?? 200,
      },
      (batch) =>
        handler(
          batch.map((r) => ({
            partition: 0,
            offset: String(r.offset),
            key: r.key,
            value: r.value,
          })),
        ),
    );
    return Promise.resolve(subscription);
  }

  /** Appends to the insights topic. */
  publish(records: readonly OutgoingBusRecord[]): Promise<void> {
    this.broker.publish(this.#topic, records);
    return Promise.resolve();
  }

  /** Appends the original payloads to the dead-letter topic (the broker has no headers). */
  deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    this.broker.publish(
      this.#deadLetterTopic,
      letters.map((l) => ({ key: l.record.key, value: l.record.value })),
    );
    return Promise.resolve();
  }

  /** End offset minus the group's committed offset. */
  lag(groupId: string): Promise<number | undefined> {
    const committed = this.broker.committedOffset(this.#topic, groupId) ?? 0;
    return Promise.resolve(this.broker.endOffset(this.#topic) - committed);
  }

  /** Nothing to release: the broker belongs to the process. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
