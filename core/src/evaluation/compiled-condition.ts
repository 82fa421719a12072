import type { DefinitionFault } from './evaluation-result.js';
import type { SafeRegex } from './safe-regex.js';
import type { SemVer } from './semver.js';
import type { PropertyRef } from './user-value.js';

// The compiled form of conditions and segments, shared by the compiler and the matcher.
// Every compiled condition has the same shape so that the matcher's property reads stay
// monomorphic; unused fields hold neutral values.

/** Operation codes of compiled conditions. */
export const Op = {
  Never: 0,
  LessThan: 1,
  LessEqualThan: 2,
  BiggerThan: 3,
  BiggerEqualThan: 4,
  Equal: 5,
  NotEqual: 6,
  Contains: 7,
  NotContain: 8,
  StartsWith: 9,
  EndsWith: 10,
  MatchRegex: 11,
  NotMatchRegex: 12,
  IsOneOf: 13,
  NotOneOf: 14,
  IsTrue: 15,
  IsFalse: 16,
  SemVerEqual: 17,
  SemVerNotEqual: 18,
  SemVerLessThan: 19,
  SemVerLessEqualThan: 20,
  SemVerBiggerThan: 21,
  SemVerBiggerEqualThan: 22,
  DateBefore: 23,
  DateAfter: 24,
  InSegment: 25,
  NotInSegment: 26,
  /** Matches whenever the user has a value (FeatBit's NotOneOf against JSON `null`). */
  AnyValue: 27,
  /** Malformed where FeatBit throws only once the user has a value (regex, list JSON). */
  FaultIfValue: 28,
  /** Malformed where FeatBit always throws (segment list JSON, missing segment data). */
  Fault: 29,
} as const;

/** One of the `Op` codes. */
export type OpCode = (typeof Op)[keyof typeof Op];

/** A condition with its operand parsed once, at compile time. */
export interface CompiledCondition {
  readonly op: OpCode;
  readonly prop: PropertyRef;
  readonly text: string;
  readonly num: number;
  readonly regex: SafeRegex | null;
  readonly set: ReadonlySet<string> | null;
  readonly semver: SemVer | null;
  /** Segment conditions: the referenced segments in order; null marks a missing one. */
  readonly segments: readonly (CompiledSegment | null)[] | null;
  readonly fault: DefinitionFault | null;
}

/** A segment ready for matching: excluded, then included, then any rule. */
export interface CompiledSegment {
  readonly id: string;
  readonly excluded: ReadonlySet<string>;
  readonly included: ReadonlySet<string>;
  readonly rules: readonly (readonly CompiledCondition[])[];
}
