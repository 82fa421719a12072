// A coarse syntax tree of an RE2 pattern, enough to reason about how a backtracking engine
// would run it: characters become code-point sets, assertions become empty nodes, groups
// disappear. Call it only on a pattern that `compileRegex` accepted: it assumes valid syntax
// and reads anything unusual conservatively (a wider set, never a narrower one).

/** Sorted, possibly overlapping inclusive code-point ranges. */
export type CharSet = readonly (readonly [number, number])[];

/** A node of the tree. */
export type RegexNode =
  | { readonly kind: 'set'; readonly chars: CharSet }
  | { readonly kind: 'empty' }
  | { readonly kind: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly branches: readonly RegexNode[] }
  | { readonly kind: 'rep'; readonly body: RegexNode; readonly min: number; readonly max: number };

const MAX_CODE_POINT = 0x10ffff;
const ANY: CharSet = [[0, MAX_CODE_POINT]];
const DIGIT: CharSet = [[0x30, 0x39]];
const WORD: CharSet = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: CharSet = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };

/** The code points not in `set`. */
function complement(set: CharSet): CharSet {
  const sorted = [...set].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** Adds the other ASCII case of every letter in the set (for `(?i)`). */
function foldAscii(set: CharSet): CharSet {
  const out: [number, number][] = set.map(([lo, hi]) => [lo, hi]);
  for (const [lo, hi] of set) {
    for (const [from, to, shift] of [
      [0x41, 0x5a, 32],
      [0x61, 0x7a, -32],
    ] as const) {
      const a = Math.max(lo, from);
      const b = Math.min(hi, to);
      if (a <= b) out.push([a + shift, b + shift]);
    }
  }
  return out;
}

function isNode(x: CharSet | RegexNode): x is RegexNode {
  return 'kind' in x;
}

/** Parses an RE2 pattern; `(?i)` anywhere folds ASCII case in every set (conservative). */
export function parseRegexTree(pattern: string): RegexNode {
  const ci = /\(\?[a-zA-Z]*i/.test(pattern);
  const cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  let pos = 0;
  const peek = (): string | undefined =>
    pos < cps.length ? String.fromCodePoint(cps[pos]!) : undefined;
  const set = (chars: CharSet): RegexNode => ({
    kind: 'set',
    chars: ci ? foldAscii(chars) : chars,
  });

  function hexUntil(close: string): number {
    let text = '';
    while (pos < cps.length && peek() !== close) text += String.fromCodePoint(cps[pos++]!);
    pos++;
    return parseInt(text, 16);
  }

  /** An escape after `\`: a set, an assertion (null) or a literal sequence (`\Q…\E`). */
  function escape(): CharSet | null | RegexNode {
    const c = peek() ?? '\\';
    pos++;
    if (c === 'd' || c === 'D') return c === 'd' ? DIGIT : complement(DIGIT);
    if (c === 'w' || c === 'W') return c === 'w' ? WORD : complement(WORD);
    if (c === 's' || c === 'S') return c === 's' ? SPACE : complement(SPACE);
    if (c === 'p' || c === 'P') {
      if (peek() === '{') hexUntil('}');
      else pos++;
      return ANY; // a Unicode class: read as any character (conservative)
    }
    if ('bBAz'.includes(c)) return null;
    if (c === 'x') {
      if (peek() === '{') {
        pos++;
        const cp = hexUntil('}');
        return [[cp, cp]];
      }
      const cp = parseInt(String.fromCodePoint(...cps.slice(pos, pos + 2)), 16);
      pos += 2;
      return [[cp, cp]];
    }
    if (c === 'Q') {
      const items: RegexNode[] = [];
      while (pos < cps.length && !(peek() === '\\' && cps[pos + 1] === 0x45)) {
        const cp = cps[pos++]!;
        items.push(set([[cp, cp]]));
      }
      pos += 2;
      return { kind: 'seq', items };
    }
    if (c >= '0' && c <= '7') return ANY; // an octal escape: any character (conservative)
    const cp = ESCAPES[c] ?? c.codePointAt(0)!;
    return [[cp, cp]];
  }

  function charClass(): CharSet {
    const negated = peek() === '^';
    if (negated) pos++;
    const ranges: (readonly [number, number])[] = [];
    let first = true;
    while (pos < cps.length && (peek() !== ']' || first)) {
      first = false;
      if (peek() === '[' && cps[pos + 1] === 0x3a) {
        pos = findFrom(':]') + 2;
        ranges.push(...ANY); // a POSIX class: any character (conservative)
        continue;
      }
      const lo = classChar(ranges);
      if (lo === null) continue;
      if (peek() === '-' && cps[pos + 1] !== undefined && cps[pos + 1] !== 0x5d) {
        pos++;
        const hi = classChar(ranges);
        ranges.push([lo, hi ?? lo]);
      } else ranges.push([lo, lo]);
    }
    pos++;
    const chars = negated ? complement(ranges) : ranges;
    return ci ? foldAscii(chars) : chars;
  }

  function findFrom(text: string): number {
    const rest = String.fromCodePoint(...cps.slice(pos));
    const i = rest.indexOf(text);
    return i < 0 ? cps.length : pos + Array.from(rest.slice(0, i)).length;
  }

  /** One class member: a code point, or null after adding a multi-character escape. */
  function classChar(ranges: (readonly [number, number])[]): number | null {
    const cp = cps[pos++]!;
    if (cp !== 0x5c) return cp;
    const e = escape();
    if (e === null || isNode(e)) return null;
    if (e.length === 1 && e[0]![0] === e[0]![1]) return e[0]![0];
    ranges.push(...e);
    return null;
  }

  function quantifier(): [number, number] | null {
    const c = peek();
    if (c === '*' || c === '+' || c === '?') {
      pos++;
      return [c === '+' ? 1 : 0, c === '?' ? 1 : Infinity];
    }
    if (c !== '{') return null;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(String.fromCodePoint(...cps.slice(pos, pos + 12)));
    if (m === null) return null;
    pos += m[0].length;
    const min = Number(m[1]);
    return [min, m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])];
  }

  function atom(): RegexNode {
    const c = peek()!;
    pos++;
    if (c === '(') {
      if (peek() === '?') {
        const flags = /^\?[a-zA-Z-]*\)/.exec(String.fromCodePoint(...cps.slice(pos, pos + 12)));
        if (flags !== null) {
          pos += flags[0].length;
          return { kind: 'empty' };
        }
        while (pos < cps.length && peek() !== ':' && peek() !== '>') pos++;
        pos++;
      }
      const inner = alternation();
      pos++; // ')'
      return inner;
    }
    if (c === '[') return set(charClass());
    if (c === '.') return set(ANY);
    if (c === '^' || c === '$') return { kind: 'empty' };
    if (c === '\\') {
      const e = escape();
      if (e === null) return { kind: 'empty' };
      return isNode(e) ? e : set(e);
    }
    const cp = c.codePointAt(0)!;
    return set([[cp, cp]]);
  }

  function sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (pos < cps.length && peek() !== '|' && peek() !== ')') {
      let node = atom();
      for (let q = quantifier(); q !== null; q = quantifier()) {
        if (peek() === '?') pos++; // lazy: same set of paths
        node = { kind: 'rep', body: node, min: q[0], max: q[1] };
      }
      items.push(node);
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  function alternation(): RegexNode {
    const branches = [sequence()];
    while (peek() === '|') {
      pos++;
      branches.push(sequence());
    }
    return branches.length === 1 ? branches[0]! : { kind: 'alt', branches };
  }

  return alternation();
}
