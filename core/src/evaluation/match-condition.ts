import type { EndUser } from '../model/end-user.js';
import { Op } from './compiled-condition.js';
import type { CompiledCondition, CompiledSegment } from './compiled-condition.js';
import { parseInstant } from './date-value.js';
import { parseDotNetDouble } from './dotnet-number.js';
import { compareSemVer, parseSemVer } from './semver.js';
import { valueOf } from './user-value.js';

// Matching of compiled conditions against a user, with FeatBit's .NET semantics: a null
// user value never matches; unknown operators never match; malformed parts throw the
// compiled DefinitionFault, which the evaluator turns into an error result.

/** True when every condition matches (an empty list matches, as in FeatBit). */
export function matchAll(conditions: readonly CompiledCondition[], user: EndUser): boolean {
  for (let i = 0; i < conditions.length; i++) {
    if (!matchCondition(conditions[i]!, user)) return false;
  }
  return true;
}

/** True when the user is in the segment: excluded, then included, then any of its rules. */
export function matchSegment(segment: CompiledSegment, user: EndUser): boolean {
  const key = user.keyId;
  if (segment.excluded.has(key)) return false;
  if (segment.included.has(key)) return true;
  const rules = segment.rules;
  for (let i = 0; i < rules.length; i++) {
    if (matchAll(rules[i]!, user)) return true;
  }
  return false;
}

function matchAnySegment(c: CompiledCondition, user: EndUser): boolean {
  const segments = c.segments!;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === null) throw c.fault!;
    if (matchSegment(s, user)) return true;
  }
  return false;
}

/**
 * .NET's `Equals(upper, StringComparison.OrdinalIgnoreCase)` for an ASCII upper-case word: only
 * ASCII letters fold. JavaScript's `toUpperCase()` also folds `ſ` (U+017F) to `S` and `ı`
 * (U+0131) to `I`, which .NET's ordinal casing leaves as they are (`"falſe"` is not false).
 */
function isTextIgnoringCase(v: string, upper: string): boolean {
  if (v.length !== upper.length) return false;
  for (let i = 0; i < v.length; i++) {
    let c = v.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== upper.charCodeAt(i)) return false;
  }
  return true;
}

/** Matches one compiled condition against the user. */
export function matchCondition(c: CompiledCondition, user: EndUser): boolean {
  const op = c.op;
  if (op === Op.InSegment) return matchAnySegment(c, user);
  if (op === Op.NotInSegment) return !matchAnySegment(c, user);
  if (op === Op.Never) return false;
  if (op === Op.Fault) throw c.fault!;
  const v = valueOf(user, c.prop);
  if (v === null) return false;
  switch (op) {
    case Op.Equal:
      return v === c.text;
    case Op.NotEqual:
      return v !== c.text;
    case Op.Contains:
      return v.includes(c.text);
    case Op.NotContain:
      return !v.includes(c.text);
    case Op.StartsWith:
      return v.startsWith(c.text);
    case Op.EndsWith:
      return v.endsWith(c.text);
    case Op.IsOneOf:
      return c.set!.has(v);
    case Op.NotOneOf:
      return !c.set!.has(v);
    case Op.LessThan:
    case Op.LessEqualThan:
    case Op.BiggerThan:
    case Op.BiggerEqualThan:
      return compareNumber(op, parseDotNetDouble(v), c.num);
    case Op.MatchRegex:
      return c.regex!.test(v);
    case Op.NotMatchRegex:
      return !c.regex!.test(v);
    case Op.IsTrue:
      return isTextIgnoringCase(v, 'TRUE');
    case Op.IsFalse:
      return isTextIgnoringCase(v, 'FALSE');
    case Op.AnyValue:
      return true;
    case Op.FaultIfValue:
      throw c.fault!;
    case Op.DateBefore:
    case Op.DateAfter: {
      const t = parseInstant(v);
      if (Number.isNaN(t)) return false;
      return op === Op.DateBefore ? t < c.num : t > c.num;
    }
    default:
      return matchSemVer(op, v, c);
  }
}

function compareNumber(op: number, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  switch (op) {
    case Op.LessThan:
      return a < b;
    case Op.LessEqualThan:
      return a <= b;
    case Op.BiggerThan:
      return a > b;
    default:
      return a >= b;
  }
}

function matchSemVer(op: number, v: string, c: CompiledCondition): boolean {
  const parsed = parseSemVer(v);
  if (parsed === null) return false;
  const r = compareSemVer(parsed, c.semver!);
  switch (op) {
    case Op.SemVerEqual:
      return r === 0;
    case Op.SemVerNotEqual:
      return r !== 0;
    case Op.SemVerLessThan:
      return r < 0;
    case Op.SemVerLessEqualThan:
      return r <= 0;
    case Op.SemVerBiggerThan:
      return r > 0;
    case Op.SemVerBiggerEqualThan:
      return r >= 0;
    default:
      return false;
  }
}
