// The Kafka adapter of ChangeFeed: one consumer per ELS instance with a group of its own, so every
// instance receives every change (broadcast), starting at the end of each topic.
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ChangeFeed, ChangeRecord, FeedObserver, FeedSubscription } from './change-feed.js';

/** A ChangeFeed over kafkajs. */
export class KafkaChangeFeed implements ChangeFeed {
  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    /** How long `subscribe` waits for the group join before resolving anyway (Kafka down). */
    private readonly joinTimeoutMs = 30_000,
  ) {}

  /**
   * See ChangeFeed. Resolves once the consumer joined its group (its start offsets are then
   * fixed), or after `joinTimeoutMs` with a warning; it keeps retrying in the background.
   */
  async subscribe(
    topics: readonly string[],
    groupId: string,
    handler: (records: readonly ChangeRecord[]) => Promise<void>,
    observer: FeedObserver = {},
  ): Promise<FeedSubscription> {
    const log = this.logger.child({ module: 'kafka-change-feed', groupId });
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: true });
    let joined: () => void = () => undefined;
    const join = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined();
      observer.onStatus?.(true);
    });
    const lost = (): void => observer.onStatus?.(false);
    consumer.on(consumer.events.DISCONNECT, lost);
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      observer.onLag?.(payload.topic, payload.partition, Number(payload.offsetLag));
    });
    let closed = false;
    const run = async (): Promise<void> => {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: false });
      await consumer.run({
        eachBatch: async (payload) => {
          const { batch } = payload;
          await handler(
            batch.messages.map((m) => ({
              topic: batch.topic,
              value: m.value ? new Uint8Array(m.value) : new Uint8Array(),
              timestamp: Number(m.timestamp),
            })),
          );
          await payload.heartbeat();
        },
      });
    };
    const loop = async (): Promise<void> => {
      for (let attempt = 1; !closed; attempt += 1) {
        try {
          await run();
          return;
        } catch (err) {
          log.warn({ err, attempt }, 'cannot consume changes yet; retrying');
          await consumer.disconnect().catch(() => undefined);
          await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
        }
      }
    };
    let started = loop();
    // kafkajs restarts the consumer after retriable crashes; after any other, start it again here.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      lost();
      if (payload.restart || closed) return;
      log.warn({ err: payload.error }, 'change consumer stopped after a crash; starting it again');
      started = started.then(async () => {
        await consumer.disconnect().catch(() => undefined);
        await loop();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn('change consumer has not joined its group yet; serving anyway');
        resolve();
      }, this.joinTimeoutMs);
    });
    await Promise.race([join, timeout]);
    clearTimeout(timer);
    return {
      close: async () => {
        closed = true;
        await started;
        await consumer.disconnect();
      },
    };
  }
}
