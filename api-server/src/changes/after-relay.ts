// Read-your-writes for the relay's outputs: the audit log and revision snapshots are written by the
// relay just after a change commits, so their reads first wait for the records this process has
// handed over. A list call made after a write returned sees that write (on the same instance).
import type { Collection, StoredDocument } from '../store/document-store.js';

/** Longest a read waits for the relay (ms); past it, the read goes ahead with what is stored. */
const MAX_WAIT_MS = 2_000;

/** `collection`, whose reads first wait (at most MAX_WAIT_MS) for `settled`. */
export function afterRelay<T extends StoredDocument>(
  collection: Collection<T>,
  settled: () => Promise<void>,
): Collection<T> {
  const wait = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      settled(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, MAX_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  };
  return {
    name: collection.name,
    get: async (id) => (await wait(), collection.get(id)),
    findOne: async (filter) => (await wait(), collection.findOne(filter)),
    list: async (query) => (await wait(), collection.list(query)),
    count: async (filter) => (await wait(), collection.count(filter)),
    distinct: async (field, filter) => (await wait(), collection.distinct(field, filter)),
    insert: (doc) => collection.insert(doc),
    insertNew: (docs) => collection.insertNew(docs),
    commit: (doc, previous, record) => collection.commit(doc, previous, record),
    tombstones: async (filter) => (await wait(), collection.tombstones(filter)),
    withPendingChanges: (limit) => collection.withPendingChanges(limit),
    removeChanges: (changes) => collection.removeChanges(changes),
    purge: (id) => collection.purge(id),
    clear: () => collection.clear(),
  };
}
