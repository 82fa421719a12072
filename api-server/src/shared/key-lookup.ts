// Finding an environment's flag or segment by key, by `_id` where it can: ids never change, so a
// small cache of (environment, key) → id turns the lookup into a read by primary key (FerretDB
// answers those from its index; a filter on other fields scans the collection). A cached id whose
// document is gone or no longer has that key (deleted, its key freed and reused) falls back to the
// query.
import type { Collection, StoredDocument } from '../store/document-store.js';

/** Most cached ids, and most remembered documents; each cache starts over when it is full. */
const MAX_CACHED = 50_000;
const MAX_REMEMBERED = 2_000;

/** Lookups by environment and key. */
export interface KeyLookup<T> {
  /** The live document, read from the store (by `_id` when its id is known). */
  find(envId: string, key: string): Promise<T | undefined>;
  /**
   * The document as this process last wrote it, without a read, or else as `find` reads it. It
   * may be stale (another instance wrote since): only for writes, whose commit checks it.
   */
  known(envId: string, key: string): Promise<T | undefined>;
  /** Remembers a document this process wrote (or forgets a deleted one). */
  wrote(doc: T): void;
  /** Forgets the remembered document of (environment, key); true if there was one. */
  forget(envId: string, key: string): boolean;
}

/** Lookups of live documents of `collection` by environment and key, through the id cache. */
export function keyLookup<T extends StoredDocument & { envId: string; key: string }>(
  collection: Collection<T>,
): KeyLookup<T> {
  const ids = new Map<string, string>();
  const written = new Map<string, T>();
  const find = async (envId: string, key: string): Promise<T | undefined> => {
    const cacheKey = `${envId}\u0000${key}`;
    const id = ids.get(cacheKey);
    if (id !== undefined) {
      const doc = await collection.get(id);
      if (doc && doc.envId === envId && doc.key === key) return doc;
      ids.delete(cacheKey);
    }
    const doc = await collection.findOne({ envId, key });
    if (doc) {
      if (ids.size >= MAX_CACHED) ids.clear();
      ids.set(cacheKey, doc._id);
    }
    return doc;
  };
  return {
    find,
    async known(envId, key) {
      const doc = written.get(`${envId}\u0000${key}`);
      return doc ?? find(envId, key);
    },
    wrote(doc) {
      if (doc.deleted) {
        // A tombstone's key is no longer the flag's: forget it by id.
        for (const [k, d] of written) if (d._id === doc._id) written.delete(k);
        return;
      }
      const cacheKey = `${doc.envId}\u0000${doc.key}`;
      if (written.size >= MAX_REMEMBERED) written.clear();
      written.set(cacheKey, doc);
    },
    forget(envId, key) {
      return written.delete(`${envId}\u0000${key}`);
    },
  };
}
