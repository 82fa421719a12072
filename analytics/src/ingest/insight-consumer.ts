// Consumes the insights topic into the store in batches: a batch is written when it reaches
// `batchSize` events (never more) or `batchMaxWaitMs` after its first event, whichever comes first. Offsets are
// committed only after the store acknowledged the write (the bus commits when the handler's
// promise resolves). Poison messages go to the dead-letter topic, so a partition never stalls.
// A failed write is retried with backoff: consumption pauses, nothing is lost.
import type { Logger } from 'pino';
import type { AnalyticsMetrics } from '../server/analytics-metrics.js';
import type { BusRecord, BusSubscription, DeadLetter, InsightBus } from './insight-bus.js';
import { decodeInsightRecord, PoisonMessage, type InsightRecord } from './insight-record.js';
import type { InsightStore } from './insight-store.js';

/** What the consumer needs. */
export interface InsightConsumerOptions {
  readonly bus: InsightBus;
  readonly store: InsightStore;
  readonly logger: Logger;
  readonly metrics: AnalyticsMetrics;
  readonly groupId: string;
  readonly batchSize: number;
  readonly batchMaxWaitMs: number;
  /** First retry delay of a failed write, ms (doubles up to 30 s). Default 200. */
  readonly retryDelayMs?: number;
  /** Batches written at once (default 2: one is built while ClickHouse parses the other). */
  readonly writeConcurrency?: number;
  /** On stop, how long a failing write keeps being retried before it is given up, ms. */
  readonly stopTimeoutMs?: number;
}

interface Pending {
  records: InsightRecord[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function newPending(): Pending {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // rejections are observed by the bus through the handler
  return { records: [], done, resolve, reject };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The batching consumer of insight events. */
export class InsightConsumer {
  #pending = newPending();
  #timer: NodeJS.Timeout | undefined;
  /** Write lanes: batches go round-robin, each lane writes in order, lanes overlap. */
  readonly #lanes: Promise<void>[];
  #nextLane = 0;
  #subscription: BusSubscription | undefined;
  #stopping = false;
  #giveUp = false;
  readonly #log: Logger;

  constructor(private readonly options: InsightConsumerOptions) {
    this.#log = options.logger.child({ module: 'insight-consumer' });
    this.#lanes = Array.from({ length: Math.max(1, options.writeConcurrency ?? 2) }, () =>
      Promise.resolve(),
    );
  }

  /** Joins the consumer group; records flow until `stop`. */
  async start(): Promise<void> {
    this.#subscription = await this.options.bus.subscribe(this.options.groupId, (records) =>
      this.handle(records),
    );
  }

  /** Stops taking records, writes the current batch, then leaves the group. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    const giveUp = setTimeout(() => {
      this.#giveUp = true;
    }, this.options.stopTimeoutMs ?? 10_000);
    try {
      await this.#flush().catch(() => undefined);
      await this.#subscription?.close();
    } finally {
      clearTimeout(giveUp);
    }
  }

  /** Events waiting for the next write. */
  get buffered(): number {
    return this.#pending.records.length;
  }

  /** The bus handler: resolves once every record is stored or dead-lettered. */
  async handle(records: readonly BusRecord[]): Promise<void> {
    if (this.#stopping) throw new Error('the insight consumer is stopping');
    const letters: DeadLetter[] = [];
    const decoded: InsightRecord[] = [];
    for (const record of records) {
      try {
        decoded.push(decodeInsightRecord(record.value));
      } catch (err) {
        if (!(err instanceof PoisonMessage)) throw err;
        letters.push({ record, reason: err.message });
      }
    }
    const waits: Promise<void>[] = [];
    if (letters.length > 0) waits.push(this.#deadLetter(letters));
    // Fill batches up to exactly `batchSize`; the handler waits for every batch it touched.
    for (let i = 0; i < decoded.length;) {
      const pending = this.#pending;
      const take = Math.min(decoded.length - i, this.options.batchSize - pending.records.length);
      for (let j = 0; j < take; j++) pending.records.push(decoded[i + j]!);
      i += take;
      waits.push(pending.done);
      if (pending.records.length >= this.options.batchSize) void this.#flush();
      else this.#timer ??= setTimeout(() => void this.#flush(), this.options.batchMaxWaitMs);
    }
    await Promise.all(waits);
  }

  #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    if (batch.records.length === 0) return Promise.all(this.#lanes).then(() => undefined);
    this.#pending = newPending();
    const lane = this.#nextLane;
    this.#nextLane = (lane + 1) % this.#lanes.length;
    const written = this.#lanes[lane]!.then(() => this.#write(batch));
    this.#lanes[lane] = written;
    return Promise.all(this.#lanes).then(() => undefined);
  }

  async #write(batch: Pending): Promise<void> {
    const { store, metrics } = this.options;
    const seen = new Set<string>();
    const unique = batch.records.filter((r) => !seen.has(r.eventId) && seen.add(r.eventId));
    metrics.duplicatesDropped.inc(batch.records.length - unique.length);
    try {
      await this.#retry(
        'insert',
        async () => {
          const end = metrics.batchSeconds.startTimer();
          await store.insert(unique);
          end();
        },
        () => metrics.insertFailures.inc(),
      );
    } catch (err) {
      batch.reject(err);
      return;
    }
    metrics.batches.inc();
    metrics.ingestedEvents.inc(unique.length);
    batch.resolve();
  }

  async #deadLetter(letters: DeadLetter[]): Promise<void> {
    for (const l of letters) {
      this.#log.warn(
        { partition: l.record.partition, offset: l.record.offset, reason: l.reason },
        'poison insight message sent to the dead-letter topic',
      );
    }
    await this.#retry('dead-letter', () => this.options.bus.deadLetter(letters));
    this.options.metrics.deadLettered.inc(letters.length);
  }

  async #retry(what: string, action: () => Promise<void>, onFailure?: () => void): Promise<void> {
    let delay = this.options.retryDelayMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        await action();
        return;
      } catch (err) {
        onFailure?.();
        if (this.#giveUp) throw err;
        // Self-healing while the store comes back: WARN, not ERROR.
        this.#log.warn({ err, attempt, retryInMs: delay }, `${what} failed; retrying`);
        await sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }
}
