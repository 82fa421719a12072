// The stored form of an experiment and its iterations.
import type { StoredDocument } from '../store/document-store.js';

/** Collection name and unique indexes of experiments (names need not be unique). */
export const EXPERIMENTS = { name: 'experiments', unique: [] } as const;

/** Lifecycle state (`vane.admin.v1.ExperimentStatus`). */
export type ExperimentState = 'not-started' | 'running' | 'stopped';

/** The intended traffic share of one variation. */
export interface VariationWeightDoc {
  readonly variationId: string;
  readonly weight: number;
}

/** One measurement window. */
export interface IterationDoc {
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Null while the iteration runs. */
  readonly endedAt: number | null;
  readonly description: string;
  /** Snapshot of the flag's fallthrough split when the iteration started. */
  readonly variationWeights: readonly VariationWeightDoc[];
}

/** An experiment: a flag's variations compared on one metric. */
export interface ExperimentDoc extends StoredDocument {
  readonly envId: string;
  readonly name: string;
  readonly description: string;
  readonly flagId: string;
  /** The flag's key, copied at create (flag keys never change). */
  readonly flagKey: string;
  readonly metricId: string;
  readonly baselineVariationId: string;
  /** Significance level in (0, 0.5]. */
  readonly alpha: number;
  readonly status: ExperimentState;
  /** Oldest first; the last one is open while `running`. */
  readonly iterations: readonly IterationDoc[];
  readonly isArchived: boolean;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly creatorId: string;
  readonly updaterId: string;
}
