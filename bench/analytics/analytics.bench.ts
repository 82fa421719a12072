// Analytics on the real Kafka and ClickHouse of the test rig (`npm run services up`, then
// `source .rig/env`): (1) sustained ingest of 1,000,000 insight events through Kafka into
// ClickHouse, beside a kafkajs consumer that only counts the same messages (the Kafka read
// ceiling on this machine); (2) GetExperimentResults latency over those 1,000,000 events.
// Run: `npm run bench --workspace bench -- analytics`.
import { createClient } from '@clickhouse/client';
import {
  ClickHouseInsightStore,
  KafkaInsightBus,
  encodeInsightRecord,
  insightKey,
  startAnalytics,
  type InsightRecord,
} from '@vane/analytics';
import { analyticsClients, experimentRecords } from '@vane/analytics/testing';
import { TOPICS, topicName } from '@vane/core';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';

const EVENTS = 1_000_000;
const PARTITIONS = 3;
const BATCH = 20_000;
const T0 = Date.UTC(2024, 8, 1);
const logger = pino({ level: 'silent' });

function workload(): InsightRecord[] {
  // 3 arms × 200,000 exposed users = 600,000 exposures; 400,000 metric events.
  const scope = {
    envId: 'bench-env',
    flagKey: 'bench-flag',
    metricEventName: 'purchase',
    startMs: T0,
  };
  const records = experimentRecords(scope, [
    { variationId: 'control', users: 200_000, converters: 130_000, value: (i) => 10 + (i % 13) },
    { variationId: 'blue', users: 200_000, converters: 140_000, value: (i) => 10.5 + (i % 13) },
    { variationId: 'green', users: 200_000, converters: 130_000, value: (i) => 10 + (i % 11) },
  ]);
  if (records.length !== EVENTS) throw new Error(`workload has ${records.length} events`);
  return records;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;

/** Runs both benchmarks and prints the figures. */
export async function run(): Promise<void> {
  const servers = testServers();
  const name = uniqueTestName('bench_analytics');
  const topicPrefix = `${name}.`;
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const bus = new KafkaInsightBus(kafka, { topicPrefix, logger });
  await bus.ensureTopics(PARTITIONS);
  const topic = topicName(TOPICS.insights, topicPrefix);
  const admin = createClient({ url: servers.clickhouseUrl });

  try {
    const messages = workload().map((r) => ({
      key: insightKey(r),
      value: Buffer.from(encodeInsightRecord(r)),
    }));
    const bytes = messages.reduce((s, m) => s + m.value.length, 0);
    const producer = kafka.producer();
    await producer.connect();
    let t = performance.now();
    for (let i = 0; i < messages.length; i += 50_000) {
      const chunk = messages.slice(i, i + 50_000);
      await Promise.all(
        Array.from({ length: 5 }, (_, j) =>
          producer.send({ topic, acks: -1, messages: chunk.slice(j * 10_000, (j + 1) * 10_000) }),
        ),
      );
    }
    const produceSeconds = (performance.now() - t) / 1000;
    await producer.disconnect();
    console.log(
      `produced ${EVENTS.toLocaleString()} events (${(bytes / EVENTS).toFixed(0)} B each) in ${produceSeconds.toFixed(1)} s`,
    );

    // Baseline: a kafkajs consumer that only counts (no decode, no store).
    const counter = kafka.consumer({ groupId: `${name}-count`, maxWaitTimeInMs: 250 });
    await counter.connect();
    await counter.subscribe({ topic, fromBeginning: true });
    let counted = 0;
    t = performance.now();
    await counter.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        counted += batch.messages.length;
        await Promise.resolve();
      },
    });
    while (counted < EVENTS) await sleep(20);
    const countSeconds = (performance.now() - t) / 1000;
    await counter.disconnect();

    // Vane: Kafka → decode → batch → ClickHouse, until the group's lag is 0.
    const store = await ClickHouseInsightStore.create(
      createClient({ url: servers.clickhouseUrl }),
      name,
      logger,
    );
    const groupId = `${name}-analytics`;
    t = performance.now();
    const app = await startAnalytics(
      { store, bus, logger },
      {
        grpcPort: 0,
        httpPort: 0,
        host: '127.0.0.1',
        batchSize: BATCH,
        batchMaxWaitMs: 1000,
        groupId,
      },
    );
    while (((await bus.lag(groupId)) ?? 1) > 0) await sleep(100);
    const ingestSeconds = (performance.now() - t) / 1000;
    const stored = await admin.query({
      query: `SELECT uniqExact(event_id) AS n FROM ${name}.insight_events`,
      format: 'JSONEachRow',
    });
    const [row] = await stored.json<{ n: string }>();
    if (Number(row?.n) !== EVENTS)
      throw new Error(`stored ${row?.n} distinct events, expected ${EVENTS}`);

    console.log('\n| path | events | seconds | events/s |\n|---|---:|---:|---:|');
    console.log(
      `| kafkajs consumer, count only (baseline) | ${EVENTS.toLocaleString()} | ${countSeconds.toFixed(1)} | ${Math.round(EVENTS / countSeconds).toLocaleString()} |`,
    );
    console.log(
      `| Vane analytics: Kafka → ClickHouse, committed | ${EVENTS.toLocaleString()} | ${ingestSeconds.toFixed(1)} | ${Math.round(EVENTS / ingestSeconds).toLocaleString()} |`,
    );

    // Experiment results over the 1,000,000 stored events.
    const clients = analyticsClients(app.grpcPort);
    const request = (metricType: MetricType) => ({
      spec: {
        envId: 'bench-env',
        flagKey: 'bench-flag',
        variations: ['control', 'blue', 'green'].map((variationId) => ({
          variationId,
          trafficWeight: 1,
        })),
        baselineVariationId: 'control',
        metricEventName: 'purchase',
        metricType,
        successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
        window: { startTime: new Date(T0), endTime: new Date(T0 + 86_400_000) },
        alpha: 0.05,
        minUsersPerVariation: 0,
      },
    });
    console.log(
      '\n| GetExperimentResults over 1,000,000 events | median ms | p95 ms | of which SQL (median ms) |\n|---|---:|---:|---:|',
    );
    for (const [label, type, metric] of [
      ['conversion metric, 3 arms', MetricType.METRIC_TYPE_CONVERSION, 'conversion'],
      ['numeric metric, 3 arms', MetricType.METRIC_TYPE_NUMERIC, 'numeric'],
    ] as const) {
      const rpc: number[] = [];
      const sqlOnly: number[] = [];
      for (let i = 0; i < 12; i++) {
        let s = performance.now();
        const res = await clients.experiments.getExperimentResults(request(type));
        rpc.push(performance.now() - s);
        if (res.results?.exposedUsers !== 600_000) throw new Error('wrong exposure count');
        s = performance.now();
        await store.experimentData({
          envId: 'bench-env',
          flagKey: 'bench-flag',
          variationIds: ['control', 'blue', 'green'],
          metricEventName: 'purchase',
          metric,
          startMs: T0,
          endMs: T0 + 86_400_000,
        });
        sqlOnly.push(performance.now() - s);
      }
      rpc.shift();
      sqlOnly.shift();
      console.log(
        `| ${label} | ${percentile(rpc, 0.5).toFixed(0)} | ${percentile(rpc, 0.95).toFixed(0)} | ${percentile(sqlOnly, 0.5).toFixed(0)} |`,
      );
    }
    clients.close();
    await app.stop();
    await store.close();
  } finally {
    await bus.close();
    await admin.command({ query: `DROP DATABASE IF EXISTS ${name}` });
    await admin.close();
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const topics = (await kafkaAdmin.listTopics()).filter((x) => x.startsWith(topicPrefix));
    await kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
    await kafkaAdmin.disconnect();
  }
}
