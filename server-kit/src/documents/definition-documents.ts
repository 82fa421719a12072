// The stored definitions that more than one deployable reads: flags, segments and environments
// (with their SDK secrets). The api-server writes them; ELS's MongoDB adapter and the embedded
// launcher's store adapter read them. The flag and segment fields keep core's names and JSON
// shape, so a document is core's model plus bookkeeping.
import type { FeatureFlag, Segment } from '@vane/core';
import type { StoredDocument } from './stored-document.js';

/** Collection name and unique indexes of flags: keys are unique within an environment. */
export const FLAGS = {
  name: 'flags',
  unique: [{ name: 'env_key', fields: ['envId', 'key'] }],
} as const;

/** Collection name and unique indexes of segments: keys are unique within an environment. */
export const SEGMENTS = {
  name: 'segments',
  unique: [{ name: 'env_key', fields: ['envId', 'key'] }],
} as const;

/** Collection name and unique indexes of environments: keys are unique within a project. */
export const ENVIRONMENTS = {
  name: 'environments',
  unique: [{ name: 'project_key', fields: ['projectId', 'key'] }],
} as const;

/** A stored flag (`_id` equals `id`). */
export interface FlagDoc extends StoredDocument, Omit<FeatureFlag, 'envId' | 'version'> {
  readonly envId: string;
  /** The environment's sync version of the flag's latest change (the delete's, on a tombstone). */
  readonly version: number;
  /** Ids of the segments its conditions reference (for segment-change fan-out). */
  readonly segmentIds: readonly string[];
  readonly creatorId: string;
  readonly updaterId: string;
  /** ISO-8601 with milliseconds, as FeatBit's SDK payload carries them. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A stored segment (`_id` equals `id`). */
export interface SegmentDoc extends StoredDocument, Omit<Segment, 'envId' | 'key' | 'version'> {
  readonly envId: string;
  readonly key: string;
  readonly version: number;
  readonly creatorId: string;
  readonly updaterId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An SDK secret: `server` secrets read definitions, `client` secrets only evaluated results. */
export interface SecretDoc {
  readonly id: string;
  readonly name: string;
  readonly kind: 'server' | 'client';
  /** The secret itself (FeatBit's 44-character format, carrying the environment id). */
  readonly value: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** An environment of a project; flags and segments live in environments. */
export interface EnvironmentDoc extends StoredDocument {
  readonly projectId: string;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly secrets: readonly SecretDoc[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly creatorId: string;
  readonly updaterId: string;
}
