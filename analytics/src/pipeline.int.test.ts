// End to end on the real Kafka and ClickHouse: insight events (with SDK retries and poison
// messages) go in through the insights topic; flag insights and experiment results come out of
// the gRPC API, and they equal what the in-memory reference computes from the same events.
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import {
  InvalidReason,
  type GetExperimentResultsRequest,
} from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAnalytics, type RunningAnalytics } from './analytics-service.js';
import type { ClickHouseInsightStore } from './ingest/clickhouse-insight-store.js';
import { flagEvent } from './ingest/insight-store-conformance.js';
import { encodeInsightRecord, insightKey, type InsightRecord } from './ingest/insight-record.js';
import type { KafkaInsightBus } from './ingest/kafka-insight-bus.js';
import { MemoryInsightBus } from './ingest/memory-insight-bus.js';
import { MemoryInsightStore } from './ingest/memory-insight-store.js';
import { experimentRecords } from './testing/experiment-fixture.js';
import { analyticsClients, type AnalyticsClients } from './testing/grpc-clients.js';
import { realServers, rounded, type RealServers } from './testing/real-servers.js';
import { POLL } from '@vane/scripts/rig';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2024, 4, 1, 10);
const HOUR = 3_600_000;
const NOW = T0 + 3 * HOUR;

let servers: RealServers;
let store: ClickHouseInsightStore;
let bus: KafkaInsightBus;
let app: RunningAnalytics;
let reference: RunningAnalytics;
let clients: AnalyticsClients;
let referenceClients: AnalyticsClients;
const records: InsightRecord[] = [];

function request(
  metricType: MetricType,
  metricEventName: string,
  over = {},
): GetExperimentResultsRequest {
  return {
    spec: {
      envId: 'env-e2e',
      flagKey: 'new-checkout',
      variations: [
        { variationId: 'control', trafficWeight: 1 / 3 },
        { variationId: 'blue', trafficWeight: 1 / 3 },
        { variationId: 'green', trafficWeight: 1 / 3 },
      ],
      baselineVariationId: 'control',
      metricEventName,
      metricType,
      successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
      window: { startTime: new Date(T0), endTime: new Date(T0 + 2 * HOUR) },
      alpha: 0.05,
      minUsersPerVariation: 0,
      ...over,
    },
  };
}

beforeAll(async () => {
  servers = await realServers('analytics_e2e', logger);
  store = await servers.newStore();
  bus = servers.newBus();
  app = await startAnalytics(
    { store, bus, logger },
    {
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      batchSize: 700,
      batchMaxWaitMs: 50,
      groupId: servers.groupId,
      now: () => NOW,
    },
  );
  clients = analyticsClients(app.grpcPort);

  const scope = { envId: 'env-e2e', flagKey: 'new-checkout', startMs: T0 };
  records.push(
    // Conversion metric: blue converts clearly better; green does not.
    ...experimentRecords({ ...scope, metricEventName: 'purchase' }, [
      { variationId: 'control', users: 1500, converters: 150 },
      { variationId: 'blue', users: 1500, converters: 230 },
      { variationId: 'green', users: 1500, converters: 160 },
    ]),
    // Numeric metric on other users of the same flag.
    ...experimentRecords({ ...scope, flagKey: 'price-test', metricEventName: 'revenue' }, [
      { variationId: 'control', users: 300, converters: 300, value: (i) => 10 + (i % 7) },
      { variationId: 'blue', users: 300, converters: 300, value: (i) => 11 + (i % 7) },
      { variationId: 'green', users: 300, converters: 300, value: (i) => 10 + (i % 5) },
    ]),
    flagEvent({
      envId: 'env-e2e',
      flagKey: 'banner',
      userKeyId: 'a',
      variationId: 'on',
      timestampMs: T0 + 5 * 60_000,
      sendToExperiment: false,
    }),
    flagEvent({
      envId: 'env-e2e',
      flagKey: 'banner',
      userKeyId: 'b',
      variationId: 'off',
      timestampMs: T0 + 65 * 60_000,
      sendToExperiment: false,
    }),
    flagEvent({
      envId: 'env-e2e',
      flagKey: 'banner',
      userKeyId: 'a',
      variationId: 'on',
      timestampMs: T0 + 66 * 60_000,
      sendToExperiment: false,
    }),
  );
  // SDK retries: every 10th record is sent twice.
  const sent = [...records, ...records.filter((_, i) => i % 10 === 0)];
  const messages = sent.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) }));
  messages.splice(100, 0, { key: 'poison', value: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) });
  for (let i = 0; i < messages.length; i += 2000) await bus.publish(messages.slice(i, i + 2000));

  // The reference: the same records through the memory adapters.
  const memoryBus = new MemoryInsightBus(new MemoryBroker());
  reference = await startAnalytics(
    { store: new MemoryInsightStore(), bus: memoryBus, logger },
    {
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      batchSize: 5000,
      batchMaxWaitMs: 10,
      groupId: 'ref',
      now: () => NOW,
    },
  );
  await memoryBus.publish(
    records.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) })),
  );
  referenceClients = analyticsClients(reference.grpcPort);
  await vi.waitFor(async () => expect(await memoryBus.lag('ref')).toBe(0), POLL);
  await vi.waitFor(async () => expect(await bus.lag(servers.groupId)).toBe(0), {
    timeout: 60_000,
    interval: 20,
  });
});

afterAll(async () => {
  clients?.close();
  referenceClients?.close();
  await app?.stop();
  await reference?.stop();
  await bus?.close();
  await store?.close();
  await servers?.cleanup();
});

describe('Kafka → ClickHouse → gRPC', () => {
  it('counts flag evaluations exactly despite redelivered and retried events', async () => {
    const res = await clients.insights.getFlagInsights({
      envId: 'env-e2e',
      flagKey: 'banner',
      timeRange: { startTime: new Date(T0), endTime: new Date(T0 + 2 * HOUR) },
      interval: BucketInterval.BUCKET_INTERVAL_HOUR,
    });
    expect(res.insights?.totals).toEqual([
      { variationId: 'off', evaluations: 1, uniqueUsers: 1 },
      { variationId: 'on', evaluations: 2, uniqueUsers: 1 },
    ]);
    expect(res.insights?.buckets.map((b) => b.variations.length)).toEqual([1, 2]);

    const all = await clients.insights.getFlagInsights({
      envId: 'env-e2e',
      flagKey: 'new-checkout',
      timeRange: { startTime: new Date(T0) },
    });
    expect(all.insights?.totals).toEqual([
      { variationId: 'blue', evaluations: 1500, uniqueUsers: 1500 },
      { variationId: 'control', evaluations: 1500, uniqueUsers: 1500 },
      { variationId: 'green', evaluations: 1500, uniqueUsers: 1500 },
    ]);
    expect(all.insights).toEqual(
      (
        await referenceClients.insights.getFlagInsights({
          envId: 'env-e2e',
          flagKey: 'new-checkout',
          timeRange: { startTime: new Date(T0) },
        })
      ).insights,
    );
  });

  it('computes a three-arm conversion experiment: blue wins, green does not', async () => {
    const res = await clients.experiments.getExperimentResults(
      request(MetricType.METRIC_TYPE_CONVERSION, 'purchase'),
    );
    const [control, blue, green] = res.results!.variations;
    expect(res.results?.exposedUsers).toBe(4500);
    expect(res.results?.srm?.mismatch).toBe(false);
    expect(control).toMatchObject({ isBaseline: true, users: 1500, conversions: 150 });
    expect(blue).toMatchObject({
      isWinner: true,
      users: 1500,
      conversions: 230,
      invalidReason: InvalidReason.INVALID_REASON_UNSPECIFIED,
    });
    expect(blue?.frequentist?.significant).toBe(true);
    expect(blue?.bayesian?.chanceToBeatBaseline).toBeGreaterThan(0.99);
    expect(green).toMatchObject({ isWinner: false, conversions: 160 });
    expect(green?.invalidReason).toBe(InvalidReason.INVALID_REASON_SAMPLE_SIZE_TOO_SMALL);
    const expected = await referenceClients.experiments.getExperimentResults(
      request(MetricType.METRIC_TYPE_CONVERSION, 'purchase'),
    );
    expect(rounded(res)).toEqual(rounded(expected));
  });

  it('computes a numeric experiment identical to the reference', async () => {
    const req = request(MetricType.METRIC_TYPE_NUMERIC, 'revenue', { flagKey: 'price-test' });
    const res = await clients.experiments.getExperimentResults(req);
    const [control, blue] = res.results!.variations;
    expect(control).toMatchObject({ users: 300, exposedUsers: 300 });
    expect(blue?.mean).toBeCloseTo(control!.mean + 1, 1);
    expect(blue?.isWinner).toBe(true);
    expect(rounded(res)).toEqual(
      rounded(await referenceClients.experiments.getExperimentResults(req)),
    );
  });

  it('sent the poison message to the dead-letter topic', async () => {
    const admin = servers.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(
      topicName(TOPICS.insightsDeadLetter, servers.topicPrefix),
    );
    await admin.disconnect();
    expect(offsets.reduce((s, p) => s + Number(p.high), 0)).toBe(1);
  });
});
