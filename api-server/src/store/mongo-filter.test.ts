import { describe, expect, it } from 'vitest';
import { NOTHING, afterCursor, allOf, escapeRegex, sortOf, toMongoFilter } from './mongo-filter.js';

describe('toMongoFilter', () => {
  it('translates every field condition', () => {
    expect(
      toMongoFilter({
        key: 'k',
        n: 1,
        on: true,
        gone: null,
        tags: { in: ['a'] },
        labels: { all: ['b', 'c'] },
        env: { ne: 'dev' },
        a: { gt: 1 },
        b: { gte: 'x' },
        c: { lt: 5 },
        skipped: undefined,
      }),
    ).toEqual({
      $and: [
        { key: 'k' },
        { n: 1 },
        { on: true },
        { gone: null },
        { tags: { $in: ['a'] } },
        { labels: { $all: ['b', 'c'] } },
        { env: { $ne: 'dev' } },
        { a: { $gt: 1 } },
        { b: { $gte: 'x' } },
        { c: { $lt: 5 } },
      ],
    });
  });

  it('makes contains a case-insensitive literal regex', () => {
    expect(toMongoFilter({ name: { contains: 'a.b*(c)' } })).toEqual({
      name: { $regex: 'a\\.b\\*\\(c\\)', $options: 'i' },
    });
    expect(new RegExp(escapeRegex('[x]+?^$|{1}\\')).test('[x]+?^$|{1}\\')).toBe(true);
  });

  it('turns anyOf into $or, an empty anyOf into a match-nothing, and keeps {} for no filter', () => {
    expect(toMongoFilter({ anyOf: [{ a: 1 }, { b: 2, c: 3 }] })).toEqual({
      $or: [{ a: 1 }, { $and: [{ b: 2 }, { c: 3 }] }],
    });
    expect(toMongoFilter({ anyOf: [] })).toEqual(NOTHING);
    expect(toMongoFilter({ tags: { all: [] } })).toEqual({ tags: { $in: [] } });
    expect(toMongoFilter({})).toEqual({});
    expect(() => toMongoFilter({ tags: [{ a: 1 }] })).toThrow(TypeError);
  });
});

describe('paging', () => {
  it('builds the cursor condition and sort in both directions', () => {
    const after = { value: 5, id: 'x' };
    expect(afterCursor({ filter: {}, orderBy: 'n', limit: 1, after })).toEqual({
      $or: [{ n: { $gt: 5 } }, { n: 5, _id: { $gt: 'x' } }],
    });
    expect(afterCursor({ filter: {}, orderBy: 'n', limit: 1, after, descending: true })).toEqual({
      $or: [{ n: { $lt: 5 } }, { n: 5, _id: { $lt: 'x' } }],
    });
    expect(afterCursor({ filter: {}, orderBy: '_id', limit: 1, after })).toEqual({
      _id: { $gt: 'x' },
    });
    expect(afterCursor({ filter: {}, orderBy: 'n', limit: 1 })).toBeUndefined();
    expect(sortOf({ filter: {}, orderBy: 'n', limit: 1, descending: true })).toEqual({
      n: -1,
      _id: -1,
    });
    expect(sortOf({ filter: {}, orderBy: '_id', limit: 1 })).toEqual({ _id: 1 });
  });

  it('ANDs query parts, dropping empty ones', () => {
    expect(allOf({ a: 1 }, {}, undefined)).toEqual({ a: 1 });
    expect(allOf({ a: 1 }, { b: 2 })).toEqual({ $and: [{ a: 1 }, { b: 2 }] });
    expect(allOf()).toEqual({});
  });
});
