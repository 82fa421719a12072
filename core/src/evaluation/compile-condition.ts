import { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT } from '../model/end-user.js';
import type { Condition } from '../model/feature-flag.js';
import type { MatchRule, Segment } from '../model/segment.js';
import { Op } from './compiled-condition.js';
import type { CompiledCondition, CompiledSegment, OpCode } from './compiled-condition.js';
import { parseInstant } from './date-value.js';
import { parseDotNetDouble } from './dotnet-number.js';
import { malformed } from './evaluation-result.js';
import type { DefinitionFault } from './evaluation-result.js';
import { compileRegex } from './safe-regex.js';
import { parseSemVer } from './semver.js';
import { propertyRef } from './user-value.js';

// Compiles conditions once, when a flag or segment is loaded: numbers, lists, regexes,
// versions and segment references are parsed here so that matching allocates nothing.

/** Looks up compiled segments by id while flags are compiled. */
export type SegmentLookup = (id: string) => CompiledSegment | undefined;

const SIMPLE_OPS: Readonly<Record<string, OpCode>> = {
  LessThan: Op.LessThan,
  LessEqualThan: Op.LessEqualThan,
  BiggerThan: Op.BiggerThan,
  BiggerEqualThan: Op.BiggerEqualThan,
  Equal: Op.Equal,
  NotEqual: Op.NotEqual,
  Contains: Op.Contains,
  NotContain: Op.NotContain,
  StartsWith: Op.StartsWith,
  EndsWith: Op.EndsWith,
  MatchRegex: Op.MatchRegex,
  NotMatchRegex: Op.NotMatchRegex,
  IsOneOf: Op.IsOneOf,
  NotOneOf: Op.NotOneOf,
  IsTrue: Op.IsTrue,
  IsFalse: Op.IsFalse,
  SemVerEqual: Op.SemVerEqual,
  SemVerNotEqual: Op.SemVerNotEqual,
  SemVerLessThan: Op.SemVerLessThan,
  SemVerLessEqualThan: Op.SemVerLessEqualThan,
  SemVerBiggerThan: Op.SemVerBiggerThan,
  SemVerBiggerEqualThan: Op.SemVerBiggerEqualThan,
  DateBefore: Op.DateBefore,
  DateAfter: Op.DateAfter,
};

function make(op: OpCode, rest: Partial<CompiledCondition> = {}): CompiledCondition {
  return {
    op,
    prop: rest.prop ?? propertyRef(null),
    text: rest.text ?? '',
    num: rest.num ?? NaN,
    regex: rest.regex ?? null,
    set: rest.set ?? null,
    semver: rest.semver ?? null,
    segments: rest.segments ?? null,
    fault: rest.fault ?? null,
  };
}

function faultCondition(op: OpCode, fault: DefinitionFault): CompiledCondition {
  return make(op, { fault });
}

/**
 * Parses a JSON array of strings the way .NET's JsonSerializer does for `List<string>`:
 * JSON `null` gives null, anything but an array of strings/nulls is an error (a string).
 */
export function parseStringList(text: string): (string | null)[] | null | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (parsed === null) return null;
  if (!Array.isArray(parsed)) return 'is not a JSON array';
  for (const v of parsed) if (v !== null && typeof v !== 'string') return 'holds a non-string item';
  return parsed as (string | null)[];
}

/** Compiles one condition; `segments` is null inside segment rules, where none may nest. */
export function compileCondition(
  condition: Condition,
  path: string,
  segments: SegmentLookup | null,
): CompiledCondition {
  const property: unknown = condition?.property;
  const value: unknown = condition?.value;
  if (segments !== null && (property === IS_IN_SEGMENT || property === IS_NOT_IN_SEGMENT)) {
    const op = property === IS_IN_SEGMENT ? Op.InSegment : Op.NotInSegment;
    if (typeof value !== 'string')
      return faultCondition(
        Op.Fault,
        malformed(`${path}.value must be a JSON array of segment ids`),
      );
    const ids = parseStringList(value);
    if (typeof ids === 'string') return faultCondition(Op.Fault, malformed(`${path}.value ${ids}`));
    const list = (ids ?? []).map((id) => (id === null ? null : (segments(id) ?? null)));
    const missing = (ids ?? []).find((id, i) => list[i] === null);
    return make(op, {
      segments: list,
      fault: list.includes(null)
        ? malformed(`${path}.value references missing segment ${JSON.stringify(missing)}`)
        : null,
    });
  }
  const prop = propertyRef(typeof property === 'string' ? property : null);
  const opName: unknown = condition?.op;
  const op = typeof opName === 'string' ? SIMPLE_OPS[opName] : undefined;
  // FeatBit: an unknown operator or a null value never matches.
  if (op === undefined || value === null || value === undefined) return make(Op.Never);
  if (typeof value !== 'string')
    return faultCondition(Op.Fault, malformed(`${path}.value must be a string`));
  switch (op) {
    case Op.LessThan:
    case Op.LessEqualThan:
    case Op.BiggerThan:
    case Op.BiggerEqualThan: {
      const num = parseDotNetDouble(value);
      return Number.isNaN(num) ? make(Op.Never) : make(op, { prop, num });
    }
    case Op.MatchRegex:
    case Op.NotMatchRegex: {
      const regex = compileRegex(value);
      if (typeof regex === 'string')
        return make(Op.FaultIfValue, { prop, fault: malformed(`${path}.value ${regex}`) });
      return make(op, { prop, regex });
    }
    case Op.IsOneOf:
    case Op.NotOneOf: {
      const list = parseStringList(value);
      if (typeof list === 'string')
        return make(Op.FaultIfValue, { prop, fault: malformed(`${path}.value ${list}`) });
      if (list === null) return op === Op.IsOneOf ? make(Op.Never) : make(Op.AnyValue, { prop });
      return make(op, { prop, set: new Set(list.filter((v): v is string => v !== null)) });
    }
    case Op.SemVerEqual:
    case Op.SemVerNotEqual:
    case Op.SemVerLessThan:
    case Op.SemVerLessEqualThan:
    case Op.SemVerBiggerThan:
    case Op.SemVerBiggerEqualThan: {
      const semver = parseSemVer(value);
      return semver === null ? make(Op.Never) : make(op, { prop, semver });
    }
    case Op.DateBefore:
    case Op.DateAfter: {
      const num = parseInstant(value);
      return Number.isNaN(num) ? make(Op.Never) : make(op, { prop, num });
    }
    default:
      return make(op, { prop, text: value });
  }
}

/** Compiles a segment; its rule conditions use plain operators only, as in FeatBit. */
export function compileSegment(segment: Segment): CompiledSegment {
  const strings = (xs: unknown): Set<string> =>
    new Set(Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string') : []);
  const rules: readonly MatchRule[] = Array.isArray(segment.rules) ? segment.rules : [];
  return {
    id: segment.id,
    excluded: strings(segment.excluded),
    included: strings(segment.included),
    rules: rules.map((rule, r) => {
      const list: unknown = (rule as MatchRule | null)?.conditions;
      const conditions = Array.isArray(list) ? (list as readonly Condition[]) : [];
      return conditions.map((c: Condition, i: number) =>
        compileCondition(c, `segment(${segment.id}).rules[${r}].conditions[${i}]`, null),
      );
    }),
  };
}
