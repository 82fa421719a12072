// The stored form of a segment: core's model plus bookkeeping (ELS reads the same documents).
import type { Segment } from '@vane/core';
import type { StoredDocument } from '../store/document-store.js';

/** Collection name and unique indexes of segments: keys are unique within an environment. */
export const SEGMENTS = {
  name: 'segments',
  unique: [{ name: 'env_key', fields: ['envId', 'key'] }],
} as const;

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
