import { describe, expect, it } from 'vitest';
import { parseInstant } from './date-value.js';
import { parseDotNetDouble } from './dotnet-number.js';
import { compareSemVer, parseSemVer } from './semver.js';

describe('parseDotNetDouble', () => {
  it.each([
    ['12', 12],
    [' 12.5 ', 12.5],
    ['+3', 3],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['1,000', 1000],
    ['1,0,0', 100],
    ['1,', 1],
    ['Infinity', Infinity],
    ['-infinity', -Infinity],
  ])('parses %j as %d', (s, n) => expect(parseDotNetDouble(s)).toBe(n));

  it.each([
    '',
    ' ',
    '12abc',
    '0x10',
    ',1',
    '1.5,0',
    '1e',
    'e5',
    '.',
    '1 2',
    'NaN',
    '١٢',
    '\u00a012',
  ])('rejects %j', (s) => expect(parseDotNetDouble(s)).toBeNaN());
});

describe('semver', () => {
  const cmp = (a: string, b: string): number =>
    Math.sign(compareSemVer(parseSemVer(a)!, parseSemVer(b)!));
  it('orders by SemVer 2.0.0 precedence', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
      '10.0.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(cmp(ordered[i]!, ordered[i + 1]!)).toBe(-1);
      expect(cmp(ordered[i + 1]!, ordered[i]!)).toBe(1);
    }
    expect(cmp('v1.2.3+build.5', '1.2.3')).toBe(0);
  });
  it.each(['1.2', '01.2.3', '1.2.3-', '1.2.3-01', 'a.b.c', ''])('rejects %j', (s) =>
    expect(parseSemVer(s)).toBeNull(),
  );
});

describe('parseInstant', () => {
  it('reads dates, date-times with offsets and epoch milliseconds', () => {
    expect(parseInstant('2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(parseInstant('2024-01-02T03:04:05Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseInstant('2024-01-02T03:04:05.123456+01:00')).toBe(
      Date.UTC(2024, 0, 2, 2, 4, 5, 123),
    );
    expect(parseInstant('1704164645000')).toBe(1704164645000);
  });
  it.each(['2024-01-02T03:04:05', 'yesterday', '2024-13-01', ''])('rejects %j', (s) =>
    expect(parseInstant(s)).toBeNaN(),
  );
});

describe('parseDotNetDouble agrees with the grammar written as a regular expression', () => {
  const GRAMMAR = /^[\t-\r ]*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[\t-\r ]*$/;
  const reference = (s: string): number => {
    if (GRAMMAR.test(s)) return Number(s.replace(/,/g, ''));
    const inf = /^[\t-\r ]*([+-]?)infinity[\t-\r ]*$/i.exec(s);
    return inf === null ? NaN : inf[1] === '-' ? -Infinity : Infinity;
  };
  it('on 20,000 random strings over a numeric alphabet', () => {
    const alphabet = ['0', '1', '9', '.', ',', '-', '+', 'e', 'E', ' ', '\t', 'x', 'I', '\u00a0'];
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = Math.floor(Math.random() * 8);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
      expect(
        Object.is(parseDotNetDouble(s), reference(s)) ||
          (Number.isNaN(parseDotNetDouble(s)) && Number.isNaN(reference(s))),
        JSON.stringify(s),
      ).toBe(true);
    }
  });
});
