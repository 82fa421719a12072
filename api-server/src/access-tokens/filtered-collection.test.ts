import { describe, expect, it } from 'vitest';
import type { StoredDocument } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { filteredCollection } from './filtered-collection.js';

interface Item extends StoredDocument {
  readonly n: number;
  readonly tags: string[];
}

async function setup() {
  const store = await MemoryDocumentStore.open();
  const items = store.collection<Item>('items');
  for (let n = 1; n <= 40; n += 1) {
    await items.insert({
      _id: `i${String(n).padStart(2, '0')}`,
      revision: 1,
      outbox: [],
      n,
      tags: [`t${n % 4}`],
    });
  }
  // Keeps multiples of 3: a predicate the filter language does not have.
  return { store, items, view: filteredCollection(items, (d) => d.n % 3 === 0) };
}

describe('filteredCollection', () => {
  it('pages only kept documents, full pages, in order, without gaps', async () => {
    const { store, view } = await setup();
    const seen: number[] = [];
    let after: { value: string | number; id: string } | undefined;
    for (;;) {
      const page = await view.list({ filter: {}, orderBy: 'n', descending: true, limit: 4, after });
      seen.push(...page.items.map((d) => d.n));
      const last = page.items[page.items.length - 1];
      if (page.hasMore) expect(page.items).toHaveLength(4);
      if (!page.hasMore || !last) break;
      after = { value: last.n, id: last._id };
    }
    expect(seen).toEqual([39, 36, 33, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3]);
    await store.close();
  });

  it('says there is no more when only dropped documents follow', async () => {
    const { store, view } = await setup();
    const page = await view.list({ filter: { n: { gt: 38 } }, orderBy: 'n', limit: 1 });
    expect(page.items.map((d) => d.n)).toEqual([39]);
    expect(page.hasMore).toBe(false);
    await store.close();
  });

  it('counts, reads and finds only kept documents, combined with the filter', async () => {
    const { store, view } = await setup();
    expect(await view.count({})).toBe(13);
    expect(await view.count({ tags: 't0' })).toBe(3); // 12, 24, 36
    expect(await view.get('i03')).toMatchObject({ n: 3 });
    expect(await view.get('i04')).toBeUndefined();
    expect((await view.findOne({ tags: 't1' }))?.n).toBe(9);
    expect((await view.distinct('tags', { n: { lt: 10 } })).sort()).toEqual(['t1', 't2', 't3']);
    await store.close();
  });
});
