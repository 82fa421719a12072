// Stored definition → core: the one reading of a flag, segment or environment document, used by
// the api-server (validation, previews) and by every reader of its store (ELS's MongoDB adapter,
// the embedded launcher's store adapter).
import type { FeatureFlag, Segment } from '@vane/core';
import type { EnvironmentDoc, FlagDoc, SegmentDoc } from './definition-documents.js';

/** Core's flag with the sync version it was stored with (always set on a stored flag). */
export type StoredFlag = FeatureFlag & { readonly version: number };

/** Core's segment with its sync version. */
export type StoredSegment = Segment & { readonly version: number };

/** A deleted flag or segment as a reader reports it: id, key as it was, and the delete's version. */
export interface Tombstone {
  readonly id: string;
  readonly key: string;
  readonly version: number;
}

/** What an SDK secret grants: one environment, one connection kind. */
export interface SecretGrant {
  readonly envId: string;
  readonly kind: 'server' | 'client';
}

// What separates a tombstone's original key from the id appended to free the key.
const TOMBSTONE_MARK = '\u0000deleted:';

/** The key a tombstone takes, so that a new flag or segment can reuse the deleted one's key. */
export function tombstoneKey(key: string, id: string): string {
  return `${key}${TOMBSTONE_MARK}${id}`;
}

/** Core's view of a stored flag: bookkeeping dropped, `id` from `_id`. */
export function coreFlag(doc: FlagDoc): StoredFlag {
  return toCore(doc) as unknown as StoredFlag;
}

/** Core's view of a stored segment: bookkeeping dropped, `id` from `_id`. */
export function coreSegment(doc: SegmentDoc): StoredSegment {
  return toCore(doc) as unknown as StoredSegment;
}

/** The tombstone a deleted flag or segment document stands for (its key without the mark). */
export function tombstoneOf(doc: FlagDoc | SegmentDoc): Tombstone {
  const key = typeof doc.key === 'string' ? doc.key : '';
  const cut = key.indexOf(TOMBSTONE_MARK);
  return {
    id: doc._id,
    key: cut >= 0 ? key.slice(0, cut) : key,
    version: typeof doc.version === 'number' ? doc.version : 0,
  };
}

/**
 * What `secret` grants in this environment, or undefined when the environment is deleted or has
 * no such secret (or one of an unknown kind, as a hand-edited document could hold).
 */
export function secretGrant(env: EnvironmentDoc, secret: string): SecretGrant | undefined {
  if (env.deleted === true) return undefined;
  const match = (env.secrets ?? []).find((s) => s.value === secret);
  if (match?.kind !== 'server' && match?.kind !== 'client') return undefined;
  return { envId: env._id, kind: match.kind };
}

/** The document without its bookkeeping (not part of core's model), `id` from `_id`. */
function toCore(doc: FlagDoc | SegmentDoc): Record<string, unknown> {
  const {
    _id,
    outbox: _outbox,
    deleted: _deleted,
    revision: _revision,
    creatorId: _creatorId,
    updaterId: _updaterId,
    ...core
  } = doc;
  const { segmentIds: _segmentIds, ...definition } = core as typeof core & { segmentIds?: unknown };
  return { ...definition, id: _id, version: typeof doc.version === 'number' ? doc.version : 0 };
}
