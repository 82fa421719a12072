// The MongoDB DocumentStore, written for what FerretDB 1.24 supports: single-document atomic
// updates, unique indexes and plain queries; no transactions, change streams or update pipelines.
// It takes a connected Db: the composition root owns the MongoClient and closes it.
import type { Db } from 'mongodb';
import type { Collection, DocumentStore, StoredDocument, UniqueIndex } from './document-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MongoDocCollection, isDuplicateKey } from './mongo-collection.js';
import type { MongoDoc } from './mongo-collection.js';

/**
 * The collection holding each counter's hint, `{ _id: counter, value }`: a value some call has
 * returned, recently. Where a process starts its walk along the claims.
 */
export const COUNTERS_COLLECTION = 'counters';

/**
 * The collection of version claims. Each returned version is one document
 * `{ _id: "<counter>><previous>", counter, value, at }`: the claim of the version that follows
 * `previous`. `_id` is unique, so one version follows each version, whoever inserts it.
 */
export const VERSION_CLAIMS_COLLECTION = 'version_claims';

/** Most claims one `nextVersion` call tries before it gives up. */
const MAX_CLAIM_ATTEMPTS = 1000;

/** A tail older than this (ms, by its claim's time) is re-read from the hint first. */
const STALE_TAIL_MS = 30_000;

/** The hint of a counter is written at most this often per process (ms). */
const HINT_INTERVAL_MS = 200;

/** Claims older than this (ms) and below the hint are deleted, at most once per this interval. */
const CLAIM_RETENTION_MS = 10 * 60_000;

/** Per-counter turns of this process (see keyed-mutex.ts). */
const counterTurns = new KeyedMutex();

interface CounterDoc {
  _id: string;
  value: number;
}

interface ClaimDoc {
  _id: string;
  counter: string;
  value: number;
  /** When it was claimed (ms since the epoch, the claimer's clock). */
  at: number;
}

/** The newest claim a process knows of one counter. */
interface Tail {
  readonly value: number;
  readonly at: number;
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

  #ferretdb: Promise<boolean> | undefined;

  /** Whether the server is FerretDB (its buildInfo says so); asked once, again after a failure. */
  #isFerretDb(): Promise<boolean> {
    this.#ferretdb ??= this.db
      .command({ buildInfo: 1 })
      .then((info) => 'ferretdbVersion' in info)
      .catch((err: unknown) => {
        this.#ferretdb = undefined;
        throw err;
      });
    return this.#ferretdb;
  }

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
        () => this.#isFerretDb(),
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

  /**
   * Versions form one chain per counter: the claim `<counter>><v>` holds the version after `v`.
   * A call inserts the claim after the newest version it knows (its tail) with a value above both
   * that version and `floor`; when the insert finds the claim taken (another instance was first),
   * it reads that claim, moves its tail there and tries again. Only inserts with a unique `_id`
   * decide, and those are atomic on MongoDB and on FerretDB (whose updates do not re-check their
   * filter, so no compare-and-set can be trusted across processes). Each version is claimed after
   * the one it follows, so every value is greater than every value claimed before it. One process
   * that writes alone claims at the first try: one insert per version.
   */
  async nextVersion(counter: string, floor: number): Promise<number> {
    return counterTurns.run(`${this.db.databaseName}\u0000${counter}`, () =>
      this.#nextVersion(counter, floor),
    );
  }

  readonly #tails = new Map<string, Tail>();
  readonly #hintWritten = new Map<string, number>();
  /** Hint writes and prunes under way, which `close` waits for. */
  readonly #background = new Set<Promise<void>>();
  #lastPrune = 0;

  async #nextVersion(counter: string, floor: number): Promise<number> {
    const claims = this.db.collection<ClaimDoc>(VERSION_CLAIMS_COLLECTION);
    const known = this.#tails.get(counter);
    let tail: Tail =
      known && Date.now() - known.at <= STALE_TAIL_MS ? known : await this.#hint(counter);
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const id: string = `${counter}>${tail.value}`;
      const claim: ClaimDoc = {
        _id: id,
        counter,
        value: Math.max(tail.value + 1, floor, 1),
        at: Date.now(),
      };
      try {
        await claims.insertOne(claim);
        this.#tails.set(counter, claim);
        this.#afterClaim(counter, claim);
        return claim.value;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Another process claimed the version after our tail: follow the chain.
      const next: ClaimDoc | null = await claims.findOne({ _id: id });
      tail = next ? { value: next.value, at: next.at } : await this.#hint(counter);
      // Far behind (a long walk): the hint is usually much closer to the end.
      if (attempt % 16 === 0) {
        const hint = await this.#hint(counter);
        if (hint.value > tail.value) tail = hint;
      }
    }
    throw new Error(`nextVersion(${counter}) found no free claim in ${MAX_CLAIM_ATTEMPTS} tries`);
  }

  /** The counter's hint as a tail (0 when it has none); its successors are never pruned. */
  async #hint(counter: string): Promise<Tail> {
    const doc = await this.db.collection<CounterDoc>(COUNTERS_COLLECTION).findOne({ _id: counter });
    return { value: doc?.value ?? 0, at: Date.now() };
  }

  /** Moves the hint forward (rarely, off the caller's path) and prunes old claims (more rarely). */
  #afterClaim(counter: string, claim: ClaimDoc): void {
    const now = claim.at;
    if (now - (this.#hintWritten.get(counter) ?? 0) < HINT_INTERVAL_MS) return;
    this.#hintWritten.set(counter, now);
    const counters = this.db.collection<CounterDoc>(COUNTERS_COLLECTION);
    const claims = this.db.collection<ClaimDoc>(VERSION_CLAIMS_COLLECTION);
    const prune = now - this.#lastPrune > CLAIM_RETENTION_MS;
    if (prune) this.#lastPrune = now;
    const task = (async () => {
      await counters.updateOne(
        { _id: counter },
        { $max: { value: claim.value } },
        { upsert: true },
      );
      if (!prune) return;
      // Whoever walks from a claim below the hint holds a tail younger than STALE_TAIL_MS, whose
      // successors are younger still: nothing that old is ever walked.
      const hint = await this.#hint(counter);
      await claims.deleteMany({
        counter,
        at: { $lt: now - CLAIM_RETENTION_MS },
        value: { $lt: hint.value },
      });
    })()
      .catch(() => {
        // Best effort: a stale hint only lengthens a walk, and claims are pruned next time.
        this.#hintWritten.delete(counter);
      })
      .finally(() => this.#background.delete(task));
    this.#background.add(task);
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
    // The MongoClient belongs to the composition root; only let index creation and the
    // background writes settle (a write still under way when the database is dropped can crash
    // FerretDB's SQLite backend).
    await Promise.all([
      ...[...this.#collections.values()].map((entry) => entry.indexes.settled()),
      ...this.#background,
    ]);
  }
}
