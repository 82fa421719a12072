// The insight store port: where consumed insight events live and the two aggregate queries the
// gRPC API needs. Domain types only; adapters: ClickHouse (production) and memory (embedded).
import type { InsightRecord } from './insight-record.js';

/** Counts of one flag per bucket and variation over [startMs, endMs). */
export interface FlagInsightsQuery {
  readonly envId: string;
  readonly flagKey: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Bucket size in ms; buckets are aligned to the epoch (so to UTC minutes/hours/days). */
  readonly bucketMs: number;
}

/** Evaluation count and distinct users of one variation (in a bucket or over the window). */
export interface VariationCountRow {
  readonly variationId: string;
  readonly evaluations: number;
  readonly uniqueUsers: number;
}

/** A variation's counts in one bucket. */
export interface BucketCountRow extends VariationCountRow {
  /** Bucket start, ms since the epoch (a multiple of bucketMs). */
  readonly bucketStartMs: number;
}

/** The answer to a `FlagInsightsQuery`; counts are after de-duplication by event id. */
export interface FlagInsightCounts {
  /** Non-empty (bucket, variation) cells, by bucket then variation id. */
  readonly buckets: readonly BucketCountRow[];
  /** Per variation over the window, by variation id. */
  readonly totals: readonly VariationCountRow[];
  /** Distinct users over the window, all variations together. */
  readonly uniqueUsers: number;
}

/** The data of an experiment iteration (see `ExperimentResultsService` in the contract). */
export interface ExperimentDataQuery {
  readonly envId: string;
  readonly flagKey: string;
  /** Only exposures to these variations count. */
  readonly variationIds: readonly string[];
  readonly metricEventName: string;
  readonly metric: 'conversion' | 'numeric';
  readonly startMs: number;
  readonly endMs: number;
}

/** Aggregates of one variation; variations without exposed users are omitted. */
export interface ExperimentArmRow {
  readonly variationId: string;
  /** Users whose first exposure (among the listed variations, in the window) was this one. */
  readonly exposedUsers: number;
  /** Conversion: exposed users; numeric: exposed users with ≥ 1 metric event after exposure. */
  readonly users: number;
  /** Conversion: users with a metric event at or after their first exposure, in the window. */
  readonly conversions: number;
  /** Numeric: sum over users of their per-user sums. */
  readonly totalValue: number;
  /** Numeric: mean of per-user sums (0 without users). */
  readonly mean: number;
  /** Numeric: sample variance of per-user sums (0 below two users). */
  readonly variance: number;
}

/** Storage of insight events with exactly-once counting over at-least-once delivery. */
export interface InsightStore {
  /** Stores the records durably; records whose event id is already stored count once. */
  insert(records: readonly InsightRecord[]): Promise<void>;
  /** Per-bucket and total evaluation counts of one flag (exposure or not), deduplicated. */
  flagInsights(query: FlagInsightsQuery): Promise<FlagInsightCounts>;
  /** Per-variation exposure and metric aggregates of an experiment, deduplicated. */
  experimentData(query: ExperimentDataQuery): Promise<readonly ExperimentArmRow[]>;
  /** Resolves when the store can serve (reachable, schema migrated). */
  ping(): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
