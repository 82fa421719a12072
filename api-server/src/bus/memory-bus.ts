// The embedded bus: change publisher and message source over server-kit's in-process MemoryBroker.
import type { MemoryBroker } from '@vane/server-kit';
import type {
  ChangePublisher,
  IncomingMessage,
  MessageSource,
  OutgoingMessage,
} from './change-publisher.js';

/** Publishes to an in-process broker (embedded mode and unit tests). */
export class MemoryChangePublisher implements ChangePublisher {
  constructor(private readonly broker: MemoryBroker) {}

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    for (const m of messages) this.broker.publish(m.topic, [{ key: m.key, value: m.value }]);
  }

  async close(): Promise<void> {}
}

/** Consumes from an in-process broker; new groups start at the beginning of the topic. */
export class MemoryMessageSource implements MessageSource {
  constructor(private readonly broker: MemoryBroker) {}

  async subscribe(
    topic: string,
    groupId: string,
    handler: (batch: readonly IncomingMessage[]) => Promise<void>,
  ): Promise<{ close(): Promise<void> }> {
    return this.broker.subscribe(topic, { groupId, fromBeginning: true }, (records) =>
      handler(records.map((r) => ({ key: r.key, value: r.value, offset: String(r.offset) }))),
    );
  }
}
