import { TOPICS } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyticsMetrics } from '../server/analytics-metrics.js';
import { flagEvent, metricEvent } from './insight-store-conformance.js';
import { InsightConsumer } from './insight-consumer.js';
import { encodeInsightRecord, insightKey, type InsightRecord } from './insight-record.js';
import type { InsightStore } from './insight-store.js';
import { MemoryInsightBus } from './memory-insight-bus.js';
import { MemoryInsightStore } from './memory-insight-store.js';
import { POLL } from '@vane/scripts/rig';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;

/** A memory store that records insert sizes and can fail on demand. */
class RecordingStore extends MemoryInsightStore {
  inserts: number[] = [];
  failNext = 0;
  /** Insert, then fail: the write happened but its acknowledgement was lost. */
  loseAckNext = 0;
  override async insert(records: readonly InsightRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('ClickHouse is down');
    }
    await super.insert(records);
    this.inserts.push(records.length);
    if (this.loseAckNext > 0) {
      this.loseAckNext -= 1;
      throw new Error('connection reset after insert');
    }
  }
}

async function evaluations(store: InsightStore): Promise<number> {
  const r = await store.flagInsights({
    envId: 'env-1',
    flagKey: 'checkout',
    startMs: 0,
    endMs: Date.UTC(2100, 0),
    bucketMs: HOUR,
  });
  return r.totals.reduce((s, t) => s + t.evaluations, 0);
}

function setup(batchSize: number, batchMaxWaitMs: number, maxBatch = batchSize) {
  const broker = new MemoryBroker();
  const bus = new MemoryInsightBus(broker, { maxBatch, retryDelayMs: 5 });
  const store = new RecordingStore();
  const metrics = createAnalyticsMetrics(() => bus.lag('analytics'));
  const consumer = new InsightConsumer({
    bus,
    store,
    logger,
    metrics,
    groupId: 'analytics',
    batchSize,
    batchMaxWaitMs,
    retryDelayMs: 5,
  });
  const publish = (records: InsightRecord[]) =>
    bus.publish(records.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) })));
  return { broker, bus, store, metrics, consumer, publish };
}

let running: InsightConsumer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('InsightConsumer', () => {
  it('writes batches of exactly the batch size as soon as they fill', async () => {
    const { store, consumer, publish } = setup(4, 3_600_000, 10);
    running = consumer;
    await consumer.start();
    await publish(Array.from({ length: 10 }, (_, i) => flagEvent({ userKeyId: `u${i}` })));
    await expect.poll(() => store.inserts.length, POLL).toBe(2);
    expect(store.inserts).toEqual([4, 4]);
    expect(await evaluations(store)).toBe(8);
  });

  it('writes a smaller batch when the wait time is up', async () => {
    const { store, consumer, publish } = setup(1000, 20);
    running = consumer;
    await consumer.start();
    await publish([flagEvent(), metricEvent()]);
    await expect.poll(() => store.inserts.length, POLL).toBe(1);
    expect(store.inserts).toEqual([2]);
  });

  it('commits only after the store acknowledged; retries a failed write without loss', async () => {
    const { bus, store, consumer, publish, metrics } = setup(3, 10);
    running = consumer;
    store.failNext = 3;
    await consumer.start();
    await publish([
      flagEvent({ userKeyId: 'a' }),
      flagEvent({ userKeyId: 'b' }),
      flagEvent({ userKeyId: 'c' }),
    ]);
    await expect.poll(() => store.inserts.length, POLL).toBe(1);
    await expect.poll(() => bus.lag('analytics'), POLL).toBe(0);
    expect(await evaluations(store)).toBe(3);
    expect((await metrics.insertFailures.get()).values[0]?.value).toBe(3);
  });

  it('counts exactly once when an acknowledgement is lost and the batch comes again', async () => {
    const { store, consumer, publish, bus } = setup(5, 10);
    running = consumer;
    store.loseAckNext = 1;
    const events = Array.from({ length: 5 }, (_, i) => flagEvent({ userKeyId: `u${i}` }));
    await consumer.start();
    await publish([...events, events[0]!, events[1]!]); // plus two SDK retries
    await expect.poll(() => bus.lag('analytics'), POLL).toBe(0);
    expect(store.inserts.length).toBeGreaterThanOrEqual(2);
    expect(await evaluations(store)).toBe(5);
  });

  it('sends poison messages to the dead-letter topic and keeps going', async () => {
    const { broker, bus, store, consumer, publish, metrics } = setup(10, 10);
    running = consumer;
    await consumer.start();
    await bus.publish([
      { key: 'x', value: new Uint8Array([0xff, 0xff, 0xff]) },
      { key: 'y', value: encodeInsightRecord(flagEvent({ eventId: '' })) },
    ]);
    await publish([flagEvent()]);
    await expect.poll(() => bus.lag('analytics'), POLL).toBe(0);
    expect(broker.endOffset(TOPICS.insightsDeadLetter)).toBe(2);
    expect(await evaluations(store)).toBe(1);
    expect((await metrics.deadLettered.get()).values[0]?.value).toBe(2);
  });

  it('writes the current batch on stop, then commits it', async () => {
    const { bus, store, consumer, publish } = setup(1000, 3_600_000);
    await consumer.start();
    await publish([flagEvent(), flagEvent()]);
    await expect.poll(() => consumer.buffered, POLL).toBe(2);
    await consumer.stop();
    expect(store.inserts).toEqual([2]);
    expect(await bus.lag('analytics')).toBe(0);
  });

  it('drops duplicates inside a batch before writing', async () => {
    const { store, consumer, publish, metrics } = setup(3, 3_600_000);
    running = consumer;
    await consumer.start();
    const e = flagEvent();
    await publish([e, e, e]);
    await expect.poll(() => store.inserts.length, POLL).toBe(1);
    expect(store.inserts).toEqual([1]);
    expect((await metrics.duplicatesDropped.get()).values[0]?.value).toBe(2);
  });
});
