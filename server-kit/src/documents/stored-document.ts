// The bookkeeping every document the api-server stores carries, whatever its collection: id,
// optimistic-concurrency revision, the outbox of change records, and the tombstone mark.
//
// Why an outbox *inside* each document: FerretDB (and MongoDB without a replica set) has no
// multi-document transactions. A write changes the resource and appends the change record to that
// same document in one atomic single-document update, so a change can never be saved without its
// record. Readers of the documents (ELS, the embedded launcher) skip these fields.

/** A JSON value as stored. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One change waiting to be relayed: the audit record, and the event source for Kafka. */
export interface ChangeRecord {
  /** Unique id (UUID); also the Kafka `event_id` and the audit entry id (idempotency key). */
  readonly id: string;
  /** Milliseconds since the epoch when the change was made. */
  readonly at: number;
  /** Access-token id (or `system`) that made the change. */
  readonly actorId: string;
  /** What happened, e.g. `created`, `updated`, `toggled`, `archived`, `restored`, `deleted`. */
  readonly action: string;
  /** Which fields changed (update masks), for the audit log. */
  readonly fields?: readonly string[];
  /** Free-text comment of the caller. */
  readonly comment?: string;
  /** The environment's sync version given to this change (flags and segments only). */
  readonly version?: number;
  /** The resource before the change (null on create). */
  readonly before: Json;
  /** The resource after the change (null on delete). */
  readonly after: Json;
}

/** Fields every stored document has, managed by the store's callers. */
export interface StoredDocument {
  /** Primary key. */
  readonly _id: string;
  /** Optimistic-concurrency counter: 1 after create, +1 on every committed write. */
  readonly revision: number;
  /** Change records not yet relayed, oldest first. */
  readonly outbox: readonly ChangeRecord[];
  /** A deleted document stays (tombstoned) until its outbox is relayed, then it is purged. */
  readonly deleted?: boolean;
}
