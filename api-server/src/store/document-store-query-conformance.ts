// The query half of the DocumentStore conformance suite: filters of every kind, ordering with ties,
// cursor paging, counting and distinct values. Called by documentStoreConformance.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Collection, Filter, PageQuery } from './document-store.js';
import type { Thing } from './document-store-conformance.js';

const FIXTURE: Partial<Thing>[] = [
  { n: 1, on: true, tags: ['alpha', 'beta'], props: { plan: 'pro', seats: 5 } },
  { n: 2, on: false, tags: ['beta'], props: { plan: 'free' } },
  { n: 3, on: true, tags: [], props: {} },
  { n: null, on: false, tags: ['gamma'], props: { plan: 'pro' } },
  { on: true, name: 'Has a.b*(regex) Chars' },
  {
    n: 10,
    rules: [{ conditions: [{ value: 'de' }, { value: 'fr' }] }, { conditions: [{ value: 'us' }] }],
  },
];

/** Registers the query tests; `things` is the collection of the current test. */
export function queryConformance(
  things: () => Collection<Thing>,
  named: (id: string, fields?: Partial<Thing>) => Thing,
): void {
  describe('filters', () => {
    beforeEach(async () => {
      for (const [i, fields] of FIXTURE.entries()) await things().insert(named(`d${i}`, fields));
    });

    const ids = async (filter: Filter): Promise<string[]> => {
      const page = await things().list({ filter, orderBy: '_id', limit: 100 });
      expect(await things().count(filter)).toBe(page.items.length);
      return page.items.map((d) => d._id);
    };

    it('matches equality on strings, numbers and booleans, AND-ed', async () => {
      expect(await ids({})).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
      expect(await ids({ key: 'd1' })).toEqual(['d1']);
      expect(await ids({ n: 3 })).toEqual(['d2']);
      expect(await ids({ on: true })).toEqual(['d0', 'd2', 'd4']);
      expect(await ids({ on: true, n: 1 })).toEqual(['d0']);
      expect(await ids({ on: true, n: 2 })).toEqual([]);
      expect(await ids({ n: '1' })).toEqual([]);
      expect(await ids({ key: 'd1', n: undefined })).toEqual(['d1']);
    });

    it('matches null against null and missing fields', async () => {
      expect(await ids({ n: null })).toEqual(['d3', 'd4']);
      expect(await ids({ n: { ne: null } })).toEqual(['d0', 'd1', 'd2', 'd5']);
    });

    it('matches any element of arrays, and in/all/ne over them', async () => {
      expect(await ids({ tags: 'beta' })).toEqual(['d0', 'd1']);
      expect(await ids({ tags: { in: ['gamma', 'alpha'] } })).toEqual(['d0', 'd3']);
      expect(await ids({ tags: { all: ['beta', 'alpha'] } })).toEqual(['d0']);
      expect(await ids({ tags: { all: ['beta'] } })).toEqual(['d0', 'd1']);
      expect(await ids({ tags: { ne: 'beta' } })).toEqual(['d2', 'd3', 'd4', 'd5']);
      expect(await ids({ n: { in: [1, 3, 99] } })).toEqual(['d0', 'd2']);
      expect(await ids({ key: { ne: 'd0' }, on: true })).toEqual(['d2', 'd4']);
    });

    it('follows dotted paths into nested maps and arrays of objects', async () => {
      expect(await ids({ 'props.plan': 'pro' })).toEqual(['d0', 'd3']);
      expect(await ids({ 'props.seats': { gte: 5 } })).toEqual(['d0']);
      expect(await ids({ 'props.plan': { ne: 'pro' } })).toEqual(['d1', 'd2', 'd4', 'd5']);
      expect(await ids({ 'rules.conditions.value': 'fr' })).toEqual(['d5']);
      expect(await ids({ 'rules.conditions.value': { in: ['us', 'xx'] } })).toEqual(['d5']);
      expect(await ids({ 'rules.conditions.value': 'it' })).toEqual([]);
    });

    it('compares ranges only within a type', async () => {
      expect(await ids({ n: { gt: 1 } })).toEqual(['d1', 'd2', 'd5']);
      expect(await ids({ n: { gte: 2 } })).toEqual(['d1', 'd2', 'd5']);
      expect(await ids({ n: { lt: 3 } })).toEqual(['d0', 'd1']);
      expect(await ids({ key: { gt: 'd3' } })).toEqual(['d4', 'd5']);
      expect(await ids({ key: { gte: 'd3' }, n: { lt: 100 } })).toEqual(['d5']);
      expect(await ids({ n: { gt: 'a' } })).toEqual([]);
    });

    it('matches contains as a case-insensitive literal substring', async () => {
      expect(await ids({ name: { contains: 'A.B*(REGEX)' } })).toEqual(['d4']);
      expect(await ids({ name: { contains: 'NAME-D' } })).toEqual(['d0', 'd1', 'd2', 'd3', 'd5']);
      expect(await ids({ name: { contains: '.*' } })).toEqual([]);
      expect(await ids({ tags: { contains: 'AMM' } })).toEqual(['d3']);
      expect(await ids({ n: { contains: '1' } })).toEqual([]);
    });

    it('matches allOf as a conjunction, e.g. two bounds on one field', async () => {
      expect(await ids({ allOf: [{ n: { gte: 1 } }, { n: { lt: 3 } }] })).toEqual(
        await ids({ anyOf: [{ n: 1 }, { n: 2 }] }),
      );
      expect(await ids({ allOf: [{ n: { gte: 3 } }, { n: { lt: 1 } }] })).toEqual([]);
      expect(await ids({ allOf: [] })).toEqual(await ids({}));
    });

    it('matches anyOf as a disjunction AND-ed with the other fields', async () => {
      expect(await ids({ anyOf: [{ n: 1 }, { tags: 'gamma' }] })).toEqual(['d0', 'd3']);
      expect(await ids({ on: true, anyOf: [{ n: 1 }, { n: 3 }, { key: 'd1' }] })).toEqual([
        'd0',
        'd2',
      ]);
      expect(
        await ids({ anyOf: [{ anyOf: [{ n: 2 }] }, { 'props.plan': 'pro', on: false }] }),
      ).toEqual(['d1', 'd3']);
      expect(await ids({ anyOf: [] })).toEqual([]);
    });

    it('answers findOne and distinct over scalar and array fields', async () => {
      expect((await things().findOne({ tags: 'gamma' }))?._id).toBe('d3');
      expect(await things().findOne({ tags: 'delta' })).toBeUndefined();
      expect(await things().distinct('tags', {})).toEqual(['alpha', 'beta', 'gamma']);
      expect(await things().distinct('tags', { on: true })).toEqual(['alpha', 'beta']);
      expect(await things().distinct('props.plan', {})).toEqual(['free', 'pro']);
      expect((await things().distinct('n', {})).sort()).toEqual([1, 10, 2, 3]);
      expect(await things().distinct('rules.conditions.value', {})).toEqual(['de', 'fr', 'us']);
    });
  });

  describe('ordering and paging', () => {
    const GROUPS = ['b', 'a', 'c', 'a', 'b', 'c', 'a', 'b', 'a', 'c', 'b', 'a', 'c'];

    beforeEach(async () => {
      // Ids in scrambled order, many ties on `name`'s stand-in `env`, and numbers with ties.
      for (const [i, env] of GROUPS.entries()) {
        const id = `t${String((i * 7) % GROUPS.length).padStart(2, '0')}`;
        await things().insert(named(id, { env, n: i % 4, on: i % 3 !== 0 }));
      }
      await things().insert({ ...named('zdeleted', { env: 'a', n: 0 }), deleted: true });
    });

    const all = async (query: Omit<PageQuery, 'limit' | 'after'>, limit: number) => {
      const seen: Thing[] = [];
      let after: PageQuery['after'];
      for (let pages = 0; pages < 50; pages += 1) {
        const page = await things().list({ ...query, limit, after });
        seen.push(...page.items);
        const last = page.items[page.items.length - 1];
        if (!page.hasMore) break;
        expect(page.items).toHaveLength(limit);
        if (!last) throw new Error('hasMore with an empty page');
        const value = last[query.orderBy as 'env' | 'n'];
        after = { value: value ?? '', id: last._id };
      }
      return seen;
    };

    const expected = (field: 'env' | 'n', descending: boolean, keep = (_t: Thing) => true) =>
      GROUPS.map((env, i) => ({
        id: `t${String((i * 7) % GROUPS.length).padStart(2, '0')}`,
        env,
        n: i % 4,
        on: i % 3 !== 0,
      }))
        .filter((t) => keep(named(t.id, t)))
        .sort((a, b) => {
          const sign = descending ? -1 : 1;
          const av = a[field];
          const bv = b[field];
          return sign * (av < bv ? -1 : av > bv ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        })
        .map((t) => t.id);

    it('orders ascending and descending with _id breaking ties in the same direction', async () => {
      const asc = await things().list({ filter: {}, orderBy: 'env', limit: 100 });
      expect(asc.items.map((t) => t._id)).toEqual(expected('env', false));
      expect(asc.hasMore).toBe(false);
      const desc = await things().list({ filter: {}, orderBy: 'n', descending: true, limit: 100 });
      expect(desc.items.map((t) => t._id)).toEqual(expected('n', true));
    });

    it('says hasMore exactly when items follow', async () => {
      const limit = GROUPS.length;
      expect((await things().list({ filter: {}, orderBy: 'env', limit })).hasMore).toBe(false);
      expect((await things().list({ filter: {}, orderBy: 'env', limit: limit - 1 })).hasMore).toBe(
        true,
      );
    });

    for (const [field, descending, limit] of [
      ['env', false, 4],
      ['env', true, 3],
      ['n', false, 5],
      ['n', true, 1],
      ['_id', false, 4],
    ] as const) {
      it(`pages by ${field}${descending ? ' descending' : ''} ${limit} at a time without gaps or repeats`, async () => {
        const seen = await all({ filter: {}, orderBy: field, descending }, limit);
        const order =
          field === '_id' ? [...expected('n', false)].sort() : expected(field, descending);
        expect(seen.map((t) => t._id)).toEqual(order);
      });
    }

    it('pages through a filtered list', async () => {
      const seen = await all({ filter: { on: true, env: { ne: 'c' } }, orderBy: 'n' }, 2);
      const keep = (t: Thing) => t.on === true && t.env !== 'c';
      expect(seen.map((t) => t._id)).toEqual(expected('n', false, keep));
    });
  });
}
