import { RE2JS } from 're2js';
import { translateDotNetRegex } from './dotnet-regex.js';
import { backtrackingHazard } from './regex-hazards.js';

// Every regex core runs goes through this module. It compiles with re2js, a port of RE2:
// matching is an automaton (lazy DFA, NFA fallback) and never backtracks, so one match costs
// at most O(input length × program size). The program size is capped here, at compile time,
// so the bound holds for every path a pattern takes into core (admin API, import, journal,
// Kafka, Redis cache), not only for what validation saw.

/** The largest compiled program (RE2's instruction count) a pattern may have. */
export const MAX_REGEX_PROGRAM_SIZE = 1000;

/** A compiled pattern: `test` says whether it matches anywhere in the input. */
export interface SafeRegex {
  test(input: string): boolean;
}

/**
 * Compiles a condition's pattern for a linear-time engine; returns a message (a string) when
 * the pattern is malformed, uses what a linear engine cannot run (backreferences, lookaround),
 * or is larger than `MAX_REGEX_PROGRAM_SIZE`. The pattern is read as .NET reads it (FeatBit's
 * server): `\w`, `\d`, `\s` are Unicode classes, `$` and `\Z` also match before a final newline
 * (see dotnet-regex.ts). JavaScript spellings `\uXXXX`, `\u{X}`, `\cX` and `(?<name>…)` are read
 * as RE2's `\x{X}`, `(?P<name>…)`; inline options such as `(?i)` work anywhere in the pattern.
 */
export function compileRegex(pattern: string): SafeRegex | string {
  const syntax = toRe2Syntax(pattern);
  if (typeof syntax !== 'string') return syntax.problem;
  let re: RE2JS;
  try {
    re = RE2JS.compile(syntax);
  } catch (e) {
    return `is not a valid regular expression (${describe(e)})`;
  }
  const size = re.programSize();
  if (size > MAX_REGEX_PROGRAM_SIZE)
    return `is too complex: its program has ${size} instructions, more than ${MAX_REGEX_PROGRAM_SIZE}`;
  preferDfa(re);
  return re;
}

/**
 * re2js 2.10 runs a "one-pass" pattern (most anchored ones, e.g. `^\d{2}$`) on its one-pass
 * engine even when no capture is asked for, and that engine costs 2–4× its lazy DFA per match
 * here (`^[\w.+-]+@example\.com$` on a 17-character e-mail: 698 ns against 213 ns). `test` asks
 * for no capture, so dropping the one-pass program sends it to the DFA, with RE2's linear
 * fallbacks (bit-state backtracker, NFA) when the DFA gives up. Both are linear-time: only the
 * constant changes. The field is re2js's own; `safe-regex.test.ts` checks it is still there.
 */
function preferDfa(re: RE2JS): void {
  const engine = (re as unknown as { re2Input?: { onepass?: unknown } }).re2Input;
  if (engine !== undefined && engine !== null && 'onepass' in engine) engine.onepass = null;
}

function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^error parsing regexp: /, '');
}

function toRe2Syntax(pattern: string): string | { problem: string } {
  const dotnet = translateDotNetRegex(pattern);
  if (typeof dotnet === 'string') return { problem: dotnet };
  return RE2JS.translateRegExp(dotnet.re2);
}

/**
 * What a write must refuse in a pattern, or null: what `compileRegex` refuses, what RE2 cannot
 * match as .NET does (`\b`, `\B`, `\W`/`\S` among other class members), and the shapes that would
 * take exponential time in the backtracking regex engines of FeatBit's SDKs, which evaluate the
 * same patterns themselves.
 */
export function regexProblem(pattern: string): string | null {
  const compiled = compileRegex(pattern);
  if (typeof compiled === 'string') return compiled;
  const dotnet = translateDotNetRegex(pattern);
  if (typeof dotnet !== 'string' && dotnet.unfaithful.length > 0) {
    const boundary = dotnet.unfaithful.some((u) => u === '\\b' || u === '\\B');
    const hint = boundary
      ? 'spell the boundary out, e.g. (^|[^\\p{L}\\p{Nd}_])word($|[^\\p{L}\\p{Nd}_]) for \\bword\\b'
      : 'use an alternation, e.g. (?:\\W|a) for [\\Wa]';
    return `is refused: ${dotnet.unfaithful.join(', ')} cannot be matched as .NET matches it (Unicode word characters and white space) in a linear-time engine; ${hint}`;
  }
  // The shapes are those of the pattern as written (its classes read as RE2's ASCII ones, which
  // the delimiter analysis understands); the Unicode rewrite does not change them.
  const hazard = backtrackingHazard(RE2JS.translateRegExp(pattern));
  return hazard === null
    ? null
    : `is refused: ${hazard} can take exponential time in a backtracking regex engine (FeatBit SDKs)`;
}
