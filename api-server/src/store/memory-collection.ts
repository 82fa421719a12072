// One collection of the in-memory store: documents by id, unique-index maps, and the queries of
// the port evaluated with MongoDB's semantics (see memory-filter.ts). Every mutation hands an
// absolute journal entry to the store, which makes it durable before the call resolves.
import { DuplicateKeyError } from './document-store.js';
import type {
  ChangeRecord,
  RelayedChange,
  Collection,
  Filter,
  Page,
  PageQuery,
  StoredDocument,
  UniqueIndex,
  WriteOutcome,
} from './document-store.js';
import type { JournalEntry } from './memory-journal.js';
import {
  compareScalars,
  compareValues,
  conditionHolds,
  matches,
  orderValue,
  valuesAt,
} from './memory-filter.js';

/** What a collection needs from its store: durability, and a check that the store is usable. */
export interface CollectionHost {
  /** Records a mutation already applied in memory; resolves once it is durable. */
  persist(entry: JournalEntry): Promise<void>;
  /** Resolves once every mutation so far is durable (reads wait for it: no dirty reads). */
  settle(): Promise<void>;
  /** Throws if the store is closed or its journal failed. */
  check(): void;
}

interface IndexState {
  readonly fields: readonly string[];
  /** Index key → id of the document holding it. */
  readonly keys: Map<string, string>;
}

/** Name MongoDB gives the primary-key index; reported on `_id` clashes by both adapters. */
export const ID_INDEX = '_id_';

/** A JSON copy: what callers pass in can't alias stored state, and `undefined` fields vanish. */
function jsonCopy<V>(value: V): V {
  return JSON.parse(JSON.stringify(value)) as V;
}

/** Index keys of a document, like a Mongo multikey index (missing fields index as null). */
function indexKeys(doc: StoredDocument, fields: readonly string[]): string[] {
  let tuples: unknown[][] = [[]];
  for (const field of fields) {
    const found = valuesAt(doc, field).map((v) => (v === undefined ? null : v));
    const values = found.length === 0 ? [[]] : found;
    tuples = tuples.flatMap((tuple) => values.map((v) => [...tuple, v]));
  }
  return [...new Set(tuples.map((tuple) => JSON.stringify(tuple)))];
}

const isLive = (doc: StoredDocument): boolean => doc.deleted !== true;

/** An in-memory collection; see the module comment. */
export class MemoryCollection<T extends StoredDocument> implements Collection<T> {
  readonly #docs = new Map<string, StoredDocument>();
  readonly #indexes = new Map<string, IndexState>();

  constructor(
    readonly name: string,
    private readonly host: CollectionHost,
  ) {}

  /** Adds unique indexes not declared yet; throws DuplicateKeyError if stored data clashes. */
  declare(unique: readonly UniqueIndex[]): void {
    for (const index of unique) {
      if (this.#indexes.has(index.name)) continue;
      const state: IndexState = { fields: [...index.fields], keys: new Map() };
      for (const doc of this.#docs.values()) {
        for (const key of indexKeys(doc, state.fields)) {
          if (state.keys.has(key)) throw new DuplicateKeyError(this.name, index.name);
          state.keys.set(key, doc._id);
        }
      }
      this.#indexes.set(index.name, state);
    }
  }

  /** Every stored document, deleted ones included (for snapshots). */
  all(): StoredDocument[] {
    return [...this.#docs.values()];
  }

  /** Applies a replayed or new document state without checks (replay and internal writes). */
  put(doc: StoredDocument): void {
    this.remove(doc._id);
    this.#docs.set(doc._id, doc);
    for (const index of this.#indexes.values()) {
      for (const key of indexKeys(doc, index.fields)) index.keys.set(key, doc._id);
    }
  }

  /** Drops a document and its index keys (replay and internal writes). */
  remove(id: string): void {
    const old = this.#docs.get(id);
    if (!old) return;
    this.#docs.delete(id);
    for (const index of this.#indexes.values()) {
      for (const key of indexKeys(old, index.fields)) {
        if (index.keys.get(key) === id) index.keys.delete(key);
      }
    }
  }

  /** Drops every document (replay and clear). */
  reset(): void {
    this.#docs.clear();
    for (const index of this.#indexes.values()) index.keys.clear();
  }

  async #read<R>(answer: () => R): Promise<R> {
    this.host.check();
    const result = answer();
    await this.host.settle();
    return result;
  }

  #live(filter: Filter): StoredDocument[] {
    return [...this.#docs.values()].filter((doc) => isLive(doc) && matches(doc, filter));
  }

  #out(doc: StoredDocument): T {
    return structuredClone(doc) as T;
  }

  get(id: string): Promise<T | undefined> {
    return this.#read(() => {
      const doc = this.#docs.get(id);
      return doc && isLive(doc) ? this.#out(doc) : undefined;
    });
  }

  findOne(filter: Filter): Promise<T | undefined> {
    return this.#read(() => {
      const doc = [...this.#docs.values()].find((d) => isLive(d) && matches(d, filter));
      return doc ? this.#out(doc) : undefined;
    });
  }

  list(query: PageQuery): Promise<Page<T>> {
    return this.#read(() => {
      if (!(query.limit >= 1)) throw new RangeError(`list limit must be ≥ 1, got ${query.limit}`);
      const { orderBy, after } = query;
      const sign = query.descending ? -1 : 1;
      const past = (doc: StoredDocument): boolean => {
        if (!after) return true;
        if (orderBy === '_id') return sign * compareScalars(doc._id, after.id) > 0;
        const found = valuesAt(doc, orderBy);
        const beyond = query.descending ? { lt: after.value } : { gt: after.value };
        if (conditionHolds(found, beyond)) return true;
        return conditionHolds(found, after.value) && sign * compareScalars(doc._id, after.id) > 0;
      };
      const sorted = this.#live(query.filter)
        .filter(past)
        .sort(
          (a, b) =>
            sign * compareValues(orderValue(a, orderBy), orderValue(b, orderBy)) ||
            sign * compareScalars(a._id, b._id),
        );
      return {
        items: sorted.slice(0, query.limit).map((doc) => this.#out(doc)),
        hasMore: sorted.length > query.limit,
      };
    });
  }

  count(filter: Filter): Promise<number> {
    return this.#read(() => this.#live(filter).length);
  }

  distinct(field: string, filter: Filter): Promise<(string | number)[]> {
    return this.#read(() => {
      const values = new Set<string | number>();
      for (const doc of this.#live(filter)) {
        for (const v of valuesAt(doc, field)) {
          if (typeof v === 'string' || typeof v === 'number') values.add(v);
        }
      }
      return [...values].sort(compareValues);
    });
  }

  #clash(doc: StoredDocument): string | undefined {
    for (const [name, index] of this.#indexes) {
      for (const key of indexKeys(doc, index.fields)) {
        const holder = index.keys.get(key);
        if (holder !== undefined && holder !== doc._id) return name;
      }
    }
    return undefined;
  }

  async insertNew(docs: readonly T[]): Promise<void> {
    for (const doc of docs) {
      try {
        await this.insert(doc);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError && err.index === ID_INDEX)) throw err;
      }
    }
    if (docs.length === 0) await this.host.settle();
  }

  async insert(doc: T): Promise<void> {
    this.host.check();
    const stored = jsonCopy<StoredDocument>(doc);
    if (this.#docs.has(stored._id)) throw new DuplicateKeyError(this.name, ID_INDEX);
    const clash = this.#clash(stored);
    if (clash) throw new DuplicateKeyError(this.name, clash);
    this.put(stored);
    await this.host.persist({ op: 'put', c: this.name, doc: stored });
  }

  async commit(doc: T, previous: T, record: ChangeRecord): Promise<WriteOutcome> {
    this.host.check();
    const current = this.#docs.get(doc._id);
    if (!current || !isLive(current) || current.revision !== previous.revision) {
      await this.host.settle();
      return !current || !isLive(current) ? 'not-found' : 'conflict';
    }
    const next: StoredDocument = {
      ...jsonCopy<StoredDocument>(doc),
      _id: current._id,
      revision: doc.revision,
      outbox: [...current.outbox, jsonCopy(record)],
    };
    const clash = this.#clash(next);
    if (clash) throw new DuplicateKeyError(this.name, clash);
    this.put(next);
    await this.host.persist({ op: 'put', c: this.name, doc: next });
    return 'ok';
  }

  async tombstones(filter: Filter): Promise<T[]> {
    return this.#read(() =>
      [...this.#docs.values()]
        .filter((doc) => !isLive(doc) && matches(doc, filter))
        .map((doc) => this.#out(doc)),
    );
  }

  async withPendingChanges(limit: number): Promise<T[]> {
    return this.#read(() =>
      [...this.#docs.values()]
        .filter((doc) => doc.outbox.length > 0)
        .slice(0, limit)
        .map((doc) => this.#out(doc)),
    );
  }

  async removeChanges(changes: readonly RelayedChange[]): Promise<void> {
    this.host.check();
    const byDoc = new Map<string, Set<string>>();
    for (const { id, record } of changes) {
      byDoc.set(id, (byDoc.get(id) ?? new Set()).add(record.id));
    }
    let changed = false;
    for (const [id, recordIds] of byDoc) {
      const doc = this.#docs.get(id);
      if (!doc?.outbox.some((r) => recordIds.has(r.id))) continue;
      const next = { ...doc, outbox: doc.outbox.filter((r) => !recordIds.has(r.id)) };
      this.put(next);
      changed = true;
      await this.host.persist({ op: 'put', c: this.name, doc: next });
    }
    if (!changed) await this.host.settle();
  }

  async purge(id: string): Promise<boolean> {
    this.host.check();
    const doc = this.#docs.get(id);
    if (!doc || isLive(doc) || doc.outbox.length > 0) {
      await this.host.settle();
      return false;
    }
    this.remove(id);
    await this.host.persist({ op: 'del', c: this.name, id });
    return true;
  }

  async clear(): Promise<void> {
    this.host.check();
    this.reset();
    await this.host.persist({ op: 'clear', c: this.name });
  }
}
