// Operator names: FeatBit's exact names plus Vane's additions under new names.

/** FeatBit's operators (OperatorTypes.cs), with FeatBit's exact spelling. */
export const FEATBIT_OPERATORS = [
  'LessThan',
  'LessEqualThan',
  'BiggerThan',
  'BiggerEqualThan',
  'Equal',
  'NotEqual',
  'Contains',
  'NotContain',
  'StartsWith',
  'EndsWith',
  'MatchRegex',
  'NotMatchRegex',
  'IsOneOf',
  'NotOneOf',
  'IsTrue',
  'IsFalse',
] as const;

/** Vane-only operators: semantic versions (SemVer 2.0.0) and instants (ISO 8601 or epoch ms). */
export const VANE_OPERATORS = [
  'SemVerEqual',
  'SemVerNotEqual',
  'SemVerLessThan',
  'SemVerLessEqualThan',
  'SemVerBiggerThan',
  'SemVerBiggerEqualThan',
  'DateBefore',
  'DateAfter',
] as const;

/** A FeatBit operator name. */
export type FeatBitOperator = (typeof FEATBIT_OPERATORS)[number];
/** A Vane extension operator name. */
export type VaneOperator = (typeof VANE_OPERATORS)[number];
/** Any operator the engine knows; other names never match (FeatBit behaviour). */
export type OperatorName = FeatBitOperator | VaneOperator;

const KNOWN = new Set<string>([...FEATBIT_OPERATORS, ...VANE_OPERATORS]);

/** True when `op` is an operator the engine implements. */
export function isKnownOperator(op: string): op is OperatorName {
  return KNOWN.has(op);
}
