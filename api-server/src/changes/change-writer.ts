// Every admin write goes through here: optimistic concurrency on `revision`, a change record in
// the document's outbox (atomically with the write), an environment sync version for flags and
// segments, and a hand-off to the relay for the audit log and Kafka. Writes of one document take
// turns in this process, so they never conflict with each other; only another instance's write
// makes a commit fail and retry.
import { randomUUID } from 'node:crypto';
import type { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { checkComment } from '../shared/validation.js';
import { DuplicateKeyError } from '../store/document-store.js';
import { KeyedMutex } from '../store/keyed-mutex.js';
import type {
  ChangeRecord,
  Collection,
  DocumentStore,
  Json,
  StoredDocument,
} from '../store/document-store.js';
import { RevisionConflict, Unavailable } from '@vane/server-kit';
import { tombstoneKey } from '@vane/server-kit/documents';

/** Who made a change and why. */
export interface ChangeMeta {
  readonly actorId: string;
  readonly action: string;
  readonly comment?: string;
  readonly fields?: readonly string[];
}

/** Time and (for versioned resources) the environment sync version of a write. */
export interface WriteContext {
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** The new sync version (flags and segments), or undefined. */
  readonly version: number | undefined;
}

/**
 * Receives the change records of this process's writes (the relay): each is reserved before its
 * write, then handed over once committed, or abandoned when the write did not happen.
 */
export interface ChangeSink {
  reserve?(collection: string, record: ChangeRecord): void;
  recorded(collection: string, doc: StoredDocument, record: ChangeRecord): Promise<void>;
  abandoned?(record: ChangeRecord): void;
}

/** How a resource is addressed in errors, and whether it carries an environment sync version. */
export interface ResourceRef {
  readonly type: ResourceType;
  /** The id or key shown in errors. */
  readonly display: string;
  /** Counter name for the sync version (`env:<envId>`), for flags and segments only. */
  readonly versionCounter?: string;
}

/**
 * How long a write that did not pin a revision keeps retrying after other instances' commits
 * (ms). The contract promises last-writer-wins for `expected_revision` 0, never ABORTED; past this
 * the call fails with UNAVAILABLE (retry later), which takes a flag written without pause by
 * several instances at once.
 */
const RETRY_WINDOW_MS = 10_000;

/** Randomized pause before retry `attempt` (≥ 2) of a write, so contending instances interleave. */
function retryPause(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(100, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The JSON form of a document as the audit log shows it (no bookkeeping fields). */
export function auditForm(doc: StoredDocument | undefined): Json {
  if (!doc) return null;
  const {
    _id,
    outbox: _outbox,
    deleted: _deleted,
    ...rest
  } = doc as StoredDocument & {
    secrets?: { value: string }[];
    hash?: string;
  };
  // Secrets never reach the audit log: environment secrets show their last 4 characters only.
  if (Array.isArray(rest.secrets)) {
    rest.secrets = rest.secrets.map((s) => ({ ...s, value: `…${s.value.slice(-4)}` }));
  }
  if (typeof rest.hash === 'string') rest.hash = '(hashed)';
  // `_id` first, as the store keeps it (FerretDB moves it first in embedded documents too), so
  // the record as written equals the record as stored and the relay can remove it by value.
  return { _id, ...rest };
}

/**
 * The default tombstone: marks the document deleted and frees its unique key at once (the
 * document itself stays until its change records are relayed).
 */
function freeKey<T extends StoredDocument>(current: T): T {
  const withKey = current as T & { key?: unknown };
  return typeof withKey.key === 'string'
    ? { ...current, deleted: true, key: tombstoneKey(withKey.key, current._id) }
    : { ...current, deleted: true };
}

/** Writes documents with change records; see the module comment. */
export class ChangeWriter {
  /** Turns per document, and the newest revision this process committed while others waited. */
  readonly #turns = new KeyedMutex();
  readonly #latest = new Map<string, StoredDocument>();

  constructor(
    private readonly store: DocumentStore,
    private readonly sink: ChangeSink,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Inserts a new document; `onDuplicate` makes the error for a taken key. */
  async create<T extends StoredDocument>(
    collection: Collection<T>,
    ref: ResourceRef,
    build: (ctx: WriteContext) => Omit<T, 'revision' | 'outbox'>,
    meta: ChangeMeta,
    onDuplicate: (err: DuplicateKeyError) => Error,
  ): Promise<T> {
    checkComment(meta.comment);
    const ctx = await this.#context(ref);
    const fields = { ...build(ctx), revision: 1, outbox: [] } as unknown as T;
    const record = this.#record(meta, ctx, undefined, fields);
    const doc = { ...fields, outbox: [record] };
    this.sink.reserve?.(collection.name, record);
    try {
      await collection.insert(doc);
    } catch (err) {
      this.sink.abandoned?.(record);
      if (err instanceof DuplicateKeyError) throw onDuplicate(err);
      throw err;
    }
    await this.sink.recorded(collection.name, doc, record);
    return doc;
  }

  /**
   * Applies `change` to the stored document `target`: its id, or the document as the caller knows
   * it, which saves a read (a stale one only costs a failed commit and a read). `expectedRevision`
   * 0 retries on concurrent writes; any other value fails with ABORTED unless it is the stored
   * revision. `change` may return the current document unchanged to skip the write; it may be
   * called more than once, and must not have side effects.
   */
  async update<T extends StoredDocument>(
    collection: Collection<T>,
    target: string | T,
    ref: ResourceRef,
    expectedRevision: number,
    change: (current: T, ctx: WriteContext) => T,
    meta: ChangeMeta,
    notFound: () => Error,
    onDuplicate?: (err: DuplicateKeyError) => Error,
  ): Promise<T> {
    checkComment(meta.comment);
    const id = typeof target === 'string' ? target : target._id;
    const turn = `${collection.name}\u0000${id}`;
    try {
      return await this.#turns.run(turn, async () => {
        // A document read before its turn may be older than what this process committed since.
        const latest = this.#latest.get(turn) as T | undefined;
        let known = typeof target === 'string' ? latest : target;
        if (latest && known && latest.revision > known.revision) known = latest;
        const started = this.clock();
        for (let attempt = 1; ; attempt += 1) {
          // A document the caller knew may be stale: what it decides alone (a wrong revision, an
          // error, nothing to change) is checked against the stored document before it is answered.
          const read = known === undefined;
          const current = known ?? (await collection.get(id));
          known = undefined;
          if (!current) throw notFound();
          if (expectedRevision !== 0 && current.revision !== expectedRevision) {
            if (!read) continue;
            throw new RevisionConflict(ref.type, ref.display, current.revision);
          }
          const ctx = await this.#context(ref);
          let next: T;
          try {
            next = change(current, ctx);
          } catch (err) {
            if (!read) continue;
            throw err;
          }
          if (next === current) {
            if (!read) continue;
            return current;
          }
          const written = { ...next, revision: current.revision + 1, outbox: current.outbox } as T;
          const record = this.#record(meta, ctx, current, next.deleted ? undefined : written);
          this.sink.reserve?.(collection.name, record);
          let outcome;
          try {
            outcome = await collection.commit(written, current, record);
          } catch (err) {
            this.sink.abandoned?.(record);
            if (err instanceof DuplicateKeyError && onDuplicate) throw onDuplicate(err);
            throw err;
          }
          if (outcome === 'ok') {
            this.#latest.set(turn, written);
            await this.sink.recorded(collection.name, written, record);
            return written;
          }
          this.sink.abandoned?.(record);
          if (outcome === 'not-found') throw notFound();
          if (expectedRevision !== 0) {
            const fresh = await collection.get(id);
            if (!fresh) throw notFound();
            throw new RevisionConflict(ref.type, ref.display, fresh.revision);
          }
          if (this.clock() - started > RETRY_WINDOW_MS) {
            throw new Unavailable(
              `${ref.display} is being changed by other instances without pause; retry shortly`,
            );
          }
          await retryPause(attempt);
        }
      });
    } finally {
      // Nobody waits for this document any more: forget its newest revision.
      if (!this.#turns.has(turn)) this.#latest.delete(turn);
    }
  }

  /** Marks a document deleted (it is purged once its change records are relayed). */
  async remove<T extends StoredDocument>(
    collection: Collection<T>,
    id: string | T,
    ref: ResourceRef,
    expectedRevision: number,
    meta: ChangeMeta,
    notFound: () => Error,
    tombstone: (current: T, ctx: WriteContext) => T = freeKey,
  ): Promise<T> {
    return this.update(collection, id, ref, expectedRevision, tombstone, meta, notFound);
  }

  async #context(ref: ResourceRef): Promise<WriteContext> {
    const now = this.clock();
    const version =
      ref.versionCounter === undefined
        ? undefined
        : await this.store.nextVersion(ref.versionCounter, now);
    return { now, version };
  }

  #record(
    meta: ChangeMeta,
    ctx: WriteContext,
    before: StoredDocument | undefined,
    after: StoredDocument | undefined,
  ): ChangeRecord {
    return {
      id: randomUUID(),
      at: ctx.now,
      actorId: meta.actorId,
      action: meta.action,
      ...(meta.fields ? { fields: meta.fields } : {}),
      ...(meta.comment ? { comment: meta.comment } : {}),
      ...(ctx.version !== undefined ? { version: ctx.version } : {}),
      before: auditForm(before),
      after: auditForm(after),
    };
  }
}
