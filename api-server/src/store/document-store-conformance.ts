// The one conformance suite of the DocumentStore port: every adapter (memory, memory with a journal,
// MongoDB/FerretDB) runs it, so they answer every call alike. Queries are in the second half.
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError } from './document-store.js';
import type {
  ChangeRecord,
  Collection,
  DocumentStore,
  Json,
  StoredDocument,
} from './document-store.js';
import { queryConformance } from './document-store-query-conformance.js';

/** A fresh, empty store for one test, and how to dispose of it. */
export interface StoreFixture {
  readonly store: DocumentStore;
  readonly cleanup: () => Promise<void>;
}

/** The document shape the suite stores. */
export interface Thing extends StoredDocument {
  readonly key: string;
  readonly env: string;
  readonly name?: string;
  readonly n?: number | string | null;
  readonly on?: boolean;
  readonly tags?: string[];
  readonly props?: Record<string, Json>;
  readonly rules?: { readonly conditions: { readonly value: string }[] }[];
}

/** A live thing at revision 1 with an empty outbox. */
export function thing(id: string, fields: Partial<Thing> = {}): Thing {
  return { _id: id, revision: 1, outbox: [], key: id, env: 'prod', ...fields };
}

/** A change record with this id. */
export function change(id: string, after: Json = null): ChangeRecord {
  return { id, at: 1_700_000_000_000, actorId: 'system', action: 'updated', before: null, after };
}

const UNIQUE = [
  { name: 'key_env', fields: ['key', 'env'] },
  { name: 'name_unique', fields: ['name'] },
];

/** Runs the conformance suite against the stores `fixture` makes. */
export function documentStoreConformance(
  label: string,
  fixture: () => Promise<StoreFixture>,
): void {
  describe(`DocumentStore conformance: ${label}`, () => {
    let current: StoreFixture;
    let store: DocumentStore;
    let things: Collection<Thing>;

    beforeEach(async () => {
      current = await fixture();
      store = current.store;
      // `name` is unique only where present in real use; here every thing has a distinct name.
      things = store.collection<Thing>('things', UNIQUE);
      await store.ready();
    });
    afterEach(async () => current.cleanup());

    const named = (id: string, fields: Partial<Thing> = {}): Thing =>
      thing(id, { name: `name-${id}`, ...fields });

    describe('documents', () => {
      it('inserts and gets a document back exactly, and is reachable', async () => {
        expect(await store.ping()).toBe(true);
        const doc = named('a', {
          tags: ['x', 'y'],
          props: { plan: 'pro', seats: 3, nested: { ok: true } },
        });
        await things.insert(doc);
        expect(await things.get('a')).toEqual(doc);
        expect(await things.get('nope')).toBeUndefined();
        expect(things.name).toBe('things');
      });

      it('stores no undefined fields', async () => {
        await things.insert(named('a', { n: undefined }));
        expect(Object.keys((await things.get('a')) ?? {})).not.toContain('n');
      });

      it('copies documents on the way in and out', async () => {
        const doc = named('a', { tags: ['x'] });
        await things.insert(doc);
        doc.tags?.push('mutated');
        const got = await things.get('a');
        got?.tags?.push('mutated too');
        expect((await things.get('a'))?.tags).toEqual(['x']);
      });

      it('rejects an _id clash with DuplicateKeyError on _id_', async () => {
        await things.insert(named('a'));
        const err = await things
          .insert(named('a', { key: 'other', name: 'other' }))
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateKeyError);
        expect(err).toMatchObject({ collection: 'things', index: '_id_' });
      });

      it('inserts new documents in one call, skips taken ids, and names another clash', async () => {
        await things.insert(named('a', { n: 1 }));
        await things.insertNew([named('a', { n: 2 }), named('b'), named('c')]);
        expect((await things.get('a'))?.n).toBe(1);
        expect(
          (await things.list({ filter: {}, orderBy: '_id', limit: 10 })).items.map((t) => t._id),
        ).toEqual(['a', 'b', 'c']);
        await things.insertNew([named('b'), named('c')]);
        expect(await things.count({})).toBe(3);
        const err = await things
          .insertNew([named('d'), named('e', { name: 'name-a' })])
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'DuplicateKeyError', index: 'name_unique' });
        expect(await things.get('d')).toEqual(named('d'));
        expect(await things.get('e')).toBeUndefined();
        await things.insertNew([]);
      });

      it('enforces multi-field and single-field unique indexes by name', async () => {
        await things.insert(named('a', { key: 'k', env: 'prod' }));
        await things.insert(named('b', { key: 'k', env: 'dev' }));
        await expect(things.insert(named('c', { key: 'k', env: 'dev' }))).rejects.toMatchObject({
          name: 'DuplicateKeyError',
          index: 'key_env',
        });
        await expect(things.insert(named('d', { name: 'name-a' }))).rejects.toMatchObject({
          index: 'name_unique',
        });
        expect(await things.count({})).toBe(2);
      });

      it('keeps a tombstone’s unique key until it is changed or purged', async () => {
        await things.insert(named('a', { key: 'k' }));
        expect(
          await things.commit(
            { ...named('a', { key: 'k' }), revision: 2, deleted: true },
            named('a', { key: 'k' }),
            change('r1'),
          ),
        ).toBe('ok');
        await expect(things.insert(named('b', { key: 'k' }))).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
      });

      it('makes collections independent and clear() empties one', async () => {
        const others = store.collection<Thing>('others');
        await things.insert(named('a'));
        await others.insert(thing('a'));
        await things.insert({ ...named('b'), deleted: true, outbox: [change('r')] });
        await things.clear();
        expect(await things.count({})).toBe(0);
        expect(await things.withPendingChanges(10)).toEqual([]);
        expect(await others.get('a')).toEqual(thing('a'));
        await things.insert(named('a'));
        expect(await things.count({})).toBe(1);
      });
    });

    describe('commit', () => {
      it('replaces fields, sets the revision and appends the record to the outbox', async () => {
        const first = { ...named('a', { n: 1, tags: ['x'] }), outbox: [change('r0')] };
        await things.insert(first);
        const next: Thing = { ...named('a', { n: 2, on: true }), revision: 2, outbox: [] };
        expect(await things.commit(next, first, change('r1', { n: 2 }))).toBe('ok');
        const stored = await things.get('a');
        expect(stored).toEqual({ ...next, outbox: [change('r0'), change('r1', { n: 2 })] });
        expect(stored).not.toHaveProperty('tags');
      });

      it('reports a conflict on a stale revision and changes nothing', async () => {
        const doc = named('a');
        await things.insert(doc);
        const stale = { ...doc, revision: 2 };
        expect(await things.commit({ ...doc, revision: 3, n: 9 }, stale, change('r1'))).toBe(
          'conflict',
        );
        expect(await things.get('a')).toEqual(doc);
      });

      it('reports not-found for a missing or deleted document', async () => {
        expect(await things.commit({ ...named('a'), revision: 2 }, named('a'), change('r1'))).toBe(
          'not-found',
        );
        await things.insert({ ...named('b'), deleted: true });
        expect(await things.commit({ ...named('b'), revision: 2 }, named('b'), change('r2'))).toBe(
          'not-found',
        );
      });

      it('throws DuplicateKeyError on a unique clash and leaves the document as it was', async () => {
        await things.insert(named('a', { key: 'k1' }));
        await things.insert(named('b', { key: 'k2' }));
        const err = await things
          .commit(
            { ...named('b', { key: 'k1' }), revision: 2 },
            named('b', { key: 'k2' }),
            change('r1'),
          )
          .catch((e: unknown) => e);
        expect(err).toMatchObject({
          name: 'DuplicateKeyError',
          collection: 'things',
          index: 'key_env',
        });
        expect(await things.get('b')).toEqual(named('b', { key: 'k2' }));
      });

      it('lets exactly one of two commits on the same revision win', async () => {
        await things.insert(named('a'));
        const outcomes = await Promise.all([
          things.commit({ ...named('a', { n: 1 }), revision: 2 }, named('a'), change('r1')),
          things.commit({ ...named('a', { n: 2 }), revision: 2 }, named('a'), change('r2')),
        ]);
        expect([...outcomes].sort()).toEqual(['conflict', 'ok']);
        expect((await things.get('a'))?.outbox).toHaveLength(1);
      });
    });

    describe('outbox', () => {
      it('hides deleted documents from reads but not from tombstones and withPendingChanges', async () => {
        await things.insert(named('a', { tags: ['t'] }));
        await things.commit(
          { ...named('a', { tags: ['t'] }), revision: 2, deleted: true },
          named('a', { tags: ['t'] }),
          change('r1'),
        );
        await things.insert(named('b', { tags: ['u'] }));
        expect(await things.get('a')).toBeUndefined();
        expect(await things.findOne({ key: 'a' })).toBeUndefined();
        expect(await things.count({})).toBe(1);
        expect(await things.distinct('tags', {})).toEqual(['u']);
        const page = await things.list({ filter: {}, orderBy: 'key', limit: 10 });
        expect(page.items.map((d) => d._id)).toEqual(['b']);
        const tombstones = await things.tombstones({ tags: 't' });
        expect(tombstones.map((d) => [d._id, d.deleted])).toEqual([['a', true]]);
        expect(await things.tombstones({ tags: 'u' })).toEqual([]);
        const pending = await things.withPendingChanges(10);
        expect(pending).toHaveLength(1);
        expect(pending[0]).toMatchObject({
          _id: 'a',
          deleted: true,
          revision: 2,
          outbox: [change('r1')],
        });
      });

      it('lists only documents with records, at most `limit`', async () => {
        for (const id of ['a', 'b', 'c'])
          await things.insert({ ...named(id), outbox: [change(`r-${id}`)] });
        await things.insert(named('d'));
        expect((await things.withPendingChanges(10)).map((d) => d._id).sort()).toEqual([
          'a',
          'b',
          'c',
        ]);
        expect(await things.withPendingChanges(2)).toHaveLength(2);
      });

      it('removes one record, idempotently', async () => {
        await things.insert({ ...named('a'), outbox: [change('r1'), change('r2'), change('r3')] });
        await things.removeChanges([{ id: 'a', record: change('r2') }]);
        await things.removeChanges([{ id: 'a', record: change('r2') }]);
        await things.removeChanges([{ id: 'a', record: change('unknown') }]);
        await things.removeChanges([{ id: 'missing', record: change('r1') }]);
        expect((await things.get('a'))?.outbox.map((r) => r.id)).toEqual(['r1', 'r3']);
        await things.removeChanges([{ id: 'a', record: change('r1') }]);
        await things.removeChanges([{ id: 'a', record: change('r3') }]);
        expect(await things.withPendingChanges(10)).toEqual([]);
      });

      it('removes the record with the given id even when the given copy differs', async () => {
        await things.insert({ ...named('a'), outbox: [change('r1', { n: 1 }), change('r2')] });
        await things.removeChanges([{ id: 'a', record: change('r1', { n: 2 }) }]);
        expect((await things.get('a'))?.outbox.map((r) => r.id)).toEqual(['r2']);
      });

      it('removes many records of many documents at once, some gone or given in another form', async () => {
        await things.insert({ ...named('a'), outbox: [change('a1'), change('a2'), change('a3')] });
        await things.insert({ ...named('b'), outbox: [change('b1', { n: 1 })] });
        await things.insert({ ...named('c'), outbox: [change('c1')] });
        await things.removeChanges([
          { id: 'a', record: change('a1') },
          { id: 'a', record: change('a3') },
          { id: 'b', record: change('b1', { n: 2 }) },
          { id: 'c', record: change('gone') },
          { id: 'missing', record: change('x') },
        ]);
        expect((await things.get('a'))?.outbox.map((r) => r.id)).toEqual(['a2']);
        expect((await things.get('b'))?.outbox).toEqual([]);
        expect((await things.get('c'))?.outbox.map((r) => r.id)).toEqual(['c1']);
        await things.removeChanges([]);
      });

      it('removes 300 records of 300 documents in one call', async () => {
        // More statements than FerretDB 1.24 can run in one command (it then hangs for good).
        const ids = Array.from({ length: 300 }, (_, i) => `d${String(i).padStart(3, '0')}`);
        for (const id of ids) await things.insert({ ...named(id), outbox: [change(`${id}-r`)] });
        await things.removeChanges(ids.map((id) => ({ id, record: change(`${id}-r`) })));
        expect(await things.withPendingChanges(500)).toEqual([]);
      }, 60_000);

      it('loses no commit while records of many documents are removed at once', async () => {
        for (const id of ['a', 'b', 'c'])
          await things.insert({ ...named(id), outbox: [change(`${id}0`)] });
        await Promise.all([
          things.removeChanges(['a', 'b', 'c'].map((id) => ({ id, record: change(`${id}0`) }))),
          ...['c', 'b', 'a'].map((id) =>
            things.commit(
              { ...named(id, { n: 1 }), revision: 2 },
              { ...named(id), revision: 1 },
              change(`${id}1`),
            ),
          ),
        ]);
        for (const id of ['a', 'b', 'c']) {
          const stored = await things.get(id);
          expect(stored).toMatchObject({ n: 1, revision: 2 });
          expect(stored?.outbox.map((r) => r.id)).toEqual([`${id}1`]);
        }
      });

      it('loses neither a commit nor a record removal running at the same time', async () => {
        await things.insert({ ...named('a'), outbox: [change('r0')] });
        for (let i = 1; i <= 5; i += 1) {
          await Promise.all([
            things.commit(
              { ...named('a', { n: i }), revision: i + 1 },
              { ...named('a', { n: i - 1 }), revision: i },
              change(`r${i}`),
            ),
            things.removeChanges([{ id: 'a', record: change(`r${i - 1}`) }]),
          ]);
        }
        const stored = await things.get('a');
        expect(stored).toMatchObject({ n: 5, revision: 6 });
        expect(stored?.outbox.map((r) => r.id)).toEqual(['r5']);
      });

      it('purges only deleted documents whose outbox is empty', async () => {
        await things.insert(named('live'));
        await things.insert({ ...named('pending'), deleted: true, outbox: [change('r1')] });
        await things.insert({ ...named('done'), deleted: true });
        expect(await things.purge('live')).toBe(false);
        expect(await things.purge('pending')).toBe(false);
        expect(await things.purge('missing')).toBe(false);
        expect(await things.purge('done')).toBe(true);
        expect(await things.purge('done')).toBe(false);
        expect(await things.get('live')).toBeDefined();
        expect(await things.withPendingChanges(10)).toHaveLength(1);
        await things.removeChanges([{ id: 'pending', record: change('r1') }]);
        expect(await things.purge('pending')).toBe(true);
        await things.insert(named('done'));
        expect(await things.get('done')).toEqual(named('done'));
      });
    });

    describe('nextVersion', () => {
      it('is strictly increasing and at least the floor', async () => {
        const a = await store.nextVersion('env:1', 1000);
        expect(a).toBeGreaterThanOrEqual(1000);
        const b = await store.nextVersion('env:1', 5);
        expect(b).toBeGreaterThan(a);
        const c = await store.nextVersion('env:1', b + 100);
        expect(c).toBeGreaterThanOrEqual(b + 100);
        expect(await store.nextVersion('env:2', 1)).toBeGreaterThanOrEqual(1);
      });

      it('gives 20 concurrent callers 20 distinct increasing numbers', async () => {
        const floor = Date.now();
        const versions = await Promise.all(
          Array.from({ length: 20 }, () => store.nextVersion('env:busy', floor)),
        );
        expect(new Set(versions).size).toBe(20);
        expect(Math.min(...versions)).toBeGreaterThanOrEqual(floor);
        expect(await store.nextVersion('env:busy', floor)).toBeGreaterThan(Math.max(...versions));
      });
    });

    queryConformance(() => things, named);
  });
}
