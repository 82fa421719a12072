// Flag insights: evaluations per variation over UTC-aligned time buckets, every bucket of the
// window present (empty ones too), plus totals and distinct users (contract: InsightsService).
import type { InsightStore, VariationCountRow } from '../ingest/insight-store.js';
import { Unavailable, Violations } from '@vane/server-kit';

/** Bucket sizes of the contract. */
export type BucketInterval = 'minute' | 'hour' | 'day';

/** Length of each interval in ms. */
export const INTERVAL_MS: Readonly<Record<BucketInterval, number>> = Object.freeze({
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
});

/** With no interval asked, the smallest that yields at most this many buckets. */
export const AUTO_MAX_BUCKETS = 200;
/** The window of a query without a start: the 7 days before its end. */
export const DEFAULT_WINDOW_MS = 7 * 86_400_000;
/** Most buckets one query may return. */
export const MAX_BUCKETS = 10_000;

/** A flag-insights query (times in ms; proto field names for error paths). */
export interface FlagInsightsRequest {
  readonly envId: string;
  readonly flagKey: string;
  /** Unset means 7 days before the end. */
  readonly startMs: number | undefined;
  /** Unset means now. */
  readonly endMs: number | undefined;
  /** Unset lets the service choose. */
  readonly interval: BucketInterval | undefined;
}

/** One bucket and its non-empty variations. */
export interface InsightBucketResult {
  readonly startMs: number;
  readonly variations: readonly VariationCountRow[];
}

/** The answer. */
export interface FlagInsightsResult {
  readonly interval: BucketInterval;
  readonly buckets: readonly InsightBucketResult[];
  readonly totals: readonly VariationCountRow[];
  readonly uniqueUsers: number;
}

function bucketCount(startMs: number, endMs: number, bucketMs: number): number {
  const first = Math.floor(startMs / bucketMs) * bucketMs;
  return Math.max(0, Math.ceil((endMs - first) / bucketMs));
}

/** Validates flag-insights queries and answers them from the store. */
export class FlagInsightsService {
  constructor(
    private readonly store: InsightStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws InvalidArgument (every bad field) or Unavailable (store down). */
  async get(req: FlagInsightsRequest): Promise<FlagInsightsResult> {
    const v = new Violations();
    v.check(req.envId.trim() !== '', 'env_id', 'is required');
    v.check(req.flagKey.trim() !== '', 'flag_key', 'is required');
    const endMs = req.endMs ?? this.now();
    const startMs = req.startMs ?? endMs - DEFAULT_WINDOW_MS;
    v.check(
      endMs >= startMs,
      req.endMs === undefined ? 'time_range.start_time' : 'time_range.end_time',
      req.endMs === undefined ? 'must not be in the future' : 'must not be before start_time',
    );
    v.throwIfAny();
    const interval =
      req.interval ??
      (['minute', 'hour', 'day'] as const).find(
        (i) => bucketCount(startMs, endMs, INTERVAL_MS[i]) <= AUTO_MAX_BUCKETS,
      ) ??
      'day';
    const bucketMs = INTERVAL_MS[interval];
    const count = bucketCount(startMs, endMs, bucketMs);
    v.check(
      count <= MAX_BUCKETS,
      'time_range',
      `spans ${count} ${interval} buckets; at most ${MAX_BUCKETS} are allowed (choose a larger interval)`,
    );
    v.throwIfAny();

    const counts = await this.store
      .flagInsights({ envId: req.envId, flagKey: req.flagKey, startMs, endMs, bucketMs })
      .catch((err: unknown) => {
        throw new Unavailable('the event store is unavailable', { cause: err });
      });
    const byBucket = new Map<number, VariationCountRow[]>();
    for (const row of counts.buckets) {
      const list = byBucket.get(row.bucketStartMs) ?? [];
      list.push({
        variationId: row.variationId,
        evaluations: row.evaluations,
        uniqueUsers: row.uniqueUsers,
      });
      byBucket.set(row.bucketStartMs, list);
    }
    const first = Math.floor(startMs / bucketMs) * bucketMs;
    const buckets = Array.from({ length: count }, (_, i) => {
      const bucketStart = first + i * bucketMs;
      return { startMs: bucketStart, variations: byBucket.get(bucketStart) ?? [] };
    });
    return { interval, buckets, totals: counts.totals, uniqueUsers: counts.uniqueUsers };
  }
}
