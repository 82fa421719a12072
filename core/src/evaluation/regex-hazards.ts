import { parseRegexTree } from './regex-tree.js';
import type { CharSet, RegexNode } from './regex-tree.js';

// The write-time check for backtracking engines. Vane itself matches in linear time
// (safe-regex.ts), but FeatBit's server SDKs evaluate the same patterns with backtracking
// engines (.NET, Java, Python, Node), where a repeated part that can split one input in many
// ways takes exponential time. This check refuses the shapes that do so. It is conservative: a
// few safe patterns are refused too (see core/README.md), and polynomial cases such as
// `.*a.*a.*b` are not looked for.

function overlaps(a: CharSet, b: CharSet): boolean {
  return a.some(([lo, hi]) => b.some(([l, h]) => lo <= h && l <= hi));
}

function nullable(n: RegexNode): boolean {
  switch (n.kind) {
    case 'set':
      return false;
    case 'empty':
      return true;
    case 'seq':
      return n.items.every(nullable);
    case 'alt':
      return n.branches.some(nullable);
    case 'rep':
      return n.min === 0 || nullable(n.body);
  }
}

/** Whether the node can match a non-empty string. */
function consumes(n: RegexNode): boolean {
  switch (n.kind) {
    case 'set':
      return true;
    case 'empty':
      return false;
    case 'seq':
      return n.items.some(consumes);
    case 'alt':
      return n.branches.some(consumes);
    case 'rep':
      return n.max > 0 && consumes(n.body);
  }
}

/** The characters a match of the node can start with. */
function firstChars(n: RegexNode): CharSet {
  switch (n.kind) {
    case 'set':
      return n.chars;
    case 'empty':
      return [];
    case 'seq': {
      const out: (readonly [number, number])[] = [];
      for (const item of n.items) {
        out.push(...firstChars(item));
        if (!nullable(item)) break;
      }
      return out;
    }
    case 'alt':
      return n.branches.flatMap(firstChars);
    case 'rep':
      return n.max > 0 ? firstChars(n.body) : [];
  }
}

/** The characters consumed by repetitions (max > 1) anywhere inside the node. */
function repeatedChars(n: RegexNode): CharSet {
  switch (n.kind) {
    case 'set':
    case 'empty':
      return [];
    case 'seq':
      return n.items.flatMap(repeatedChars);
    case 'alt':
      return n.branches.flatMap(repeatedChars);
    case 'rep':
      return n.max > 1 ? allChars(n.body) : repeatedChars(n.body);
  }
}

function allChars(n: RegexNode): CharSet {
  switch (n.kind) {
    case 'set':
      return n.chars;
    case 'empty':
      return [];
    case 'seq':
      return n.items.flatMap(allChars);
    case 'alt':
      return n.branches.flatMap(allChars);
    case 'rep':
      return n.max > 0 ? allChars(n.body) : [];
  }
}

/** Characters every match of the node must contain at its top level (a delimiter). */
function mandatorySets(n: RegexNode): CharSet[] {
  if (n.kind === 'set') return [n.chars];
  if (n.kind === 'seq') return n.items.flatMap(mandatorySets);
  if (n.kind === 'rep' && n.min >= 1 && n.max === 1) return mandatorySets(n.body);
  return [];
}

/** Why repeating `body` up to `max` times lets a backtracking engine split one input many ways. */
function repeatHazard(body: RegexNode): string | null {
  if (!consumes(body)) return null;
  if (nullable(body)) return 'a repeated group that can also match the empty string';
  const inner = repeatedChars(body);
  if (inner.length > 0 && !mandatorySets(body).some((d) => !overlaps(d, inner)))
    return 'a nested quantifier (a repeated group containing a repetition, with no delimiter between iterations)';
  if (body.kind === 'alt') {
    const firsts = body.branches.map(firstChars);
    for (let i = 0; i < firsts.length; i++)
      for (let j = i + 1; j < firsts.length; j++)
        if (overlaps(firsts[i]!, firsts[j]!))
          return 'a repeated alternation whose branches can start with the same character';
  }
  return null;
}

function findHazard(n: RegexNode): string | null {
  switch (n.kind) {
    case 'set':
    case 'empty':
      return null;
    case 'seq':
      return firstOf(n.items);
    case 'alt':
      return firstOf(n.branches);
    case 'rep':
      return (n.max > 1 ? repeatHazard(n.body) : null) ?? findHazard(n.body);
  }
}

function firstOf(nodes: readonly RegexNode[]): string | null {
  for (const node of nodes) {
    const hazard = findHazard(node);
    if (hazard !== null) return hazard;
  }
  return null;
}

/**
 * Says why a pattern (one `compileRegex` accepted) could take exponential time in a
 * backtracking regex engine, or null when none of the known shapes is present.
 */
export function backtrackingHazard(pattern: string): string | null {
  return findHazard(parseRegexTree(pattern));
}
