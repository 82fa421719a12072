// GetFlagInsights over gRPC without a window (or without its start) reports the 7 days before
// the end, as the contract says; events older than that are not counted.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryBroker } from '@vane/server-kit';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { startAnalytics, type RunningAnalytics } from '../analytics-service.js';
import { flagEvent } from '../ingest/insight-store-conformance.js';
import { encodeInsightRecord, insightKey } from '../ingest/insight-record.js';
import { MemoryInsightBus } from '../ingest/memory-insight-bus.js';
import { MemoryInsightStore } from '../ingest/memory-insight-store.js';
import { analyticsClients, type AnalyticsClients } from '../testing/grpc-clients.js';
import { POLL } from '@vane/scripts/rig';

const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 4, 10, 12, 30);
let app: RunningAnalytics;
let bus: MemoryInsightBus;
let clients: AnalyticsClients;

beforeAll(async () => {
  bus = new MemoryInsightBus(new MemoryBroker(), { maxBatch: 1000 });
  app = await startAnalytics(
    { store: new MemoryInsightStore(), bus, logger: pino({ level: 'silent' }) },
    {
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      batchSize: 1000,
      batchMaxWaitMs: 10,
      now: () => NOW,
    },
  );
  clients = analyticsClients(app.grpcPort);
  const records = [
    flagEvent({ flagKey: 'f', userKeyId: 'u1', variationId: 'on', timestampMs: NOW - HOUR }),
    flagEvent({
      flagKey: 'f',
      userKeyId: 'u2',
      variationId: 'on',
      timestampMs: NOW - 8 * 24 * HOUR,
    }),
  ];
  await bus.publish(records.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) })));
  await vi.waitFor(async () => expect(await bus.lag('vane-analytics')).toBe(0), POLL);
});

afterAll(async () => {
  clients?.close();
  await app?.stop();
});

describe('GetFlagInsights default window', () => {
  it('reports the last 7 days when time_range is unset', async () => {
    const res = await clients.insights.getFlagInsights({ envId: 'env-1', flagKey: 'f' });
    expect(res.insights?.interval).toBe(BucketInterval.BUCKET_INTERVAL_HOUR);
    expect(res.insights?.buckets[0]?.startTime).toEqual(
      new Date(Math.floor((NOW - 7 * 24 * HOUR) / HOUR) * HOUR),
    );
    expect(res.insights?.totals).toEqual([{ variationId: 'on', evaluations: 1, uniqueUsers: 1 }]);
  });

  it('reports the 7 days before an explicit end when only the start is unset', async () => {
    const end = new Date(NOW - 2 * 24 * HOUR);
    const res = await clients.insights.getFlagInsights({
      envId: 'env-1',
      flagKey: 'f',
      timeRange: { endTime: end },
    });
    expect(res.insights?.buckets[0]?.startTime).toEqual(
      new Date(Math.floor((end.getTime() - 7 * 24 * HOUR) / HOUR) * HOUR),
    );
    // Only the 8-day-old event falls in [end - 7 days, end).
    expect(res.insights?.totals).toEqual([{ variationId: 'on', evaluations: 1, uniqueUsers: 1 }]);
  });
});
