// The stored form of an experiment metric.
import type { StoredDocument } from '../store/document-store.js';

/**
 * Collection name and unique indexes of metrics. The contract gives metrics no key, so the name is
 * what must be unique within an environment (a deleted metric frees its name at once).
 */
export const METRICS = {
  name: 'metrics',
  unique: [{ name: 'env_name', fields: ['envId', 'name'] }],
} as const;

/** How a metric is measured (`vane.model.v1.MetricType`). */
export type MetricKind = 'conversion' | 'numeric';

/** Which direction is an improvement (`vane.model.v1.SuccessCriterion`). */
export type MetricDirection = 'higher-is-better' | 'lower-is-better';

/** An experiment metric of an environment. */
export interface MetricDoc extends StoredDocument {
  readonly envId: string;
  readonly name: string;
  readonly description: string;
  /** Name of the tracked event the metric counts. */
  readonly eventName: string;
  readonly type: MetricKind;
  readonly successCriterion: MetricDirection;
  readonly unit: string;
  readonly tags: readonly string[];
  readonly isArchived: boolean;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly creatorId: string;
  readonly updaterId: string;
}
