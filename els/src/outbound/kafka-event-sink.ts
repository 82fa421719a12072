// The Kafka EventSink: buffers events and sends them in batches (every `intervalMs` or at
// `maxBatch`), keeps them while Kafka is down (up to `maxBuffered`, then drops the oldest with a
// warning and a count), and flushes on close.
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventSink, OutgoingEvent } from './event-sink.js';

/** Tuning of the Kafka sink. */
export interface KafkaEventSinkOptions {
  readonly intervalMs?: number;
  readonly maxBatch?: number;
  readonly maxBuffered?: number;
}

/** See the module comment. */
export class KafkaEventSink implements EventSink {
  readonly #producer: Producer;
  #buffer: OutgoingEvent[] = [];
  #sending: Promise<void> | undefined;
  #connected: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  /** Events dropped because the buffer was full (metrics). */
  dropped = 0;

  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: KafkaEventSinkOptions = {},
  ) {
    this.#producer = kafka.producer({ retry: { retries: 2, initialRetryTime: 100 } });
    this.#timer = setInterval(
      () => void this.#send().catch(() => undefined),
      options.intervalMs ?? 200,
    );
    this.#timer.unref();
  }

  send(events: readonly OutgoingEvent[]): void {
    this.#buffer.push(...events);
    const max = this.options.maxBuffered ?? 100_000;
    if (this.#buffer.length > max) {
      const excess = this.#buffer.length - max;
      this.#buffer.splice(0, excess);
      this.dropped += excess;
      this.logger.warn({ dropped: excess }, 'event buffer full: oldest SDK events dropped');
    }
    if (this.#buffer.length >= (this.options.maxBatch ?? 1000))
      void this.#send().catch(() => undefined);
  }

  async flush(): Promise<void> {
    while (this.#buffer.length > 0 || this.#sending) await this.#send();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush().catch((err: unknown) => this.logger.warn({ err }, 'SDK events not flushed'));
    if (this.#connected) await this.#producer.disconnect();
  }

  /** Sends the buffer; one send at a time; on failure the events go back to the front. */
  async #send(): Promise<void> {
    if (this.#sending) return this.#sending;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#sending = (async () => {
      try {
        this.#connected ??= this.#producer.connect().catch((err: unknown) => {
          this.#connected = undefined;
          throw err;
        });
        await this.#connected;
        const byTopic = new Map<string, { key: string; value: Buffer }[]>();
        for (const e of batch) {
          const list = byTopic.get(e.topic) ?? [];
          list.push({ key: e.key, value: Buffer.from(e.value) });
          byTopic.set(e.topic, list);
        }
        await this.#producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (err) {
        this.#buffer = [...batch, ...this.#buffer];
        this.logger.warn(
          { err, pending: this.#buffer.length },
          'sending SDK events failed; will retry',
        );
        throw err;
      } finally {
        this.#sending = undefined;
      }
    })();
    return this.#sending;
  }
}
