// The worst regular expressions known for each engine, with 10 KB inputs that make them work.
// `kind` says why a pattern is bad: exponential or polynomial backtracking (bad for a
// backtracking engine such as JavaScript's RegExp, which Vane used before), or a large
// ambiguous program that defeats RE2's DFA cache (the worst case of the linear engine).

/** One pattern and its inputs. */
export interface EvilPattern {
  readonly name: string;
  readonly pattern: string;
  readonly kind: 'exponential' | 'polynomial' | 'linear-worst';
  /** A few different inputs of about 10 KB (different inputs defeat any per-input cache). */
  readonly inputs: (length: number) => string[];
  /** Whether the pattern matches the inputs. */
  readonly matches: boolean;
}

/** 10 KB, the input size of issue 14. */
export const INPUT_LENGTH = 10_240;

let seed = 14;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const repeat = (unit: string, tail: string) => (n: number) =>
  Array.from({ length: 4 }, (_, i) => unit.repeat(n - tail.length - i) + tail);
/** Random a/b text with an 'a' 901 characters from the end, so `[ab]*a[ab]{900}$` matches. */
const randomAb = (n: number): string[] =>
  Array.from({ length: 4 }, () =>
    Array.from({ length: n }, (_, i) => (i === n - 901 || random() < 0.5 ? 'a' : 'b')).join(''),
  );

/** The patterns, worst first for backtracking engines. */
export const EVIL_PATTERNS: readonly EvilPattern[] = [
  {
    name: 'nested quantifier',
    pattern: '(a+)+$',
    kind: 'exponential',
    inputs: repeat('a', '!'),
    matches: false,
  },
  {
    name: 'nested, 3 deep',
    pattern: '((a*)*)*b',
    kind: 'exponential',
    inputs: repeat('a', ''),
    matches: false,
  },
  {
    name: 'overlapping alternation',
    pattern: '(a|aa)+$',
    kind: 'exponential',
    inputs: repeat('a', '!'),
    matches: false,
  },
  {
    name: 'words and spaces',
    pattern: '^(\\w+\\s?)*$',
    kind: 'exponential',
    inputs: repeat('a', '!'),
    matches: false,
  },
  {
    name: 'alternation with class',
    pattern: '(\\d+|[0-9a-f]+)*!$',
    kind: 'exponential',
    inputs: repeat('1', 'x'),
    matches: false,
  },
  {
    name: 'repeated optional',
    pattern: '^(a?){22}a{22}$',
    kind: 'exponential',
    inputs: repeat('a', ''),
    matches: false,
  },
  {
    name: 'dot-star chain',
    pattern: '(.*a){12}!',
    kind: 'polynomial',
    inputs: repeat('a', ''),
    matches: false,
  },
  {
    name: 'unanchored email',
    pattern: '[a-z]+@[a-z]+\\.com',
    kind: 'polynomial',
    inputs: repeat('a', ''),
    matches: false,
  },
  {
    name: 'ambiguous counter',
    pattern: '[ab]*a[ab]{900}$',
    kind: 'linear-worst',
    inputs: randomAb,
    matches: true,
  },
];
