// The in-memory DocumentStore: the unit-test fake, and (with a data directory) the embedded default
// of `npm start`, durable through a journal that every mutation reaches (fsync) before it resolves.
// Documents are copied on the way in and out, so callers never share state with the store.
import type { Collection, DocumentStore, StoredDocument, UniqueIndex } from './document-store.js';
import { MemoryCollection } from './memory-collection.js';
import type { CollectionHost } from './memory-collection.js';
import { Journal } from './memory-journal.js';
import type { JournalEntry, ReplayReport, Snapshot } from './memory-journal.js';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /** Directory of the journal and snapshot; without one nothing is written to disk. */
  readonly dataDir?: string;
  /** Journal size (bytes) at which it is folded into a fresh snapshot while running. */
  readonly compactAtBytes?: number;
}

const DEFAULT_COMPACT_AT_BYTES = 64 * 1024 * 1024;

/** A DocumentStore held in memory, optionally journaled to a directory; see the module comment. */
export class MemoryDocumentStore implements DocumentStore {
  readonly #collections = new Map<string, MemoryCollection<StoredDocument>>();
  readonly #counters = new Map<string, number>();
  #journal: Journal | undefined;
  #closed = false;
  readonly #host: CollectionHost = {
    persist: (entry) => (this.#journal ? this.#journal.append(entry) : Promise.resolve()),
    settle: () => (this.#journal ? this.#journal.barrier() : Promise.resolve()),
    check: () => this.#check(),
  };
  /** What opening the data directory replayed; undefined for a purely in-memory store. */
  replay: ReplayReport | undefined;

  /**
   * Opens a store: purely in memory without `dataDir`; otherwise replays the directory's snapshot
   * and journal (creating them if absent) and compacts them before resolving.
   */
  static async open(options: MemoryStoreOptions = {}): Promise<MemoryDocumentStore> {
    const store = new MemoryDocumentStore();
    if (options.dataDir === undefined) return store;
    const { journal, report } = await Journal.open(
      options.dataDir,
      (snapshot) => store.#load(snapshot),
      (entry) => store.#apply(entry),
      () => store.#snapshot(),
      options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES,
    );
    store.#journal = journal;
    store.replay = report;
    return store;
  }

  /** The journal of a durable store (tests and metrics read its counters). */
  get journal(): Journal | undefined {
    return this.#journal;
  }

  #check(): void {
    if (this.#closed) throw new Error('the document store is closed');
    this.#journal?.assertHealthy();
  }

  #collection(name: string): MemoryCollection<StoredDocument> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new MemoryCollection(name, this.#host);
      this.#collections.set(name, collection);
    }
    return collection;
  }

  #load(snapshot: Snapshot): void {
    for (const [name, docs] of Object.entries(snapshot.collections)) {
      const collection = this.#collection(name);
      for (const doc of docs) collection.put(doc);
    }
    for (const [key, value] of Object.entries(snapshot.counters)) this.#counters.set(key, value);
  }

  #apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'put':
        return this.#collection(entry.c).put(entry.doc);
      case 'del':
        return this.#collection(entry.c).remove(entry.id);
      case 'clear':
        return this.#collection(entry.c).reset();
      case 'counter':
        this.#counters.set(entry.k, entry.v);
        return;
    }
  }

  #snapshot(): Snapshot {
    const collections: Record<string, StoredDocument[]> = {};
    for (const [name, collection] of this.#collections) collections[name] = collection.all();
    return { collections, counters: Object.fromEntries(this.#counters) };
  }

  collection<T extends StoredDocument>(
    name: string,
    unique: readonly UniqueIndex[] = [],
  ): Collection<T> {
    const collection = this.#collection(name);
    collection.declare(unique);
    return collection as unknown as Collection<T>;
  }

  async ready(): Promise<void> {
    this.#check();
    await this.#host.settle();
  }

  async nextVersion(counter: string, floor: number): Promise<number> {
    this.#check();
    const next = Math.max((this.#counters.get(counter) ?? 0) + 1, floor);
    this.#counters.set(counter, next);
    await this.#host.persist({ op: 'counter', k: counter, v: next });
    return next;
  }

  async ping(): Promise<boolean> {
    return !this.#closed && (this.#journal?.healthy ?? true);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#journal?.close();
  }
}
