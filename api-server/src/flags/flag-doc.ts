// The stored form of a feature flag: core's FeatBit-shaped model plus bookkeeping. ELS reads the
// same documents (Redis miss → MongoDB), so the flag fields keep core's names and JSON shape.
import type { FeatureFlag } from '@vane/core';
import type { StoredDocument } from '../store/document-store.js';

/** Collection name and unique indexes of flags: keys are unique within an environment. */
export const FLAGS = {
  name: 'flags',
  unique: [{ name: 'env_key', fields: ['envId', 'key'] }],
} as const;

/** A stored flag (`_id` equals `id`). */
export interface FlagDoc extends StoredDocument, Omit<FeatureFlag, 'envId' | 'version'> {
  readonly envId: string;
  /** The environment's sync version of the flag's latest change. */
  readonly version: number;
  /** Ids of the segments its conditions reference (for segment-change fan-out). */
  readonly segmentIds: readonly string[];
  readonly creatorId: string;
  readonly updaterId: string;
  /** ISO-8601 with milliseconds, as FeatBit's SDK payload carries them. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The counter that gives an environment's sync versions. */
export function envVersionCounter(envId: string): string {
  return `env:${envId}`;
}
