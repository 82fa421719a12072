// Golden vectors for every operator; expectations are written by hand.
import type { EndUser } from '../model/end-user.js';
import { cond, flag, rule, user } from '../evaluation/fixtures.js';
import { addFlag, DEFAULT, ON, suite } from './vector-kit.js';
import type { Expected } from './vector-kit.js';

// ---- operators: one rule "match" with one condition; [op, condition value, user value
// (undefined = attribute absent), matches, why (.NET's reason, in the case name)]
type Row = [string, string | null, string | undefined, boolean, string?];
const featbitRows: Row[] = [
  ['LessThan', '18', '17', true],
  ['LessThan', '18', '18', false],
  ['LessThan', '18', '19', false],
  ['LessThan', '18', ' 17 ', true],
  ['LessThan', '18', '1e1', true],
  ['LessThan', '18', '17.999', true],
  ['LessThan', '18', 'abc', false],
  ['LessThan', '18', '', false],
  ['LessThan', '18', undefined, false],
  ['LessThan', '18', '1,7', true],
  ['LessThan', '18', '-Infinity', true],
  ['LessThan', 'x', '1', false],
  ['LessEqualThan', '18', '18', true],
  ['LessEqualThan', '18', '18.0', true],
  ['LessEqualThan', '18', '19', false],
  ['LessEqualThan', '18', '+18', true],
  ['LessEqualThan', '18', '0x10', false],
  ['LessEqualThan', '18', '18abc', false],
  ['LessEqualThan', '-1.5', '-2', true],
  ['BiggerThan', '18', '19', true],
  ['BiggerThan', '18', '18', false],
  ['BiggerThan', '18', '1e3', true],
  ['BiggerThan', '18', 'Infinity', true],
  ['BiggerThan', '18', 'NaN', false],
  ['BiggerThan', '18', '1,000', true],
  ['BiggerThan', '1,000', '999', false],
  ['BiggerThan', '1,000', '1001', true],
  ['BiggerEqualThan', '18', '18', true],
  ['BiggerEqualThan', '18', '17', false],
  ['BiggerEqualThan', '18', '18.00001', true],
  ['BiggerEqualThan', '18', '.5', false],
  ['BiggerEqualThan', '18', '  20  ', true],
  ['BiggerEqualThan', '0', '-0', true],
  ['Equal', 'abc', 'abc', true],
  ['Equal', 'abc', 'ABC', false],
  ['Equal', 'abc', 'abc ', false],
  ['Equal', 'abc', '', false],
  ['Equal', 'abc', undefined, false],
  ['Equal', '', undefined, true],
  ['Equal', 'é', 'é', true],
  ['NotEqual', 'abc', 'abd', true],
  ['NotEqual', 'abc', 'abc', false],
  ['NotEqual', 'abc', undefined, true],
  ['Contains', 'ell', 'hello', true],
  ['Contains', 'ell', 'help', false],
  ['Contains', 'ell', 'hELLo', false],
  ['Contains', 'ell', undefined, false],
  ['Contains', '', 'x', true],
  ['Contains', '', undefined, true],
  ['NotContain', 'ell', 'help', true],
  ['NotContain', 'ell', 'hello', false],
  ['NotContain', 'ell', undefined, true],
  ['StartsWith', 'he', 'hello', true],
  ['StartsWith', 'he', 'Hello', false],
  ['StartsWith', 'he', 'h', false],
  ['StartsWith', '', 'abc', true],
  ['EndsWith', 'lo', 'hello', true],
  ['EndsWith', 'lo', 'low', false],
  ['EndsWith', 'lo', undefined, false],
  ['MatchRegex', '^[a-z]+@example\\.com$', 'bob@example.com', true],
  ['MatchRegex', '^[a-z]+@example\\.com$', 'Bob@example.com', false],
  ['MatchRegex', '^[a-z]+@example\\.com$', 'bob@exampleXcom', false],
  ['MatchRegex', '^[a-z]+@example\\.com$', undefined, false],
  ['MatchRegex', '\\d{3}', 'ab123', true],
  ['MatchRegex', '\\d{3}', 'ab12', false],
  ['MatchRegex', '(?i)^abc$', 'ABC', true],
  ['MatchRegex', '.*', undefined, true],
  ['NotMatchRegex', '^test', 'testing', false],
  ['NotMatchRegex', '^test', 'a test', true],
  ['NotMatchRegex', '^test', undefined, true],
  ['IsOneOf', '["a","b","c d"]', 'a', true],
  ['IsOneOf', '["a","b","c d"]', 'c d', true],
  ['IsOneOf', '["a","b","c d"]', 'A', false],
  ['IsOneOf', '["a","b","c d"]', 'd', false],
  ['IsOneOf', '["a","b","c d"]', undefined, false],
  ['IsOneOf', '["a",""]', undefined, true],
  ['IsOneOf', '[]', 'a', false],
  ['IsOneOf', 'null', 'a', false],
  ['NotOneOf', '["a","b"]', 'c', true],
  ['NotOneOf', '["a","b"]', 'a', false],
  ['NotOneOf', '["a","b"]', undefined, true],
  ['NotOneOf', '[]', 'a', true],
  ['NotOneOf', 'null', 'x', true],
  ['IsTrue', 'IsTrue', 'true', true],
  ['IsTrue', 'IsTrue', 'TRUE', true],
  ['IsTrue', 'IsTrue', 'True', true],
  ['IsTrue', 'IsTrue', 'yes', false],
  ['IsTrue', 'IsTrue', '1', false],
  ['IsTrue', 'IsTrue', undefined, false],
  ['IsTrue', 'IsTrue', ' true', false],
  ['IsFalse', 'IsFalse', 'false', true],
  ['IsFalse', 'IsFalse', 'FaLsE', true],
  ['IsFalse', 'IsFalse', 'no', false],
  ['IsFalse', 'IsFalse', undefined, false],
  // Text semantics of FeatBit's .NET server where JavaScript's built-ins differ (core/README.md).
  [
    'MatchRegex',
    '\\A',
    undefined,
    true,
    '.NET: \\A is the start of the input; an absent attribute is ""',
  ],
  ['MatchRegex', 'abc\\Z', 'abc\n', true, '.NET: \\Z matches before a final newline'],
  ['MatchRegex', 'abc\\Z', 'abcZ', false, '.NET: \\Z is an anchor, not the letter Z'],
  ['MatchRegex', '\\p{L}+', 'pro', true, '.NET: \\p{L} is the Unicode letter category'],
  ['MatchRegex', '^\\p{Lu}', 'Élan', true, '.NET: \\p{Lu} is the Unicode upper-case category'],
  ['MatchRegex', '^\\w+$', 'Zoë', true, '.NET: \\w is Unicode (letters, Mn, Nd, Pc)'],
  ['MatchRegex', '^[\\w-]+$', 'crème-brûlée', true, '.NET: \\w inside a class is Unicode too'],
  ['MatchRegex', '^\\W$', 'é', false, '.NET: é is a word character, so not \\W'],
  [
    'MatchRegex',
    '^\\d+$',
    '\uff11\uff12',
    true,
    '.NET: \\d is every Unicode decimal digit (full-width 12)',
  ],
  ['MatchRegex', '^\\D$', '\u0665', false, '.NET: Arabic-Indic 5 is a digit, so not \\D'],
  ['MatchRegex', '\\s', '\u0085', true, '.NET: \\s includes U+0085 (next line)'],
  ['MatchRegex', '\\s', '\u00a0', true, '.NET: \\s includes U+00A0 (no-break space)'],
  ['MatchRegex', '\\s', '\u000b', true, '.NET: \\s includes U+000B (vertical tab)'],
  [
    'MatchRegex',
    '\\s',
    '\ufeff',
    false,
    ".NET: U+FEFF is not white space (JavaScript's \\s says it is)",
  ],
  ['MatchRegex', '^\\S$', '\u2003', false, '.NET: U+2003 (em space) is white space'],
  ['MatchRegex', '^[a-z]+$', 'abc\n', true, '.NET: $ also matches before a final newline'],
  ['MatchRegex', '^[a-z]+$', 'abc\n\n', false, '.NET: $ matches before the final newline only'],
  ['NotMatchRegex', '^\\d+$', '\uff11\uff12', false, '.NET: full-width digits match \\d'],
  [
    'IsFalse',
    'IsFalse',
    'fal\u017fe',
    false,
    '.NET: OrdinalIgnoreCase keeps ſ (U+017F); JavaScript upper-cases it to S',
  ],
  ['IsTrue', 'IsTrue', 'tRuE', true, '.NET: OrdinalIgnoreCase folds ASCII letters'],
  ['LessThan', '18', '5\u0000', true, '.NET: double.TryParse accepts trailing NULs'],
  ['LessThan', '18', '5 \u0000\u0000', true, '.NET: NULs after the trailing white space'],
  ['LessThan', '18', '5\u0000 ', false, '.NET: a NUL followed by a space is not trailing'],
  ['LessThan', '18\u0000', '5', true, '.NET: the condition value is parsed the same way'],
  ['LessThan', '18', '\u00a05', false, '.NET: the number grammar allows only ASCII white space'],
  [
    'BiggerThan',
    '18',
    '\u00a0Infinity',
    true,
    '.NET: the Infinity fallback trims all Unicode white space',
  ],
  ['LessThan', '18', '\u2003-infinity\u3000', true, '.NET: the fallback ignores ASCII case'],
  ['BiggerThan', '18', 'Infinity\u0000', false, '.NET: the fallback does not drop NULs'],
  ['Between', '1', '1', false],
  ['Equal', null, 'x', false],
  ['IsTrue', null, 'true', false],
];
const vaneRows: Row[] = [
  ['SemVerEqual', '1.2.3', '1.2.3', true],
  ['SemVerEqual', '1.2.3', 'v1.2.3', true],
  ['SemVerEqual', '1.2.3', '1.2.3+build.7', true],
  ['SemVerEqual', '1.2.3', '1.2.4', false],
  ['SemVerEqual', '1.2.3', '1.2', false],
  ['SemVerEqual', '1.2.3', undefined, false],
  ['SemVerNotEqual', '1.2.3', '1.2.4', true],
  ['SemVerNotEqual', '1.2.3', '1.2.3', false],
  ['SemVerNotEqual', '1.2.3', 'bad', false],
  ['SemVerLessThan', '2.0.0', '1.9.9', true],
  ['SemVerLessThan', '2.0.0', '2.0.0-rc.1', true],
  ['SemVerLessThan', '2.0.0', '2.0.0', false],
  ['SemVerLessThan', '2.0.0', '10.0.0', false],
  ['SemVerLessEqualThan', '2.0.0', '2.0.0', true],
  ['SemVerLessEqualThan', '2.0.0', '2.0.1', false],
  ['SemVerBiggerThan', '1.0.0-beta', '1.0.0', true],
  ['SemVerBiggerThan', '1.0.0-beta', '1.0.0-alpha', false],
  ['SemVerBiggerThan', '1.0.0-beta', '1.0.0-beta.2', true],
  ['SemVerBiggerThan', '1.0.0-beta.2', '1.0.0-beta.11', true],
  ['SemVerBiggerEqualThan', '1.10.0', '1.10.0', true],
  ['SemVerBiggerEqualThan', '1.10.0', '1.9.0', false],
  ['SemVerBiggerEqualThan', '1.10.0', '1.11.0', true],
  ['SemVerBiggerEqualThan', 'not-a-version', '1.0.0', false],
  ['DateBefore', '2024-06-01T00:00:00Z', '2024-05-31T23:59:59Z', true],
  ['DateBefore', '2024-06-01T00:00:00Z', '2024-06-01', false],
  ['DateBefore', '2024-06-01T00:00:00Z', '2024-06-01T02:00:00+03:00', true],
  ['DateBefore', '2024-06-01T00:00:00Z', '1717200000000', false],
  ['DateBefore', '2024-06-01T00:00:00Z', '1717199999999', true],
  ['DateBefore', '2024-06-01T00:00:00Z', 'garbage', false],
  ['DateBefore', '2024-06-01T00:00:00Z', '2024-05-01T00:00:00', false],
  ['DateBefore', '2024-06-01T00:00:00Z', undefined, false],
  ['DateAfter', '2024-06-01', '2024-06-01T00:00:01Z', true],
  ['DateAfter', '2024-06-01', '2024-06-01T00:00:00Z', false],
  ['DateAfter', '2024-06-01', '2025-01-01', true],
  ['DateAfter', '2024-06-01', '2024-05-31T23:00:00-02:00', true],
];
/** Adds one suite per operator plus the built-in attribute suite. */
export function addOperatorSuites(): void {
  for (const [tag, rows] of [
    ['featbit', featbitRows],
    ['vane', vaneRows],
  ] as const) {
    const byOp = new Map<string, Row[]>();
    for (const r of rows) byOp.set(r[0], [...(byOp.get(r[0]) ?? []), r]);
    for (const [op, list] of byOp) {
      const s = suite(`operators/${op}`, [tag]);
      const values = [...new Set(list.map((r) => r[1]))];
      list.forEach(([, cv, uv, match, why], i) => {
        const key = `${op.toLowerCase()}-${values.indexOf(cv)}`;
        addFlag(s, flag(key, { rules: [rule('match', [cond('p', op, cv)])] }));
        s.cases.push({
          name: `${op} ${JSON.stringify(cv)} / ${uv === undefined ? 'absent' : JSON.stringify(uv)}${why === undefined ? '' : ` (${why})`}`,
          flagKey: key,
          user: user(`u${i}`, uv === undefined ? {} : { p: uv }),
          expected: match ? ON : DEFAULT,
        });
      });
    }
  }
  {
    const s = suite('operators/built-in attributes', ['featbit']);
    addFlag(s, flag('name-eq', { rules: [rule('match', [cond('name', 'Equal', 'Alice')])] }));
    addFlag(s, flag('name-ne', { rules: [rule('match', [cond('name', 'NotEqual', 'Alice')])] }));
    addFlag(
      s,
      flag('key-one-of', { rules: [rule('match', [cond('keyId', 'IsOneOf', '["k1","k2"]')])] }),
    );
    addFlag(
      s,
      flag('two-conditions', {
        rules: [rule('match', [cond('a', 'Equal', '1'), cond('b', 'Equal', '2')])],
      }),
    );
    addFlag(s, flag('no-conditions', { rules: [rule('match', [])] }));
    const add = (name: string, flagKey: string, u: EndUser, e: Expected): void =>
      void s.cases.push({ name, flagKey, user: u, expected: e });
    add('name Equal matches the name', 'name-eq', user('x', {}, 'Alice'), ON);
    add(
      'name Equal ignores a custom "name"-less user',
      'name-eq',
      user('x', { Name: 'Alice' }),
      DEFAULT,
    );
    add('name NotEqual matches another name', 'name-ne', user('x', {}, 'Bob'), ON);
    add('name NotEqual never matches a user without name (null)', 'name-ne', user('x'), DEFAULT);
    add('keyId IsOneOf', 'key-one-of', user('k2'), ON);
    add('keyId IsOneOf misses', 'key-one-of', user('k3'), DEFAULT);
    add('all conditions must match', 'two-conditions', user('x', { a: '1', b: '2' }), ON);
    add(
      'one failing condition fails the rule',
      'two-conditions',
      user('x', { a: '1', b: '3' }),
      DEFAULT,
    );
    add('a rule without conditions matches everyone', 'no-conditions', user('x'), ON);
    add(
      'first custom property of a name wins',
      'two-conditions',
      {
        keyId: 'x',
        customizedProperties: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
          { name: 'b', value: '3' },
        ],
      },
      ON,
    );
  }
}
