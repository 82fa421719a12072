// Kafka adapters of the bus ports (kafkajs). The composition root creates the `Kafka` client.
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type {
  ChangePublisher,
  IncomingMessage,
  MessageSource,
  OutgoingMessage,
} from './change-publisher.js';

/** An idempotent, ordered Kafka producer (acks from all in-sync replicas, one request in flight). */
export class KafkaChangePublisher implements ChangePublisher {
  readonly #producer: Producer;
  #connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Fail fast: the relay keeps unacknowledged changes in the outbox and retries with backoff.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.#connected ??= this.#producer.connect().catch((err: unknown) => {
      this.#connected = undefined;
      throw err;
    });
    await this.#connected;
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: Buffer.from(m.value) });
      byTopic.set(m.topic, list);
    }
    await this.#producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
  }

  async close(): Promise<void> {
    if (this.#connected) await this.#producer.disconnect();
  }
}

/** A Kafka consumer-group source that commits offsets only after each handled batch. */
export class KafkaMessageSource implements MessageSource {
  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts consuming in the background and returns at once: a broker that is down at start-up
   * must not stop the api-server from serving. Connection attempts repeat with backoff.
   */
  async subscribe(
    topic: string,
    groupId: string,
    handler: (batch: readonly IncomingMessage[]) => Promise<void>,
  ): Promise<{ close(): Promise<void> }> {
    const consumer: Consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: true });
    let closed = false;
    const run = async (): Promise<void> => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const messages = batch.messages.map((m) => ({
            key: m.key?.toString('utf8') ?? '',
            value: m.value ? new Uint8Array(m.value) : new Uint8Array(),
            offset: m.offset,
          }));
          await handler(messages);
          const last = batch.messages[batch.messages.length - 1];
          if (last) {
            payload.resolveOffset(last.offset);
            // Commit explicitly: with autoCommit off, only this marks the batch as handled.
            await consumer.commitOffsets([
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: String(Number(last.offset) + 1),
              },
            ]);
          }
          await payload.heartbeat();
        },
      });
      this.logger.info({ topic, groupId }, 'consuming');
    };
    const started = (async () => {
      for (let attempt = 1; !closed; attempt += 1) {
        try {
          await run();
          return;
        } catch (err) {
          this.logger.warn({ err, topic, attempt }, 'cannot consume yet; retrying');
          await consumer.disconnect().catch(() => undefined);
          await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
        }
      }
    })();
    return {
      close: async () => {
        closed = true;
        await started;
        await consumer.disconnect();
      },
    };
  }
}
