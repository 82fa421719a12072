// In-memory insight store: the embedded default (`npm start`) and the fake of unit tests. Same
// semantics as the ClickHouse store (the conformance suite runs against both); everything lives
// in this process, deduplicated by event id on insert.
import type { FlagEvaluationRecord, InsightRecord, MetricRecord } from './insight-record.js';
import type {
  BucketCountRow,
  ExperimentArmRow,
  ExperimentDataQuery,
  FlagInsightCounts,
  FlagInsightsQuery,
  InsightStore,
  VariationCountRow,
} from './insight-store.js';

interface Counter {
  events: number;
  users: Set<string>;
}

function countRows(cells: Map<string, Counter>): VariationCountRow[] {
  return [...cells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([variationId, c]) => ({ variationId, evaluations: c.events, uniqueUsers: c.users.size }));
}

function bump(cells: Map<string, Counter>, key: string, user: string): void {
  let c = cells.get(key);
  if (!c) {
    c = { events: 0, users: new Set() };
    cells.set(key, c);
  }
  c.events += 1;
  c.users.add(user);
}

/** First exposure of a user: earliest time, ties broken by the smaller variation id. */
interface Exposure {
  ts: number;
  variationId: string;
}

/** An `InsightStore` held in memory. */
export class MemoryInsightStore implements InsightStore {
  readonly #ids = new Set<string>();
  readonly #flags: FlagEvaluationRecord[] = [];
  readonly #metrics: MetricRecord[] = [];
  #closed = false;

  /** Stores records, ignoring ids already stored. */
  insert(records: readonly InsightRecord[]): Promise<void> {
    this.#check();
    for (const r of records) {
      if (this.#ids.has(r.eventId)) continue;
      this.#ids.add(r.eventId);
      if (r.kind === 'flag') this.#flags.push(r);
      else this.#metrics.push(r);
    }
    return Promise.resolve();
  }

  /** Counts from the stored flag evaluations. */
  flagInsights(q: FlagInsightsQuery): Promise<FlagInsightCounts> {
    this.#check();
    const cells = new Map<number, Map<string, Counter>>();
    const totals = new Map<string, Counter>();
    const users = new Set<string>();
    for (const r of this.#flags) {
      if (r.envId !== q.envId || r.flagKey !== q.flagKey) continue;
      if (r.timestampMs < q.startMs || r.timestampMs >= q.endMs) continue;
      const bucket = Math.floor(r.timestampMs / q.bucketMs) * q.bucketMs;
      let cell = cells.get(bucket);
      if (!cell) {
        cell = new Map();
        cells.set(bucket, cell);
      }
      bump(cell, r.variationId, r.userKeyId);
      bump(totals, r.variationId, r.userKeyId);
      users.add(r.userKeyId);
    }
    const buckets: BucketCountRow[] = [...cells.keys()]
      .sort((a, b) => a - b)
      .flatMap((bucketStartMs) =>
        countRows(cells.get(bucketStartMs)!).map((row) => ({ bucketStartMs, ...row })),
      );
    return Promise.resolve({ buckets, totals: countRows(totals), uniqueUsers: users.size });
  }

  /** Aggregates exposures and metric events as the contract defines them. */
  experimentData(q: ExperimentDataQuery): Promise<readonly ExperimentArmRow[]> {
    this.#check();
    const listed = new Set(q.variationIds);
    const inWindow = (ts: number): boolean => ts >= q.startMs && ts < q.endMs;
    const first = new Map<string, Exposure>();
    for (const r of this.#flags) {
      if (r.envId !== q.envId || r.flagKey !== q.flagKey || !r.sendToExperiment) continue;
      if (!listed.has(r.variationId) || !inWindow(r.timestampMs)) continue;
      const seen = first.get(r.userKeyId);
      if (
        !seen ||
        r.timestampMs < seen.ts ||
        (r.timestampMs === seen.ts && r.variationId < seen.variationId)
      ) {
        first.set(r.userKeyId, { ts: r.timestampMs, variationId: r.variationId });
      }
    }
    // Per exposed user: whether they converted and the sum of their values after exposure.
    const perUser = new Map<string, { converted: boolean; total: number; events: number }>();
    for (const m of this.#metrics) {
      if (m.envId !== q.envId || m.eventName !== q.metricEventName || !inWindow(m.timestampMs)) {
        continue;
      }
      const exposure = first.get(m.userKeyId);
      if (!exposure || m.timestampMs < exposure.ts) continue;
      const u = perUser.get(m.userKeyId) ?? { converted: false, total: 0, events: 0 };
      u.converted = true;
      u.total += m.numericValue;
      u.events += 1;
      perUser.set(m.userKeyId, u);
    }
    const arms = new Map<string, { exposed: number; values: number[]; conversions: number }>();
    for (const [user, exposure] of first) {
      let arm = arms.get(exposure.variationId);
      if (!arm) {
        arm = { exposed: 0, values: [], conversions: 0 };
        arms.set(exposure.variationId, arm);
      }
      arm.exposed += 1;
      const u = perUser.get(user);
      if (u) {
        arm.conversions += 1;
        arm.values.push(u.total);
      }
    }
    const rows = [...arms.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([variationId, arm]): ExperimentArmRow => {
        if (q.metric === 'conversion') {
          return {
            variationId,
            exposedUsers: arm.exposed,
            users: arm.exposed,
            conversions: arm.conversions,
            totalValue: 0,
            mean: 0,
            variance: 0,
          };
        }
        const n = arm.values.length;
        const total = arm.values.reduce((s, v) => s + v, 0);
        const mean = n > 0 ? total / n : 0;
        const variance = n > 1 ? arm.values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
        return {
          variationId,
          exposedUsers: arm.exposed,
          users: n,
          conversions: 0,
          totalValue: total,
          mean,
          variance,
        };
      });
    return Promise.resolve(rows);
  }

  /** Always ready while open. */
  ping(): Promise<void> {
    this.#check();
    return Promise.resolve();
  }

  /** Whether an event with this id is stored. */
  has(eventId: string): boolean {
    return this.#ids.has(eventId);
  }

  /** Marks the store closed. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #check(): void {
    if (this.#closed) throw new Error('the insight store is closed');
  }
}
