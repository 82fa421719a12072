import { describe, expect, it } from 'vitest';
import { FEATBIT_OPERATORS, IS_IN_SEGMENT, IS_NOT_IN_SEGMENT, VANE_OPERATORS } from '@vane/core';
import {
  OPERATORS,
  conditionFromProto,
  conditionProblems,
  conditionToProto,
  parseStringList,
} from './conditions.js';
import type { AttributeCondition } from './conditions.js';

const attr = (op: string, value = '', values: string[] = []): AttributeCondition => ({
  kind: 'attribute',
  id: 'c1',
  property: 'country',
  op,
  value,
  values,
});

describe('operators', () => {
  it('offers every operator the engine knows, once', () => {
    const offered = OPERATORS.map((o) => o.op);
    expect(new Set(offered)).toEqual(new Set([...FEATBIT_OPERATORS, ...VANE_OPERATORS]));
    expect(offered).toHaveLength(FEATBIT_OPERATORS.length + VANE_OPERATORS.length);
  });
});

describe('condition ↔ proto', () => {
  it('maps segment conditions to FeatBit property strings and a JSON id list', () => {
    const proto = { id: 's', property: IS_NOT_IN_SEGMENT, op: '', value: '["a","b"]' };
    const draft = conditionFromProto(proto);
    expect(draft).toEqual({ kind: 'segment', id: 's', negate: true, segmentIds: ['a', 'b'] });
    expect(conditionToProto(draft)).toEqual(proto);
    if (draft.kind !== 'segment') throw new Error('expected a segment condition');
    expect(conditionToProto({ ...draft, negate: false }).property).toBe(IS_IN_SEGMENT);
  });

  it('keeps list operands as lists and writes them back as JSON arrays', () => {
    const proto = { id: 'c1', property: 'country', op: 'IsOneOf', value: '["NL","BE"]' };
    const draft = conditionFromProto(proto);
    expect(draft).toMatchObject({ kind: 'attribute', values: ['NL', 'BE'], value: '' });
    expect(conditionToProto(draft)).toEqual(proto);
  });

  it('keeps a list operand that is not a JSON array as raw text instead of losing it', () => {
    const draft = conditionFromProto({ id: 'c', property: 'p', op: 'NotOneOf', value: 'oops' });
    expect(draft).toMatchObject({ value: 'oops', values: [] });
  });

  it('writes an empty operand for IsTrue/IsFalse and trims scalar operands', () => {
    expect(conditionToProto(attr('IsTrue', 'x')).value).toBe('');
    expect(conditionToProto(attr('Equal', '  a  ')).value).toBe('a');
    expect(conditionToProto({ ...attr('Equal', 'a'), property: ' plan ' }).property).toBe('plan');
  });

  it('round-trips every operator', () => {
    for (const { op, operand } of OPERATORS) {
      const value = operand === 'list' ? '["x"]' : operand === 'none' ? '' : '1';
      const proto = { id: 'i', property: 'p', op, value };
      expect(conditionToProto(conditionFromProto(proto))).toEqual(proto);
    }
  });

  it('parses only arrays of strings as lists', () => {
    expect(parseStringList('["a"]')).toEqual(['a']);
    expect(parseStringList('[1]')).toBeUndefined();
    expect(parseStringList('{}')).toBeUndefined();
    expect(parseStringList('')).toBeUndefined();
  });
});

describe('conditionProblems', () => {
  it('accepts valid operands', () => {
    expect(conditionProblems(attr('IsOneOf', '', ['a']), true)).toEqual({});
    expect(conditionProblems(attr('LessThan', '4.5'), true)).toEqual({});
    expect(conditionProblems(attr('MatchRegex', '^a+$'), true)).toEqual({});
    expect(conditionProblems(attr('SemVerBiggerThan', 'v1.2.3-beta.1'), true)).toEqual({});
    expect(conditionProblems(attr('DateAfter', '2026-01-31T00:00:00Z'), true)).toEqual({});
    expect(conditionProblems(attr('DateBefore', '1767225600000'), true)).toEqual({});
    expect(conditionProblems(attr('IsFalse'), true)).toEqual({});
  });

  it('names the field of each problem', () => {
    expect(conditionProblems(attr('IsOneOf'), true)).toEqual({ value: 'Add at least one value.' });
    expect(conditionProblems(attr('BiggerThan', 'ten'), true).value).toMatch(/number/);
    expect(conditionProblems(attr('MatchRegex', '(('), true).value).toMatch(/regular expression/);
    // The server's rules: nothing a backtracking engine freezes on, nothing RE2 cannot run.
    expect(conditionProblems(attr('MatchRegex', '(a+)+$'), true).value).toMatch(/exponential/);
    expect(conditionProblems(attr('MatchRegex', 'a(?=b)'), true).value).toMatch(
      /regular expression/,
    );
    expect(conditionProblems(attr('SemVerEqual', '1.2'), true).value).toMatch(/version/);
    expect(conditionProblems(attr('DateAfter', 'tomorrow'), true).value).toMatch(/date/);
    expect(conditionProblems(attr('Nope', 'x'), true)).toEqual({ op: 'Choose an operator.' });
    expect(
      conditionProblems({ ...attr('Equal', 'x'), property: ' ' }, true).property,
    ).toBeDefined();
  });

  it('requires a segment, and refuses segment conditions where they are not allowed', () => {
    const seg = { kind: 'segment', id: 's', negate: false, segmentIds: [] } as const;
    expect(conditionProblems(seg, true)).toEqual({ value: 'Choose at least one segment.' });
    expect(conditionProblems({ ...seg, segmentIds: ['a'] }, false).property).toMatch(/not allowed/);
  });
});
