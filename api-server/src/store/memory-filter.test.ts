import { describe, expect, it } from 'vitest';
import { compareValues, conditionHolds, matches, orderValue, valuesAt } from './memory-filter.js';

const doc = {
  _id: 'a',
  tags: ['x', 'y'],
  props: { plan: 'pro', seats: 3 },
  rules: [{ conditions: [{ value: 'de' }] }, { conditions: [{ value: 'fr' }, {}] }],
  nothing: null,
};

describe('valuesAt', () => {
  it('expands arrays and fans dotted paths out over arrays of objects', () => {
    expect(valuesAt(doc, 'tags')).toEqual(['x', 'y']);
    expect(valuesAt(doc, 'props.plan')).toEqual(['pro']);
    expect(valuesAt(doc, 'rules.conditions.value')).toEqual(['de', 'fr', undefined]);
    expect(valuesAt(doc, 'tags.1')).toEqual(['y']);
    expect(valuesAt(doc, 'missing.deeper')).toEqual([undefined]);
  });
});

describe('conditionHolds and matches', () => {
  it('treats null as null-or-missing, and ne as its negation', () => {
    expect(conditionHolds(valuesAt(doc, 'nothing'), null)).toBe(true);
    expect(conditionHolds(valuesAt(doc, 'missing'), null)).toBe(true);
    expect(conditionHolds(valuesAt(doc, 'rules.conditions.value'), null)).toBe(true);
    expect(conditionHolds(valuesAt(doc, 'missing'), { ne: 'x' })).toBe(true);
    expect(conditionHolds(valuesAt(doc, 'tags'), { ne: 'x' })).toBe(false);
  });

  it('brackets range comparisons by type', () => {
    expect(conditionHolds([3], { gt: 2 })).toBe(true);
    expect(conditionHolds(['3'], { gt: 2 })).toBe(false);
    expect(conditionHolds(['b'], { gte: 'b' })).toBe(true);
    expect(conditionHolds([null], { lt: 1 })).toBe(false);
  });

  it('needs a non-empty all and matches contains literally', () => {
    expect(conditionHolds(['x'], { all: [] })).toBe(false);
    expect(conditionHolds(['a.b'], { contains: 'A.B' })).toBe(true);
    expect(conditionHolds(['aXb'], { contains: 'a.b' })).toBe(false);
  });

  it('ANDs fields, ORs anyOf, ignores undefined and rejects lists elsewhere', () => {
    expect(matches(doc, { tags: 'x', 'props.plan': 'pro', other: undefined })).toBe(true);
    expect(matches(doc, { anyOf: [{ tags: 'z' }, { 'props.seats': { lt: 4 } }] })).toBe(true);
    expect(matches(doc, { anyOf: [] })).toBe(false);
    expect(() => matches(doc, { tags: [{ a: 1 }] })).toThrow(TypeError);
  });
});

describe('ordering', () => {
  it('orders across types like MongoDB: null < numbers < strings < booleans', () => {
    const values = [true, 'b', 2, null, 'a', 1];
    expect([...values].sort(compareValues)).toEqual([null, 1, 2, 'a', 'b', true]);
    expect(compareValues('Z', 'a')).toBeLessThan(0);
    expect(compareValues('\uffff', '\u{1f600}')).toBeLessThan(0);
  });

  it('reads the order value at a path without expanding arrays', () => {
    expect(orderValue(doc, 'props.seats')).toBe(3);
    expect(orderValue(doc, 'tags')).toEqual(['x', 'y']);
  });
});
