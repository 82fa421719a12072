// The MongoDB DocumentStore, written for what FerretDB 1.24 supports: single-document atomic
// updates, unique indexes and plain queries; no transactions, change streams or update pipelines.
// It takes a connected Db: the composition root owns the MongoClient and closes it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import type { Collection, DocumentStore, StoredDocument, UniqueIndex } from './document-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MongoDocCollection, isDuplicateKey } from './mongo-collection.js';
import type { MongoDoc } from './mongo-collection.js';

/** The collection holding `nextVersion` counters: `{ _id: counter, value }`. */
export const COUNTERS_COLLECTION = 'counters';

/** Most compare-and-set rounds of one `nextVersion` call before it gives up. */
const MAX_CAS_ATTEMPTS = 200;

/** Per-counter turns of this process (see keyed-mutex.ts). */
const counterTurns = new KeyedMutex();

interface CounterDoc {
  _id: string;
  value: number;
}

/** The unique indexes of one collection, created once (and retried after a failure). */
class IndexSet {
  readonly specs: UniqueIndex[] = [];
  readonly #created = new Set<string>();
  #pending: Promise<void> | undefined;

  constructor(private readonly create: (specs: UniqueIndex[]) => Promise<void>) {}

  add(unique: readonly UniqueIndex[]): void {
    for (const index of unique) {
      if (!this.specs.some((s) => s.name === index.name)) this.specs.push(index);
    }
  }

  /** Resolves once a running creation has settled, without starting one. */
  async settled(): Promise<void> {
    await this.#pending?.catch(() => undefined);
  }

  /** Resolves once every declared index exists; rejects with the cause if creation failed. */
  ensure(): Promise<void> {
    // Indexes declared while a creation runs are created right after it.
    if (this.#pending) return this.#pending.then(() => this.ensure());
    const missing = this.specs.filter((index) => !this.#created.has(index.name));
    if (missing.length === 0) return Promise.resolve();
    this.#pending = this.create(missing)
      .then(() => missing.forEach((index) => this.#created.add(index.name)))
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}

/** A DocumentStore over one MongoDB (or FerretDB) database. */
export class MongoDocumentStore implements DocumentStore {
  readonly #collections = new Map<
    string,
    { collection: Collection<StoredDocument>; indexes: IndexSet }
  >();

  constructor(private readonly db: Db) {}

  collection<T extends StoredDocument>(
    name: string,
    unique: readonly UniqueIndex[] = [],
  ): Collection<T> {
    let entry = this.#collections.get(name);
    if (!entry) {
      const mongo = this.db.collection<MongoDoc>(name);
      const indexes = new IndexSet(async (specs) => {
        await mongo.createIndexes(
          specs.map((index) => ({
            name: index.name,
            key: Object.fromEntries(index.fields.map((field) => [field, 1])),
            unique: true,
          })),
        );
      });
      const collection = new MongoDocCollection<StoredDocument>(
        name,
        mongo,
        () => indexes.specs,
        () => indexes.ensure(),
      );
      entry = { collection, indexes };
      this.#collections.set(name, entry);
    }
    entry.indexes.add(unique);
    // Start creating indexes now; a failure surfaces in ready() and in the collection's writes.
    entry.indexes.ensure().catch(() => undefined);
    return entry.collection as unknown as Collection<T>;
  }

  async ready(): Promise<void> {
    await this.db.command({ ping: 1 });
    await Promise.all([...this.#collections.values()].map((entry) => entry.indexes.ensure()));
  }

  async nextVersion(counter: string, floor: number): Promise<number> {
    // The compare-and-set below is atomic on MongoDB; FerretDB 1.24 does not re-check an update's
    // filter when it writes, so callers in this process also take turns.
    return counterTurns.run(`${this.db.databaseName}\u0000${counter}`, () =>
      this.#nextVersion(counter, floor),
    );
  }

  async #nextVersion(counter: string, floor: number): Promise<number> {
    const counters = this.db.collection<CounterDoc>(COUNTERS_COLLECTION);
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt += 1) {
      const current = await counters.findOne({ _id: counter });
      if (!current) {
        const value = Math.max(floor, 1);
        try {
          await counters.insertOne({ _id: counter, value });
          return value;
        } catch (err) {
          // Another caller created the counter first: compare-and-set against its value instead.
          if (!isDuplicateKey(err)) throw err;
        }
      } else {
        const next = Math.max(current.value + 1, floor);
        const result = await counters.updateOne(
          { _id: counter, value: current.value },
          { $set: { value: next } },
        );
        if (result.matchedCount === 1) return next;
      }
      // Lost a race: back off a little, with jitter, so that many callers spread out.
      if (attempt > 2) await sleep(Math.random() * Math.min(20, attempt));
    }
    throw new Error(`nextVersion(${counter}) lost ${MAX_CAS_ATTEMPTS} races in a row`);
  }

  async ping(): Promise<boolean> {
    try {
      await this.db.command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // The MongoClient belongs to the composition root; only let index creation settle.
    await Promise.all([...this.#collections.values()].map((entry) => entry.indexes.settled()));
  }
}
