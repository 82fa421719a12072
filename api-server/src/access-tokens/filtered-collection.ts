// A read view of a collection that also hides documents failing a predicate the store's filters
// cannot express (e.g. "the token's projects are a subset of the caller's"). Pages stay full and
// cursors stay valid: a page reads on until it has `limit` kept documents, and its last kept
// document is the cursor. Meant for small collections (access tokens): `count` scans.
import type {
  Collection,
  Filter,
  Page,
  PageQuery,
  StoredDocument,
} from '../store/document-store.js';

const SCAN_PAGE = 500;

function cursorOf<T extends StoredDocument>(doc: T, orderBy: string): PageQuery['after'] {
  const value = (doc as unknown as Record<string, unknown>)[orderBy];
  return {
    value: typeof value === 'number' || typeof value === 'string' ? value : '',
    id: doc._id,
  };
}

/** `inner` with every read limited to documents for which `keep` holds; writes pass through. */
export function filteredCollection<T extends StoredDocument>(
  inner: Collection<T>,
  keep: (doc: T) => boolean,
): Collection<T> {
  async function list(query: PageQuery): Promise<Page<T>> {
    const kept: T[] = [];
    let after = query.after;
    for (;;) {
      const page = await inner.list({ ...query, limit: Math.max(query.limit, SCAN_PAGE), after });
      for (const doc of page.items) {
        if (keep(doc)) kept.push(doc);
        if (kept.length > query.limit) return { items: kept.slice(0, query.limit), hasMore: true };
      }
      const last = page.items[page.items.length - 1];
      if (!page.hasMore || !last) return { items: kept, hasMore: false };
      after = cursorOf(last, query.orderBy);
    }
  }

  async function* scan(filter: Filter): AsyncGenerator<T> {
    let after: PageQuery['after'];
    for (;;) {
      const page = await inner.list({ filter, orderBy: '_id', limit: SCAN_PAGE, after });
      yield* page.items.filter(keep);
      const last = page.items[page.items.length - 1];
      if (!page.hasMore || !last) return;
      after = cursorOf(last, '_id');
    }
  }

  return {
    name: inner.name,
    async get(id) {
      const doc = await inner.get(id);
      return doc && keep(doc) ? doc : undefined;
    },
    async findOne(filter) {
      return (await list({ filter, orderBy: '_id', limit: 1 })).items[0];
    },
    list,
    async count(filter: Filter) {
      let n = 0;
      for await (const _doc of scan(filter)) n += 1;
      return n;
    },
    async distinct(field, filter) {
      const values = new Set<string | number>();
      for await (const doc of scan(filter)) {
        const value = (doc as unknown as Record<string, unknown>)[field];
        for (const v of Array.isArray(value) ? value : [value]) {
          if (typeof v === 'string' || typeof v === 'number') values.add(v);
        }
      }
      return [...values];
    },
    insert: (doc) => inner.insert(doc),
    insertNew: (docs) => inner.insertNew(docs),
    commit: (doc, previous, record) => inner.commit(doc, previous, record),
    tombstones: async (filter) => (await inner.tombstones(filter)).filter(keep),
    withPendingChanges: (limit) => inner.withPendingChanges(limit),
    removeChanges: (changes) => inner.removeChanges(changes),
    purge: (id) => inner.purge(id),
    clear: () => inner.clear(),
  };
}
