// The insight bus on Kafka (kafkajs). Consumption is pipelined: a fetched batch is handed to the
// handler and the next fetch starts at once, while commits follow the handlers' completion in
// partition order. Offsets are committed explicitly (autoCommit off), never before the handler
// resolved; a rejected handler rewinds its partition to the failed batch.
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { TOPICS, topicName } from '@vane/core';
import type {
  BusBatchHandler,
  BusRecord,
  BusSubscription,
  DeadLetter,
  InsightBus,
  OutgoingBusRecord,
} from './insight-bus.js';

/** Options of the Kafka bus. */
export interface KafkaInsightBusOptions {
  readonly topicPrefix?: string;
  readonly logger: Logger;
  /** Consumer session timeout, ms (default 30,000; tests use less to rebalance fast). */
  readonly sessionTimeoutMs?: number;
  /** Partitions handled at once (default 4). */
  readonly partitionsConsumedConcurrently?: number;
  /** Fetched batches per partition awaiting their handler before fetching pauses (default 16). */
  readonly maxInflightBatches?: number;
  /** Longest a fetch waits for data on the broker, ms (default 250). */
  readonly maxWaitTimeInMs?: number;
}

interface PartitionState {
  /** Commits are chained so that they happen in offset order. */
  chain: Promise<void>;
  /** Bumped on rewind; batches of an older generation are not committed. */
  generation: number;
  inflight: Promise<unknown>[];
}

const EMPTY = new Uint8Array(0);

/** An `InsightBus` on a Kafka cluster. */
export class KafkaInsightBus implements InsightBus {
  readonly #topic: string;
  readonly #deadLetterTopic: string;
  #producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaInsightBusOptions,
  ) {
    this.#topic = topicName(TOPICS.insights, options.topicPrefix);
    this.#deadLetterTopic = topicName(TOPICS.insightsDeadLetter, options.topicPrefix);
  }

  /** Creates the insights and dead-letter topics when they do not exist. */
  async ensureTopics(partitions = 3): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = [this.#topic, this.#deadLetterTopic]
        .filter((t) => !existing.has(t))
        .map((topic) => ({ topic, numPartitions: topic === this.#topic ? partitions : 1 }));
      if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  /** Joins the group and starts the pipelined consumption loop. */
  async subscribe(groupId: string, handler: BusBatchHandler): Promise<BusSubscription> {
    const { logger } = this.options;
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      sessionTimeout,
      rebalanceTimeout: Math.max(sessionTimeout, 10_000),
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 250,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.#topic, fromBeginning: true });
    const maxInflight = this.options.maxInflightBatches ?? 16;
    const partitions = new Map<number, PartitionState>();
    const topic = this.#topic;

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const messages = batch.messages;
        const first = messages[0];
        const last = messages[messages.length - 1];
        if (!first || !last) return;
        const partition = batch.partition;
        let state = partitions.get(partition);
        if (!state) {
          state = { chain: Promise.resolve(), generation: 0, inflight: [] };
          partitions.set(partition, state);
        }
        const records: BusRecord[] = messages.map((m) => ({
          partition,
          offset: m.offset,
          key: m.key?.toString() ?? '',
          value: m.value ?? EMPTY,
        }));
        const generation = state.generation;
        const handled = handler(records);
        // The next fetch of this partition continues after this batch (not a commit).
        payload.resolveOffset(last.offset);
        const s = state;
        const step = s.chain.then(async () => {
          try {
            await handled;
          } catch (err) {
            if (s.generation === generation) {
              s.generation += 1;
              logger.warn({ err, partition, offset: first.offset }, 'batch failed; rewinding');
              consumer.seek({ topic, partition, offset: first.offset });
            }
            return;
          }
          if (s.generation !== generation) return;
          const next = (BigInt(last.offset) + 1n).toString();
          try {
            await consumer.commitOffsets([{ topic, partition, offset: next }]);
          } catch (err) {
            // A rebalance took the partition away: its next owner re-reads from the last
            // committed offset and the store drops the duplicates.
            logger.warn({ err, partition, offset: next }, 'offset commit failed');
          }
        });
        s.chain = step;
        s.inflight.push(step);
        void step.finally(() => {
          void s.inflight.splice(s.inflight.indexOf(step), 1);
        });
        while (s.inflight.length > maxInflight) await s.inflight[0];
        await payload.heartbeat();
      },
    });

    return {
      close: async () => {
        await consumer.stop();
        await Promise.all([...partitions.values()].map((s) => s.chain));
        await consumer.disconnect();
      },
    };
  }

  /** Sends to the insights topic with acks from all in-sync replicas. */
  async publish(records: readonly OutgoingBusRecord[]): Promise<void> {
    const producer = await this.#connectedProducer();
    await producer.send({
      topic: this.#topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: Buffer.from(r.value) })),
    });
  }

  /** Sends the original payloads with `x-vane-error` and `x-vane-source` headers. */
  async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const producer = await this.#connectedProducer();
    await producer.send({
      topic: this.#deadLetterTopic,
      acks: -1,
      messages: letters.map((l) => ({
        key: l.record.key,
        value: Buffer.from(l.record.value),
        headers: {
          'x-vane-error': l.reason,
          'x-vane-source': `${this.#topic}/${l.record.partition}/${l.record.offset}`,
        },
      })),
    });
  }

  /** Sum over partitions of the high watermark minus the group's committed offset. */
  async lag(groupId: string): Promise<number | undefined> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(this.#topic),
        admin.fetchOffsets({ groupId, topics: [this.#topic] }),
      ]);
      const done = new Map(
        (committed[0]?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]),
      );
      return ends.reduce((sum, p) => sum + Number(p.high) - (done.get(p.partition) ?? 0), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Disconnects the producer. */
  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect();
  }

  #connectedProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: true });
      const connecting = producer.connect().then(() => producer);
      // A failed connect is retried on the next send.
      connecting.catch(() => {
        if (this.#producer === connecting) this.#producer = undefined;
      });
      this.#producer = connecting;
    }
    return this.#producer;
  }
}
