// An instance on the memory adapters with a real gRPC server on port 0 and real grpc-js clients:
// ingest through the bus, both RPCs, error details, auth, health and the HTTP probes.
import { status } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/grpc-js';
import { createVaneClient, vaneChannel, VaneCallError } from '@vane/grpc-client';
import { MemoryBroker, toServiceError } from '@vane/server-kit';
import {
  InvalidReason,
  type GetExperimentResultsRequest,
} from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import { service as healthService } from 'grpc-health-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAnalytics, type RunningAnalytics } from './analytics-service.js';
import { flagEvent } from './ingest/insight-store-conformance.js';
import { encodeInsightRecord, insightKey, type InsightRecord } from './ingest/insight-record.js';
import { MemoryInsightBus } from './ingest/memory-insight-bus.js';
import { MemoryInsightStore } from './ingest/memory-insight-store.js';
import { experimentRecords } from './testing/experiment-fixture.js';
import { analyticsClients, type AnalyticsClients } from './testing/grpc-clients.js';
import { POLL } from '@vane/scripts/rig';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2024, 4, 1, 10);
const HOUR = 3_600_000;
const TOKEN = 'internal-token';

let app: RunningAnalytics;
let clients: AnalyticsClients;
let bus: MemoryInsightBus;

async function publish(records: InsightRecord[]): Promise<void> {
  await bus.publish(records.map((r) => ({ key: insightKey(r), value: encodeInsightRecord(r) })));
}

function spec(
  over: Partial<NonNullable<GetExperimentResultsRequest['spec']>> = {},
): GetExperimentResultsRequest {
  return {
    spec: {
      envId: 'env-1',
      flagKey: 'exp-flag',
      variations: [
        { variationId: 'off', trafficWeight: 0.5 },
        { variationId: 'on', trafficWeight: 0.5 },
      ],
      baselineVariationId: 'off',
      metricEventName: 'purchase',
      metricType: MetricType.METRIC_TYPE_CONVERSION,
      successCriterion: SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER,
      window: { startTime: new Date(T0), endTime: new Date(T0 + 2 * HOUR) },
      alpha: 0,
      minUsersPerVariation: 0,
      ...over,
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<VaneCallError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof VaneCallError)) throw err;
  return err;
}

beforeAll(async () => {
  bus = new MemoryInsightBus(new MemoryBroker(), { maxBatch: 1000 });
  app = await startAnalytics(
    { store: new MemoryInsightStore(), bus, logger },
    {
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      batchSize: 1000,
      batchMaxWaitMs: 10,
      internalToken: TOKEN,
      reflection: true,
      now: () => T0 + 2 * HOUR,
    },
  );
  clients = analyticsClients(app.grpcPort, TOKEN);
  await publish([
    flagEvent({ flagKey: 'f', userKeyId: 'u1', variationId: 'on', timestampMs: T0 + 1000 }),
    flagEvent({ flagKey: 'f', userKeyId: 'u2', variationId: 'off', timestampMs: T0 + 90 * 60_000 }),
    flagEvent({ flagKey: 'f', userKeyId: 'u1', variationId: 'on', timestampMs: T0 + 91 * 60_000 }),
    ...experimentRecords(
      { envId: 'env-1', flagKey: 'exp-flag', metricEventName: 'purchase', startMs: T0 },
      [
        { variationId: 'off', users: 1000, converters: 100 },
        { variationId: 'on', users: 1000, converters: 150 },
      ],
    ),
  ]);
  await vi.waitFor(async () => expect(await bus.lag('vane-analytics')).toBe(0), POLL);
});

afterAll(async () => {
  clients?.close();
  await app?.stop();
});

describe('GetFlagInsights over gRPC', () => {
  it('returns every bucket, totals and distinct users', async () => {
    const res = await clients.insights.getFlagInsights({
      envId: 'env-1',
      flagKey: 'f',
      timeRange: { startTime: new Date(T0), endTime: new Date(T0 + 2 * HOUR) },
      interval: BucketInterval.BUCKET_INTERVAL_HOUR,
    });
    expect(res.insights).toEqual({
      interval: BucketInterval.BUCKET_INTERVAL_HOUR,
      buckets: [
        {
          startTime: new Date(T0),
          variations: [{ variationId: 'on', evaluations: 1, uniqueUsers: 1 }],
        },
        {
          startTime: new Date(T0 + HOUR),
          variations: [
            { variationId: 'off', evaluations: 1, uniqueUsers: 1 },
            { variationId: 'on', evaluations: 1, uniqueUsers: 1 },
          ],
        },
      ],
      totals: [
        { variationId: 'off', evaluations: 1, uniqueUsers: 1 },
        { variationId: 'on', evaluations: 2, uniqueUsers: 1 },
      ],
      uniqueUsers: 2,
    });
  });

  it('chooses the interval when unspecified and fills empty buckets (end defaults to now)', async () => {
    const res = await clients.insights.getFlagInsights({
      envId: 'env-1',
      flagKey: 'nothing',
      timeRange: { startTime: new Date(T0 + 7) },
    });
    expect(res.insights?.interval).toBe(BucketInterval.BUCKET_INTERVAL_MINUTE);
    expect(res.insights?.buckets).toHaveLength(120);
    expect(res.insights?.buckets[0]).toEqual({ startTime: new Date(T0), variations: [] });
  });

  it('rejects bad requests with INVALID_ARGUMENT and every field violation', async () => {
    const err = await rejection(clients.insights.getFlagInsights({ envId: '', flagKey: ' ' }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const info = err.info;
    expect(info?.reason).toBe(ErrorReason.ERROR_REASON_VALIDATION_FAILED);
    expect(info?.fieldViolations.map((v) => v.field)).toEqual(['env_id', 'flag_key']);

    const tooMany = await rejection(
      clients.insights.getFlagInsights({
        envId: 'e',
        flagKey: 'f',
        timeRange: { startTime: new Date(0), endTime: new Date(T0) },
        interval: BucketInterval.BUCKET_INTERVAL_MINUTE,
      }),
    );
    expect(tooMany.code).toBe(status.INVALID_ARGUMENT);
    expect(tooMany.info?.fieldViolations[0]?.field).toBe('time_range');
  });

  it('requires the internal token when one is configured', async () => {
    const anonymous = analyticsClients(app.grpcPort);
    const stranger = analyticsClients(app.grpcPort, 'nope');
    const missing = await rejection(
      anonymous.insights.getFlagInsights({ envId: 'e', flagKey: 'f' }),
    );
    expect(missing.code).toBe(status.UNAUTHENTICATED);
    expect(missing.info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_MISSING);
    const invalid = await rejection(
      stranger.insights.getFlagInsights({ envId: 'e', flagKey: 'f' }),
    );
    expect(invalid.info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_INVALID);
    anonymous.close();
    stranger.close();
  });
});

describe('GetExperimentResults over gRPC', () => {
  it('computes a clear winner with both analyses and a passing SRM check', async () => {
    const res = await clients.experiments.getExperimentResults(spec());
    const results = res.results!;
    expect(results.exposedUsers).toBe(2000);
    expect(results.computedAt).toEqual(new Date(T0 + 2 * HOUR));
    expect(results.srm).toEqual({
      chiSquare: 0,
      degreesOfFreedom: 1,
      pValue: 1,
      mismatch: false,
      checked: true,
    });
    const [off, on] = results.variations;
    expect(off).toMatchObject({
      variationId: 'off',
      isBaseline: true,
      isWinner: false,
      users: 1000,
      conversions: 100,
    });
    expect(off?.frequentist).toBeUndefined();
    expect(on).toMatchObject({
      variationId: 'on',
      isWinner: true,
      exposedUsers: 1000,
      conversions: 150,
      conversionRate: 0.15,
      expectedShare: 0.5,
      observedShare: 0.5,
      invalidReason: InvalidReason.INVALID_REASON_UNSPECIFIED,
      requiredUsers: 684,
    });
    expect(on?.frequentist?.relativeLift).toBeCloseTo(0.5, 12);
    expect(on?.frequentist?.pValue).toBeCloseTo(0.005970915688816839, 12);
    expect(on?.frequentist?.significant).toBe(true);
    expect(on?.bayesian?.chanceToBeatBaseline).toBeCloseTo(0.9996423628996722, 7);
  });

  it('reports guards instead of comparisons when samples are too small', async () => {
    const res = await clients.experiments.getExperimentResults(
      spec({ minUsersPerVariation: 5000 }),
    );
    const on = res.results!.variations[1]!;
    expect(on.invalidReason).toBe(InvalidReason.INVALID_REASON_BASELINE_INVALID);
    expect(on.invalidDetail).toBe('the baseline needs at least 5000 users, has 1000');
    expect(on.isWinner).toBe(false);
    expect(on.frequentist).toBeUndefined();
    expect(on.bayesian).toBeUndefined();
  });

  it('rejects an invalid spec with every field violation', async () => {
    const err = await rejection(
      clients.experiments.getExperimentResults(
        spec({
          variations: [{ variationId: 'a', trafficWeight: 2 }],
          baselineVariationId: 'x',
          metricType: MetricType.METRIC_TYPE_UNSPECIFIED,
          window: undefined,
          alpha: 0.7,
        }),
      ),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.info?.fieldViolations.map((v) => v.field)).toEqual([
      'spec.variations',
      'spec.variations[0].traffic_weight',
      'spec.baseline_variation_id',
      'spec.metric_type',
      'spec.window.start_time',
      'spec.alpha',
    ]);
  });
});

describe('health, probes and metrics', () => {
  it('serves gRPC health', async () => {
    const channel = vaneChannel(`127.0.0.1:${app.grpcPort}`);
    // grpc-health-check's definition types neither messages nor the (unary) streaming flags.
    const check = healthService.Check as MethodDefinition<
      { service: string },
      { status: string }
    > & {
      requestStream: false;
      responseStream: false;
    };
    const health = createVaneClient({ check }, channel);
    const reply = await health.check({ service: 'vane.analytics.v1.InsightsService' });
    channel.close();
    expect(reply.status).toBe('SERVING');
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    const base = `http://127.0.0.1:${app.httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/vane_analytics_ingested_events_total \d+/);
    expect(metrics).toMatch(/vane_analytics_consumer_lag 0/);
    expect(metrics).toContain(
      'vane_analytics_grpc_calls_total{method="InsightsService/GetFlagInsights",code="INVALID_ARGUMENT"}',
    );
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe('toServiceError', () => {
  it('hides unknown errors behind INTERNAL with a generic message', () => {
    const err = toServiceError(new Error('secret connection string'), logger, 'X');
    expect(err).toEqual({ code: status.INTERNAL, details: 'internal error' });
  });
});
