import { describe, expect, it } from 'vitest';
import { validateFlag } from '../validation/validate-flag.js';
import { evaluateFlag } from './environment.js';
import { cond, flag, rule, user } from './fixtures.js';
import { compileRegex, MAX_REGEX_PROGRAM_SIZE, regexProblem } from './safe-regex.js';

const regexFlag = (pattern: string, op = 'MatchRegex') =>
  flag('f', { rules: [rule('rx', [cond('p', op, pattern)])] });
const reasonFor = (pattern: string, value: string): string =>
  evaluateFlag(regexFlag(pattern), user('u', { p: value })).reason;

const A10K = 'a'.repeat(10_240);

describe('regex conditions run in linear time', () => {
  // Each of these takes longer than the age of the universe in a backtracking engine.
  it.each([
    ['(a+)+$', `${A10K}!`, 'default'],
    ['(a+)+$', A10K, 'rx'],
    ['(a|a)*b', A10K, 'default'],
    ['(a|aa)+$', `${A10K}!`, 'default'],
    ['^(\\w+\\s?)*$', `${A10K}!`, 'default'],
    ['^(a?){50}a{50}$', 'a'.repeat(50), 'rx'],
    ['(.*a){20}!', `${A10K}`, 'default'],
    ['((((a*)*)*)*)*b', A10K, 'default'],
  ])('%s on %#', (pattern, value, reason) => {
    expect(reasonFor(pattern, value)).toBe(reason);
  });

  it('keeps the JavaScript spellings that RE2 writes differently', () => {
    expect(reasonFor('^\\u0041\\u{1F600}$', 'A😀')).toBe('rx');
    expect(reasonFor('^(?<word>[a-z]+)$', 'abc')).toBe('rx');
    expect(reasonFor('a(?i)b', 'aB')).toBe('rx'); // inline options anywhere, as in .NET
    expect(reasonFor('^\\p{L}+$', 'été')).toBe('rx');
  });
});

describe('what RE2 cannot run is malformed, as an invalid pattern is', () => {
  it.each([
    ['(a)\\1', 'a backreference'],
    ['^(?!test)', 'a lookahead'],
    ['(?<=a)b', 'a lookbehind'],
    ['(?:[ab]*a[ab]{99}){1,10}$', 'a program over the cap'],
  ])('%s (%s) gives MALFORMED_FLAG once reached', (pattern) => {
    expect(typeof compileRegex(pattern)).toBe('string');
    const f = flag('f', {
      rules: [
        rule('vip', [cond('keyId', 'Equal', 'vip')]),
        rule('rx', [cond('p', 'MatchRegex', pattern)]),
      ],
    });
    expect(evaluateFlag(f, user('vip', { p: 'ab' })).reason).toBe('vip');
    expect(evaluateFlag(f, user('bob', { p: 'ab' }))).toMatchObject({
      kind: 'error',
      error: { code: 'MALFORMED_FLAG' },
    });
  });

  it('names the cap in the message', () => {
    expect(compileRegex('[ab]{1000}[ab]{1000}')).toMatch(`more than ${MAX_REGEX_PROGRAM_SIZE}`);
  });
});

describe('writes refuse what would freeze a backtracking engine (FeatBit SDKs)', () => {
  it.each([
    ['(a+)+$', 'nested quantifier'],
    ['(x+x+)+y', 'nested quantifier'],
    ['^(\\w+\\s?)*$', 'nested quantifier'],
    ['(.*a){12}', 'nested quantifier'],
    ['(\\d+|[0-9a-f]+)*!', 'nested quantifier'],
    ['(a|aa)+$', 'alternation'],
    ['(.|\\s)*$', 'alternation'],
    ['(?i)(a|A)+$', 'alternation'],
    ['^(a?){25}a{25}$', 'empty string'],
  ])('%s: %s', (pattern, why) => {
    expect(regexProblem(pattern)).toMatch(why);
  });

  it.each([
    '^[a-z]+@example\\.com$',
    '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$',
    '^([a-z0-9-]+\\.)+[a-z]{2,}$',
    '^(\\d+\\.)+\\d+$',
    '^(\\w+\\s)*\\w+$',
    '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$',
    '^(alpha|bravo|charlie)+$',
    '(?i)^abc$',
    '\\d{3}',
    '.*',
  ])('accepts %s', (pattern) => {
    expect(regexProblem(pattern)).toBeNull();
  });

  it('reports the condition value path', () => {
    const problems = validateFlag(regexFlag('(a+)+$'));
    expect(problems.map((p) => `${p.path}: ${p.code}`)).toEqual([
      'rules[0].conditions[0].value: invalid-regex',
    ]);
    expect(problems[0]!.message).toMatch(/exponential time in a backtracking regex engine/);
  });
});

describe("patterns are read in .NET's dialect (FeatBit's server)", () => {
  const matches = (pattern: string, value: string): boolean => {
    const re = compileRegex(pattern);
    if (typeof re === 'string') throw new Error(re);
    return re.test(value);
  };

  it.each([
    ['\\w', 'ë', true],
    ['^[\\w.]+$', 'zoë.x', true],
    ['[\\W]', 'ë', false],
    ['[^\\W]', 'ë', true],
    ['\\d', '\u0967', true],
    ['[\\d]', '\u0967', true],
    ['\\D', '\u0967', false],
    ['[\\s]', '\u3000', true],
    ['[\\S]', '\u3000', false],
    ['a\\Z', 'a\n', true],
    ['a\\Z', 'a\nb', false],
    ['^a$', 'a\n', true],
    ['(?m)^a$', 'a\nb', true],
    ['^\\$5$', '$5', true],
    ['[$]', '$', true],
    ['[\\b]', '\b', true],
    // The two documented differences from .NET: code points, and Unicode simple case folding.
    ['^.$', '\u{1F600}', true],
    ['(?i)k', '\u212A', true],
  ])('%s on %j is %s', (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it('refuses on write what RE2 cannot match as .NET does, naming the construct', () => {
    expect(regexProblem('\\bpro\\b')).toMatch(/\\b cannot be matched as \.NET/);
    expect(regexProblem('\\Bx')).toMatch(/\\B/);
    expect(regexProblem('[\\Wa]')).toMatch(/\\W inside a class with other members/);
    expect(regexProblem('[a-z-[aeiou]]')).toMatch(/class subtraction/);
    expect(compileRegex('[a-z-[aeiou]]')).toMatch(/class subtraction/);
    // Stored patterns with \b still evaluate (RE2's ASCII word boundary).
    expect(typeof compileRegex('\\bpro\\b')).not.toBe('string');
    expect(regexProblem('^[\\w.-]+@[\\w-]+\\.\\w{2,}$')).toBeNull();
  });
});

describe('the engine re2js runs', () => {
  it("still has the one-pass field that compileRegex clears (re2js's internals)", () => {
    const re = compileRegex('^\\d{2}$') as unknown as { re2Input?: Record<string, unknown> };
    expect(re.re2Input).toBeDefined();
    expect('onepass' in re.re2Input!).toBe(true);
    expect(re.re2Input!.onepass).toBeNull();
    expect((re as unknown as { test(s: string): boolean }).test('42')).toBe(true);
  });
});
