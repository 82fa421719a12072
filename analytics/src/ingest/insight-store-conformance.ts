// The conformance suite of the `InsightStore` port: every adapter (memory, ClickHouse) must pass
// it. Call it inside a test file with a factory that returns a fresh, empty store.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagEvaluationRecord, InsightRecord, MetricRecord } from './insight-record.js';
import type { ExperimentArmRow, InsightStore } from './insight-store.js';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0); // 2024-05-01T10:00:00Z
const MIN = 60_000;
const HOUR = 3_600_000;

/** A flag evaluation with defaults. */
export function flagEvent(over: Partial<FlagEvaluationRecord> = {}): FlagEvaluationRecord {
  return {
    kind: 'flag',
    eventId: randomUUID(),
    envId: 'env-1',
    timestampMs: T0,
    receivedAtMs: T0 + 5,
    userKeyId: 'u1',
    userName: 'User 1',
    flagKey: 'checkout',
    flagId: 'flag-id',
    variationId: 'on',
    sendToExperiment: true,
    reason: 'default',
    ...over,
  };
}

/** A metric event with defaults. */
export function metricEvent(over: Partial<MetricRecord> = {}): MetricRecord {
  return {
    kind: 'metric',
    eventId: randomUUID(),
    envId: 'env-1',
    timestampMs: T0 + MIN,
    receivedAtMs: T0 + MIN + 5,
    userKeyId: 'u1',
    userName: 'User 1',
    eventName: 'purchase',
    numericValue: 1,
    type: 'CustomEvent',
    route: '/cart',
    appType: 'Vane-Node-Server-SDK',
    ...over,
  };
}

function byId(rows: readonly ExperimentArmRow[]): Record<string, ExperimentArmRow> {
  return Object.fromEntries(rows.map((r) => [r.variationId, r]));
}

/** Registers the conformance tests for an `InsightStore` adapter. */
export function insightStoreConformance(
  name: string,
  makeStore: () => Promise<InsightStore>,
  dropStore: (store: InsightStore) => Promise<void> = (s) => s.close(),
): void {
  describe(`InsightStore conformance: ${name}`, () => {
    let store: InsightStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await dropStore(store);
    });

    const insights = (
      over: Partial<{
        startMs: number;
        endMs: number;
        bucketMs: number;
        flagKey: string;
        envId: string;
      }> = {},
    ) =>
      store.flagInsights({
        envId: 'env-1',
        flagKey: 'checkout',
        startMs: T0,
        endMs: T0 + HOUR,
        bucketMs: 10 * MIN,
        ...over,
      });

    it('answers a ping and empty queries on an empty store', async () => {
      await store.ping();
      expect(await insights()).toEqual({ buckets: [], totals: [], uniqueUsers: 0 });
      expect(
        await store.experimentData({
          envId: 'env-1',
          flagKey: 'checkout',
          variationIds: ['on'],
          metricEventName: 'purchase',
          metric: 'conversion',
          startMs: T0,
          endMs: T0 + HOUR,
        }),
      ).toEqual([]);
    });

    it('counts evaluations per bucket and variation, with distinct users, in [start, end)', async () => {
      await store.insert([
        flagEvent({ userKeyId: 'u1', variationId: 'on', timestampMs: T0 }),
        flagEvent({ userKeyId: 'u1', variationId: 'on', timestampMs: T0 + MIN }),
        flagEvent({ userKeyId: 'u2', variationId: 'off', timestampMs: T0 + 9 * MIN + 59_999 }),
        flagEvent({
          userKeyId: 'u2',
          variationId: 'on',
          timestampMs: T0 + 10 * MIN,
          sendToExperiment: false,
        }),
        flagEvent({ userKeyId: 'u3', variationId: 'on', timestampMs: T0 + 35 * MIN }),
        flagEvent({ userKeyId: 'u4', variationId: 'on', timestampMs: T0 - 1 }), // before the window
        flagEvent({ userKeyId: 'u5', variationId: 'on', timestampMs: T0 + HOUR }), // end is exclusive
        flagEvent({ userKeyId: 'u6', flagKey: 'other' }),
        flagEvent({ userKeyId: 'u7', envId: 'env-2' }),
        metricEvent({ userKeyId: 'u8' }),
      ]);
      expect(await insights()).toEqual({
        buckets: [
          { bucketStartMs: T0, variationId: 'off', evaluations: 1, uniqueUsers: 1 },
          { bucketStartMs: T0, variationId: 'on', evaluations: 2, uniqueUsers: 1 },
          { bucketStartMs: T0 + 10 * MIN, variationId: 'on', evaluations: 1, uniqueUsers: 1 },
          { bucketStartMs: T0 + 30 * MIN, variationId: 'on', evaluations: 1, uniqueUsers: 1 },
        ],
        totals: [
          { variationId: 'off', evaluations: 1, uniqueUsers: 1 },
          { variationId: 'on', evaluations: 4, uniqueUsers: 3 },
        ],
        uniqueUsers: 3,
      });
    });

    it('aligns buckets to the epoch and spans day boundaries', async () => {
      const midnight = Date.UTC(2024, 4, 2);
      await store.insert([
        flagEvent({ timestampMs: midnight - 1 }),
        flagEvent({ timestampMs: midnight }),
        flagEvent({ timestampMs: midnight + 25 * HOUR }),
      ]);
      const r = await insights({
        startMs: midnight - 2 * HOUR + 7,
        endMs: midnight + 2 * 24 * HOUR,
        bucketMs: 24 * HOUR,
      });
      expect(r.buckets.map((b) => [b.bucketStartMs, b.evaluations])).toEqual([
        [midnight - 24 * HOUR, 1],
        [midnight, 1],
        [midnight + 24 * HOUR, 1],
      ]);
    });

    it('counts a redelivered event once, within and across inserts', async () => {
      const a = flagEvent({ userKeyId: 'u1' });
      const b = flagEvent({ userKeyId: 'u2' });
      const m = metricEvent({ userKeyId: 'u1', numericValue: 5 });
      await store.insert([a, a, b, m]);
      await store.insert([a, b, m, m]);
      const r = await insights();
      expect(r.totals).toEqual([{ variationId: 'on', evaluations: 2, uniqueUsers: 2 }]);
      const rows = await store.experimentData({
        envId: 'env-1',
        flagKey: 'checkout',
        variationIds: ['on'],
        metricEventName: 'purchase',
        metric: 'numeric',
        startMs: T0,
        endMs: T0 + HOUR,
      });
      expect(rows).toEqual([
        {
          variationId: 'on',
          exposedUsers: 2,
          users: 1,
          conversions: 0,
          totalValue: 5,
          mean: 5,
          variance: 0,
        },
      ]);
    });

    it('stores strings with quotes, backslashes and unicode unchanged', async () => {
      const nasty = 'o\'k \\ "q" \n\t\r\0 \\t ünï 🚀 \') OR 1=1 --';
      await store.insert([
        flagEvent({ flagKey: nasty, variationId: nasty, userKeyId: nasty, userName: nasty }),
        metricEvent({ eventName: nasty, userKeyId: nasty, numericValue: 1.25e-7, route: nasty }),
      ]);
      const r = await insights({ flagKey: nasty });
      expect(r.totals).toEqual([{ variationId: nasty, evaluations: 1, uniqueUsers: 1 }]);
      const rows = await store.experimentData({
        envId: 'env-1',
        flagKey: nasty,
        variationIds: [nasty],
        metricEventName: nasty,
        metric: 'numeric',
        startMs: T0,
        endMs: T0 + HOUR,
      });
      expect(rows).toEqual([
        {
          variationId: nasty,
          exposedUsers: 1,
          users: 1,
          conversions: 0,
          totalValue: 1.25e-7,
          mean: 1.25e-7,
          variance: 0,
        },
      ]);
    });

    it('assigns each user to their first exposure and counts conversions after it', async () => {
      await store.insert([
        // u1: exposed to A, later to B (stays A), converts after exposure.
        flagEvent({ userKeyId: 'u1', variationId: 'A', timestampMs: T0 }),
        flagEvent({ userKeyId: 'u1', variationId: 'B', timestampMs: T0 + MIN }),
        metricEvent({ userKeyId: 'u1', timestampMs: T0 + 2 * MIN }),
        // u2: B; converted only before exposure → no conversion.
        metricEvent({ userKeyId: 'u2', timestampMs: T0 }),
        flagEvent({ userKeyId: 'u2', variationId: 'B', timestampMs: T0 + MIN }),
        // u3: B; converts at the exposure instant (counts), twice (counts once).
        flagEvent({ userKeyId: 'u3', variationId: 'B', timestampMs: T0 + 3 * MIN }),
        metricEvent({ userKeyId: 'u3', timestampMs: T0 + 3 * MIN }),
        metricEvent({ userKeyId: 'u3', timestampMs: T0 + 4 * MIN }),
        // u4: same-instant exposures to B and A: ties go to the smaller id (A).
        flagEvent({ userKeyId: 'u4', variationId: 'B', timestampMs: T0 + 5 * MIN }),
        flagEvent({ userKeyId: 'u4', variationId: 'A', timestampMs: T0 + 5 * MIN }),
        // u5: not an experiment exposure; u6: an unlisted variation; u7: other metric name.
        flagEvent({ userKeyId: 'u5', variationId: 'A', sendToExperiment: false }),
        flagEvent({ userKeyId: 'u6', variationId: 'C' }),
        metricEvent({ userKeyId: 'u6' }),
        flagEvent({ userKeyId: 'u7', variationId: 'A' }),
        metricEvent({ userKeyId: 'u7', eventName: 'signup' }),
        // u8: converts after the window end.
        flagEvent({ userKeyId: 'u8', variationId: 'B' }),
        metricEvent({ userKeyId: 'u8', timestampMs: T0 + HOUR }),
      ]);
      const rows = await store.experimentData({
        envId: 'env-1',
        flagKey: 'checkout',
        variationIds: ['A', 'B'],
        metricEventName: 'purchase',
        metric: 'conversion',
        startMs: T0,
        endMs: T0 + HOUR,
      });
      expect(byId(rows)).toEqual({
        A: {
          variationId: 'A',
          exposedUsers: 3,
          users: 3,
          conversions: 1,
          totalValue: 0,
          mean: 0,
          variance: 0,
        },
        B: {
          variationId: 'B',
          exposedUsers: 3,
          users: 3,
          conversions: 1,
          totalValue: 0,
          mean: 0,
          variance: 0,
        },
      });
      expect(rows.map((r) => r.variationId)).toEqual(['A', 'B']);
    });

    it('sums numeric values per user after exposure; mean and sample variance over users with events', async () => {
      await store.insert([
        flagEvent({ userKeyId: 'u1', variationId: 'A' }),
        metricEvent({ userKeyId: 'u1', numericValue: 2 }),
        metricEvent({ userKeyId: 'u1', numericValue: 3 }),
        flagEvent({ userKeyId: 'u2', variationId: 'A' }),
        metricEvent({ userKeyId: 'u2', numericValue: 7.5 }),
        metricEvent({ userKeyId: 'u2', numericValue: 100, timestampMs: T0 - MIN }), // before exposure
        flagEvent({ userKeyId: 'u3', variationId: 'A' }), // exposed, no events: not in the sample
        flagEvent({ userKeyId: 'u4', variationId: 'B' }),
        metricEvent({ userKeyId: 'u4', numericValue: -4 }),
      ]);
      const rows = byId(
        await store.experimentData({
          envId: 'env-1',
          flagKey: 'checkout',
          variationIds: ['A', 'B'],
          metricEventName: 'purchase',
          metric: 'numeric',
          startMs: T0 - HOUR,
          endMs: T0 + HOUR,
        }),
      );
      expect(rows.A).toMatchObject({ exposedUsers: 3, users: 2, conversions: 0 });
      expect(rows.A!.totalValue).toBeCloseTo(12.5, 9);
      expect(rows.A!.mean).toBeCloseTo(6.25, 9);
      expect(rows.A!.variance).toBeCloseTo(3.125, 9); // (5 − 6.25)² + (7.5 − 6.25)², / 1
      expect(rows.B).toEqual({
        variationId: 'B',
        exposedUsers: 1,
        users: 1,
        conversions: 0,
        totalValue: -4,
        mean: -4,
        variance: 0,
      });
    });

    it('keeps environments apart', async () => {
      await store.insert([
        flagEvent({ envId: 'env-2', userKeyId: 'u1', variationId: 'A' }),
        metricEvent({ envId: 'env-2', userKeyId: 'u1' }),
        flagEvent({ envId: 'env-1', userKeyId: 'u1', variationId: 'A' }),
      ]);
      const rows = await store.experimentData({
        envId: 'env-1',
        flagKey: 'checkout',
        variationIds: ['A'],
        metricEventName: 'purchase',
        metric: 'conversion',
        startMs: T0,
        endMs: T0 + HOUR,
      });
      expect(rows).toEqual([
        {
          variationId: 'A',
          exposedUsers: 1,
          users: 1,
          conversions: 0,
          totalValue: 0,
          mean: 0,
          variance: 0,
        },
      ]);
    });

    it('inserts a large batch in one call', async () => {
      const records: InsightRecord[] = [];
      for (let i = 0; i < 5000; i++) {
        records.push(
          flagEvent({
            userKeyId: `u${i % 700}`,
            variationId: i % 2 ? 'A' : 'B',
            timestampMs: T0 + (i % 60) * MIN,
          }),
        );
      }
      await store.insert(records);
      const r = await insights({ bucketMs: HOUR });
      expect(r.totals).toEqual([
        { variationId: 'A', evaluations: 2500, uniqueUsers: 350 },
        { variationId: 'B', evaluations: 2500, uniqueUsers: 350 },
      ]);
      expect(r.uniqueUsers).toBe(700);
    });
  });
}
