// A deterministic experiment workload for tests and benchmarks: exposures (and, for some users,
// conversions or numeric metric events) per variation, as insight records.
import { randomUUID } from 'node:crypto';
import type { InsightRecord } from '../ingest/insight-record.js';

/** One arm of a generated experiment. */
export interface FixtureArm {
  readonly variationId: string;
  readonly users: number;
  /** Conversion metrics: how many of the users convert. */
  readonly converters: number;
  /** Numeric metrics: the value each converter sends (default 1). */
  readonly value?: (userIndex: number) => number;
}

/** Where and when the events happen. */
export interface FixtureScope {
  readonly envId: string;
  readonly flagKey: string;
  readonly metricEventName: string;
  readonly startMs: number;
}

/** Insight records of an experiment: one exposure per user, one metric event per converter. */
export function experimentRecords(
  scope: FixtureScope,
  arms: readonly FixtureArm[],
): InsightRecord[] {
  const records: InsightRecord[] = [];
  for (const arm of arms) {
    for (let i = 0; i < arm.users; i++) {
      const userKeyId = `${arm.variationId}-user-${i}`;
      const ts = scope.startMs + (i % 3600) * 1000;
      records.push({
        kind: 'flag',
        eventId: randomUUID(),
        envId: scope.envId,
        timestampMs: ts,
        receivedAtMs: ts,
        userKeyId,
        userName: '',
        flagKey: scope.flagKey,
        flagId: 'flag-1',
        variationId: arm.variationId,
        sendToExperiment: true,
        reason: 'rollout',
      });
      if (i < arm.converters) {
        records.push({
          kind: 'metric',
          eventId: randomUUID(),
          envId: scope.envId,
          timestampMs: ts + 500,
          receivedAtMs: ts + 500,
          userKeyId,
          userName: '',
          eventName: scope.metricEventName,
          numericValue: arm.value?.(i) ?? 1,
          type: 'CustomEvent',
          route: '',
          appType: 'test',
        });
      }
    }
  }
  return records;
}
