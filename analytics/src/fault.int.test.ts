// The fault test: the analytics consumer is killed (SIGKILL) in the middle of its work, after a
// batch reached ClickHouse and before its offsets were committed, with more batches in flight.
// A restarted instance re-reads from the last commit; the counts are exact: no loss, no double
// counting.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryBroker } from '@vane/server-kit';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import { POLL, testServers } from '@vane/scripts/rig';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalytics, type RunningAnalytics } from './analytics-service.js';
import { encodeInsightRecord, insightKey, type InsightRecord } from './ingest/insight-record.js';
import { MemoryInsightBus } from './ingest/memory-insight-bus.js';
import { MemoryInsightStore } from './ingest/memory-insight-store.js';
import { experimentRecords } from './testing/experiment-fixture.js';
import type { FaultChildArgs } from './testing/fault-child.js';
import { analyticsClients } from './testing/grpc-clients.js';
import { realServers, rounded, type RealServers } from './testing/real-servers.js';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2024, 6, 1, 8);
const HOUR = 3_600_000;
const BATCH = 1000;

let servers: RealServers;
let child: ChildProcess | undefined;
const running: RunningAnalytics[] = [];
const records: InsightRecord[] = [];

async function rawRows(): Promise<number> {
  const result = await servers.admin.query({
    query: `SELECT count() AS n FROM ${servers.database}.insight_events`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

function spawnChild(args: FaultChildArgs): { process: ChildProcess; crashed: Promise<void> } {
  const file = fileURLToPath(new URL('./testing/fault-child.ts', import.meta.url));
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@vane/source', file, JSON.stringify(args)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const crashed = new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('CRASH_POINT')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`child exited early with ${code}: ${out}`)));
  });
  return { process: proc, crashed };
}

beforeAll(async () => {
  servers = await realServers('analytics_fault', logger);
  records.push(
    ...experimentRecords(
      { envId: 'env-f', flagKey: 'flag-f', metricEventName: 'buy', startMs: T0 },
      [
        { variationId: 'a', users: 6000, converters: 600 },
        { variationId: 'b', users: 6000, converters: 750 },
      ],
    ),
  );
  const bus = servers.newBus();
  const messages = records.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) }));
  for (let i = 0; i < messages.length; i += 3000) await bus.publish(messages.slice(i, i + 3000));
  await bus.close();
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  for (const r of running) await r.stop();
  await servers?.cleanup();
});

describe('consumer killed mid-batch and restarted', () => {
  it('ends with exact counts: no loss, no double counting', { timeout: 180_000 }, async () => {
    const servers_ = testServers();
    const spawned = spawnChild({
      brokers: [...servers_.kafkaBrokers],
      clickhouseUrl: servers_.clickhouseUrl,
      database: servers.database,
      topicPrefix: servers.topicPrefix,
      groupId: servers.groupId,
      batchSize: BATCH,
      crashAfterInserts: 4,
    });
    child = spawned.process;
    await spawned.crashed;
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    // Written but not (all) committed: rows stored + messages uncommitted exceed the events, so
    // the restart re-delivers events that are already stored (background merges may collapse
    // the copies later; the queries are exact either way).
    const bus = servers.newBus();
    const rowsAtCrash = await rawRows();
    const lagAtCrash = (await bus.lag(servers.groupId)) ?? 0;
    expect(rowsAtCrash).toBeGreaterThanOrEqual(4 * BATCH);
    expect(lagAtCrash).toBeGreaterThan(records.length - rowsAtCrash);

    const store = await servers.newStore();
    const app = await startAnalytics(
      { store, bus, logger },
      {
        grpcPort: 0,
        httpPort: 0,
        host: '127.0.0.1',
        batchSize: BATCH,
        batchMaxWaitMs: 100,
        groupId: servers.groupId,
        now: () => T0 + 2 * HOUR,
      },
    );
    running.push(app);
    await expect.poll(() => bus.lag(servers.groupId), { timeout: 90_000, interval: 20 }).toBe(0);

    const clients = analyticsClients(app.grpcPort);
    const insights = await clients.insights.getFlagInsights({
      envId: 'env-f',
      flagKey: 'flag-f',
      timeRange: { startTime: new Date(T0), endTime: new Date(T0 + 2 * HOUR) },
      interval: BucketInterval.BUCKET_INTERVAL_DAY,
    });
    expect(insights.insights?.totals).toEqual([
      { variationId: 'a', evaluations: 6000, uniqueUsers: 6000 },
      { variationId: 'b', evaluations: 6000, uniqueUsers: 6000 },
    ]);
    const request = {
      spec: {
        envId: 'env-f',
        flagKey: 'flag-f',
        variations: [
          { variationId: 'a', trafficWeight: 0.5 },
          { variationId: 'b', trafficWeight: 0.5 },
        ],
        baselineVariationId: 'a',
        metricEventName: 'buy',
        metricType: MetricType.METRIC_TYPE_CONVERSION,
        successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
        window: { startTime: new Date(T0), endTime: new Date(T0 + 2 * HOUR) },
        alpha: 0.05,
        minUsersPerVariation: 0,
      },
    };
    const results = await clients.experiments.getExperimentResults(request);
    expect(results.results?.variations.map((v) => [v.exposedUsers, v.conversions])).toEqual([
      [6000, 600],
      [6000, 750],
    ]);

    // Same answer as the in-memory reference fed each event exactly once.
    const memoryBus = new MemoryInsightBus(new MemoryBroker());
    const reference = await startAnalytics(
      { store: new MemoryInsightStore(), bus: memoryBus, logger },
      {
        grpcPort: 0,
        httpPort: 0,
        host: '127.0.0.1',
        batchSize: 5000,
        batchMaxWaitMs: 10,
        groupId: 'ref',
        now: () => T0 + 2 * HOUR,
      },
    );
    running.push(reference);
    await memoryBus.publish(
      records.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) })),
    );
    await expect.poll(() => memoryBus.lag('ref'), POLL).toBe(0);
    const referenceClients = analyticsClients(reference.grpcPort);
    expect(rounded(results)).toEqual(
      rounded(await referenceClients.experiments.getExperimentResults(request)),
    );
    clients.close();
    referenceClients.close();
    await bus.close();
  });
});
