// One collection of the MongoDB store. Every write is a single-document operation (FerretDB has no
// transactions): a commit is ONE conditional updateOne that changes the fields, bumps the revision
// and pushes the change record together.
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import type { AnyBulkWriteOperation, Collection as MongoCollection, Document } from 'mongodb';
import { DuplicateKeyError } from './document-store.js';
import type {
  ChangeRecord,
  Collection,
  Filter,
  Page,
  PageQuery,
  RelayedChange,
  StoredDocument,
  UniqueIndex,
  WriteOutcome,
} from './document-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { compareValues, orderValue } from './memory-filter.js';
import { LIVE, afterCursor, allOf, sortOf, toMongoFilter } from './mongo-filter.js';

/** A stored document as the driver sees it: string ids, anything else. */
export type MongoDoc = Document & { _id: string };

/** Name MongoDB (and FerretDB) give the primary-key index. */
const ID_INDEX = '_id_';

/** Fields the store manages itself and a commit never sets from the caller's document. */
const MANAGED = new Set(['_id', 'outbox']);

/** Serialization options of every write: `undefined` fields are left out, as in JSON. */
const WRITE = { ignoreUndefined: true } as const;

/**
 * Most update statements sent in one command: MongoDB takes many. FerretDB 1.24 keeps each
 * statement's query (and its pooled backend connection) open until the whole command ends; its
 * pool has 100 connections per SQLite database and 4 or so for PostgreSQL, so commands whose
 * statements add up to more wait forever, and every later command with them (a bulk of 500 hung
 * the rig's FerretDB for good). On FerretDB every command therefore carries one statement.
 */
const MAX_UPDATES_PER_COMMAND = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Per-document write serialization (see keyed-mutex.ts), shared by every store in the process. */
const writes = new KeyedMutex();

/**
 * Whether an error is a unique-index violation: code 11000 from MongoDB and from FerretDB inserts;
 * FerretDB 1.24 reports one in an update as InternalError (code 1) with its backend's message
 * (SQLite: `UNIQUE constraint failed`; PostgreSQL: SQLSTATE 23505).
 */
export function isDuplicateKey(err: unknown): err is MongoServerError {
  if (!(err instanceof MongoServerError)) return false;
  return (
    err.code === 11000 ||
    err.code === 11001 ||
    /UNIQUE constraint failed|SQLSTATE 23505|duplicate key value violates unique constraint/.test(
      err.message,
    )
  );
}

/**
 * The declared index a duplicate-key error names, when it names one. MongoDB says
 * `index: <name> dup key`; FerretDB's update error names the SQLite index `<table>_<hash>_<name>`;
 * FerretDB's insert error names none (the caller then finds the clash by querying).
 */
export function indexNamed(
  err: MongoServerError,
  unique: readonly UniqueIndex[],
): string | undefined {
  const mongo = /index: (\S+) dup key/.exec(err.message)?.[1];
  if (mongo) return mongo;
  const sqlite = /UNIQUE constraint failed: index '([^']+)'/.exec(err.message)?.[1];
  const candidates = [...unique].sort((a, b) => b.name.length - a.name.length);
  if (sqlite) return candidates.find((index) => sqlite.endsWith(`_${index.name}`))?.name;
  const fields = Object.keys((err.keyPattern as Document | undefined) ?? {}).join();
  if (fields === '_id') return ID_INDEX;
  return candidates.find((index) => index.fields.join() === fields)?.name;
}

/**
 * A value as a write with WRITE stores it: without `undefined` fields (at any depth), so that
 * matching a stored value by equality ($pull) finds it.
 */
function asStored<V>(value: V): V {
  if (Array.isArray(value)) return value.map(asStored) as V;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = asStored(v);
  return out as V;
}

/** A Collection over a MongoDB collection; `indexed` resolves once its unique indexes exist. */
export class MongoDocCollection<T extends StoredDocument> implements Collection<T> {
  constructor(
    readonly name: string,
    private readonly mongo: MongoCollection<MongoDoc>,
    private readonly unique: () => readonly UniqueIndex[],
    private readonly indexed: () => Promise<void>,
    private readonly isFerretDb: () => Promise<boolean> = async () => false,
  ) {}

  #lockKey(id: unknown): string {
    return `${this.mongo.dbName}\u0000${this.name}\u0000${String(id)}`;
  }

  /** Runs a write of one document alone (in this process), mapping unique clashes. */
  async #write<R>(doc: Document, inserting: boolean, op: () => Promise<R>): Promise<R> {
    await this.indexed();
    return writes.run(this.#lockKey(doc._id), async () => {
      try {
        return await op();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const index = indexNamed(err, this.unique()) ?? (await this.#clashing(doc, inserting));
        throw new DuplicateKeyError(this.name, index);
      }
    });
  }

  /** Which unique index `doc` clashes on, found by querying (FerretDB's errors don't say). */
  async #clashing(doc: Document, inserting: boolean): Promise<string> {
    const id = doc._id as string;
    if (inserting && (await this.mongo.findOne({ _id: id }, { projection: { _id: 1 } }))) {
      return ID_INDEX;
    }
    for (const index of this.unique()) {
      const query: Document = { _id: { $ne: id } };
      for (const field of index.fields) query[field] = orderValue(doc, field) ?? null;
      if (await this.mongo.findOne(query, { projection: { _id: 1 } })) return index.name;
    }
    return 'unknown';
  }

  async get(id: string): Promise<T | undefined> {
    // By `_id` alone, liveness checked here: FerretDB 1.24 passes a filter to SQLite only when it
    // is exactly `{ _id: <string> }`; with any other field it decodes every document of the
    // collection (a read of one flag among 2,000 took 139 ms instead of 15).
    const doc = await this.mongo.findOne({ _id: id });
    return doc && doc.deleted !== true ? (doc as unknown as T) : undefined;
  }

  async findOne(filter: Filter): Promise<T | undefined> {
    const doc = await this.mongo.findOne(allOf(LIVE, toMongoFilter(filter)));
    return (doc ?? undefined) as unknown as T | undefined;
  }

  async list(query: PageQuery): Promise<Page<T>> {
    if (!(query.limit >= 1)) throw new RangeError(`list limit must be ≥ 1, got ${query.limit}`);
    const docs = await this.mongo
      .find(allOf(LIVE, toMongoFilter(query.filter), afterCursor(query)))
      .sort(sortOf(query))
      .limit(query.limit + 1)
      .toArray();
    return {
      items: docs.slice(0, query.limit) as unknown as T[],
      hasMore: docs.length > query.limit,
    };
  }

  async count(filter: Filter): Promise<number> {
    return this.mongo.countDocuments(allOf(LIVE, toMongoFilter(filter)));
  }

  async distinct(field: string, filter: Filter): Promise<(string | number)[]> {
    const values: unknown[] = await this.mongo.distinct(field, allOf(LIVE, toMongoFilter(filter)));
    const kept = values.filter(
      (v): v is string | number => typeof v === 'string' || typeof v === 'number',
    );
    return [...new Set(kept)].sort(compareValues);
  }

  async insert(doc: T): Promise<void> {
    const copy = { ...(doc as unknown as MongoDoc) };
    await this.#write(copy, true, () => this.mongo.insertOne(copy, WRITE));
  }

  async insertNew(docs: readonly T[]): Promise<void> {
    if (docs.length === 0) return;
    await this.indexed();
    const copies = docs.map((doc) => ({ ...(doc as unknown as MongoDoc) }));
    try {
      await this.mongo.insertMany(copies, { ordered: false, ...WRITE });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      // Each failed one again alone: a taken _id is skipped, another clash is named and thrown.
      const failed: readonly { index: number }[] = Array.isArray(err.writeErrors)
        ? err.writeErrors
        : [err.writeErrors];
      for (const { index } of failed) {
        try {
          await this.insert(docs[index]!);
        } catch (clash) {
          if (!(clash instanceof DuplicateKeyError && clash.index === ID_INDEX)) throw clash;
        }
      }
    }
  }

  async commit(doc: T, previous: T, record: ChangeRecord): Promise<WriteOutcome> {
    return this.#write(doc, false, async () => {
      // "Replace the fields" must also drop fields the new version lacks, and $unset needs their
      // names: they are those of `previous`, the stored revision this write replaces (between two
      // revisions only the outbox changes), so no read is needed before the one update.
      const $set: Document = {};
      for (const [field, value] of Object.entries(doc as Record<string, unknown>)) {
        if (!MANAGED.has(field) && value !== undefined) $set[field] = value;
      }
      $set.revision = doc.revision;
      const $unset: Document = {};
      for (const field of Object.keys(previous)) {
        if (!MANAGED.has(field) && !(field in $set)) $unset[field] = '';
      }
      const update: Document = { $set, $push: { outbox: record } };
      if (Object.keys($unset).length > 0) update.$unset = $unset;
      if (await this.isFerretDb()) {
        // FerretDB applies an update's filter when it reads the document, not when it writes it,
        // so a conditional update is no more atomic there than a read and a write; and only a
        // filter by `_id` alone avoids decoding the whole collection (see get). So: read by `_id`,
        // check, write by `_id`, within this process's turn for the document.
        const stored = await this.mongo.findOne({ _id: doc._id }, { projection: { outbox: 0 } });
        if (!stored || stored.deleted === true) return 'not-found';
        if (stored.revision !== previous.revision) return 'conflict';
        await this.mongo.updateOne({ _id: doc._id }, update, WRITE);
        return 'ok';
      }
      const filter = { _id: doc._id, revision: previous.revision, ...LIVE };
      const result = await this.mongo.updateOne(filter, update, WRITE);
      if (result.matchedCount === 1) return 'ok';
      const now = await this.mongo.findOne({ _id: doc._id }, { projection: { deleted: 1 } });
      return !now || now.deleted === true ? 'not-found' : 'conflict';
    });
  }

  async tombstones(filter: Filter): Promise<T[]> {
    const docs = await this.mongo.find(allOf({ deleted: true }, toMongoFilter(filter))).toArray();
    return docs as unknown as T[];
  }

  async withPendingChanges(limit: number): Promise<T[]> {
    const docs = await this.mongo
      .find({ 'outbox.0': { $exists: true } })
      .limit(limit)
      .toArray();
    return docs as unknown as T[];
  }

  async removeChanges(changes: readonly RelayedChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.indexed();
    const keys = changes.map(({ id }) => this.#lockKey(id));
    await writes.runAll(keys, async () => {
      // FerretDB's $pull matches whole values only, not a condition: pull each record as given
      // (it was written or read in this form), all in one command. Should some not match (gone
      // already, or stored in another form), the documents are read and what is left of the
      // records is pulled as stored.
      const pull = (id: string, record: ChangeRecord): AnyBulkWriteOperation<MongoDoc> => {
        const update: Document = { $pull: { outbox: record } };
        return { updateOne: { filter: { _id: id }, update } };
      };
      const size = (await this.isFerretDb()) ? 1 : MAX_UPDATES_PER_COMMAND;
      let modified = 0;
      for (const chunk of chunks(changes, size)) {
        const pulled = await this.mongo.bulkWrite(
          chunk.map(({ id, record }) => pull(id, asStored(record))),
          { ordered: false, ...WRITE },
        );
        modified += pulled.modifiedCount;
      }
      if (modified === changes.length) return;
      const ids = [...new Set(changes.map(({ id }) => id))];
      const wanted = new Set(changes.map(({ record }) => record.id));
      const stored = await this.mongo
        .find({ _id: { $in: ids } }, { projection: { outbox: 1 } })
        .toArray();
      const left = stored.flatMap((doc) =>
        ((doc.outbox ?? []) as ChangeRecord[])
          .filter((r) => wanted.has(r.id))
          .map((r) => pull(doc._id, r)),
      );
      for (const chunk of chunks(left, size)) {
        await this.mongo.bulkWrite(chunk, { ordered: false });
      }
    });
  }

  async purge(id: string): Promise<boolean> {
    return this.#write({ _id: id }, false, async () => {
      const result = await this.mongo.deleteOne({ _id: id, deleted: true, outbox: { $size: 0 } });
      return result.deletedCount === 1;
    });
  }

  async clear(): Promise<void> {
    await this.mongo.deleteMany({});
  }
}
