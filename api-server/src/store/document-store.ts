// The persistence port of the api-server: named collections of JSON documents with optimistic
// concurrency and a per-document outbox. Every admin resource (projects, environments, flags,
// segments, end users, metrics, experiments, access tokens) is a document in one collection.
//
// Why an outbox *inside* each document: FerretDB (and MongoDB without a replica set) has no
// multi-document transactions. A write changes the resource and appends the change record to that
// same document in one atomic single-document update, so a change can never be saved without its
// record, nor recorded without being saved. The change relay (`changes/change-relay.ts`) later
// turns each record into an audit entry, a revision snapshot and (for flags and segments) a Kafka
// message, then removes it. Records survive crashes and Kafka outages because they live in the
// document until published.

import type { ChangeRecord, StoredDocument } from '@vane/server-kit/documents';

// The document bookkeeping (`_id`, `revision`, `outbox`, `deleted`) and the change record are the
// shared stored-document contract (`@vane/server-kit/documents`); re-exported for the store's users.
export type { ChangeRecord, Json, StoredDocument } from '@vane/server-kit/documents';

/** A relayed change record and the id of the document whose outbox holds it. */
export interface RelayedChange {
  readonly id: string;
  readonly record: ChangeRecord;
}

/** A value condition on one (possibly dotted) field. Arrays match if any element matches. */
export type FieldCondition =
  | string
  | number
  | boolean
  | null
  | { readonly in: readonly (string | number | boolean)[] }
  | { readonly all: readonly (string | number | boolean)[] }
  | { readonly ne: string | number | boolean | null }
  | { readonly gt: string | number }
  | { readonly gte: string | number }
  | { readonly lt: string | number }
  | { readonly contains: string };

/**
 * A filter: every field condition must hold (AND). `anyOf` adds a disjunction of sub-filters and
 * `allOf` a conjunction (for two conditions on one field, e.g. a time range).
 * `contains` is a case-insensitive substring match on a string field.
 */
export interface Filter {
  readonly [field: string]: FieldCondition | readonly Filter[] | undefined;
  readonly anyOf?: readonly Filter[];
  readonly allOf?: readonly Filter[];
}

/** A page request over a filtered, ordered collection. */
export interface PageQuery {
  readonly filter: Filter;
  /** Field to order by (ascending unless `descending`); ties are broken by `_id`. */
  readonly orderBy: string;
  readonly descending?: boolean;
  /** Maximum items to return (≥ 1). */
  readonly limit: number;
  /** Position after which the page starts: the last item's order value and id. */
  readonly after?: { readonly value: string | number; readonly id: string };
}

/** A page of documents; `hasMore` tells whether items follow the last one. */
export interface Page<T> {
  readonly items: T[];
  readonly hasMore: boolean;
}

/** Outcome of a conditional write. */
export type WriteOutcome = 'ok' | 'conflict' | 'not-found';

/** Unique-index violation, e.g. a flag key that already exists in the environment. */
export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly index: string,
  ) {
    super(`duplicate key in ${collection} (${index})`);
    this.name = 'DuplicateKeyError';
  }
}

/** A unique index declared by a collection. */
export interface UniqueIndex {
  /** Name reported in DuplicateKeyError. */
  readonly name: string;
  readonly fields: readonly string[];
}

/** One named collection of documents of type T. */
export interface Collection<T extends StoredDocument> {
  readonly name: string;
  /** The live (not deleted) document with this id, or undefined. */
  get(id: string): Promise<T | undefined>;
  /** The first live document matching the filter, or undefined. */
  findOne(filter: Filter): Promise<T | undefined>;
  /** A page of live documents matching the query, in order. */
  list(query: PageQuery): Promise<Page<T>>;
  /** How many live documents match the filter. */
  count(filter: Filter): Promise<number>;
  /** Distinct values of a (possibly array) field over live documents matching the filter. */
  distinct(field: string, filter: Filter): Promise<(string | number)[]>;
  /** Inserts a new document; throws DuplicateKeyError on a unique-index or id clash. */
  insert(doc: T): Promise<void>;
  /**
   * Inserts the documents whose `_id` is not taken, and skips the others, so inserting the same
   * documents again changes nothing (the relay's audit entries); one command where the store can.
   * Throws DuplicateKeyError on a clash of another unique index.
   */
  insertNew(docs: readonly T[]): Promise<void>;
  /**
   * Atomically replaces the document's fields with `doc` (keeping its outbox), appends `record`
   * to the outbox and sets `revision` to `doc.revision`, iff the stored revision is
   * `previous.revision` and the document is live. `previous` is the stored document being
   * replaced, as read (between two revisions only the outbox changes): the store drops the fields
   * it has and `doc` lacks without reading it again. Throws DuplicateKeyError on a unique clash.
   */
  commit(doc: T, previous: T, record: ChangeRecord): Promise<WriteOutcome>;
  /**
   * The deleted documents matching the filter that are not purged yet: tombstones whose change
   * records wait to be relayed (how readers of the store report recent deletions).
   */
  tombstones(filter: Filter): Promise<T[]>;
  /** Documents (deleted ones included) whose outbox is not empty, at most `limit`. */
  withPendingChanges(limit: number): Promise<T[]>;
  /**
   * Removes relayed records from their documents' outboxes (each a no-op if already gone, or if
   * its document is), in one command where the store can. Each `record` is the record as written
   * or read: the store may match it by value.
   */
  removeChanges(changes: readonly RelayedChange[]): Promise<void>;
  /** Physically removes a deleted document whose outbox is empty; false if it is not both. */
  purge(id: string): Promise<boolean>;
  /** Removes every document (tests and tooling only). */
  clear(): Promise<void>;
}

/** A set of collections sharing one database. */
export interface DocumentStore {
  /** The collection with this name, creating its unique indexes on first use. */
  collection<T extends StoredDocument>(
    name: string,
    unique?: readonly UniqueIndex[],
  ): Collection<T>;
  /** Resolves when the store is reachable and its indexes exist; rejects with the cause if not. */
  ready(): Promise<void>;
  /**
   * Atomically returns a number strictly greater than every number returned before for `counter`
   * (by any api-server instance sharing the database) and at least `floor`. Used for the
   * per-environment sync version: `floor` is the current time in ms, so versions read as times.
   */
  nextVersion(counter: string, floor: number): Promise<number>;
  /** Whether the store answers now (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
