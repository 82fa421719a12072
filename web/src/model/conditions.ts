// The condition builder's model: every operator of `core/`, with how its operand is edited, and
// the mapping between the builder's drafts and the proto `Condition` (JSON-array operands).
import {
  FEATBIT_OPERATORS,
  IS_IN_SEGMENT,
  IS_NOT_IN_SEGMENT,
  VANE_OPERATORS,
  regexProblem,
} from '@vane/core';
import type { OperatorName } from '@vane/core';
import type { Condition } from '@vane/gen/web/vane/model/v1/targeting';

/** How an operator's operand is edited. */
export type OperandKind = 'list' | 'text' | 'number' | 'regex' | 'none' | 'semver' | 'instant';

/** One operator as the builder shows it. */
export interface OperatorInfo {
  readonly op: OperatorName;
  readonly label: string;
  readonly operand: OperandKind;
}

const INFO: Record<OperatorName, [string, OperandKind]> = {
  IsOneOf: ['is one of', 'list'],
  NotOneOf: ['is not one of', 'list'],
  Equal: ['equals', 'text'],
  NotEqual: ['does not equal', 'text'],
  LessThan: ['<', 'number'],
  LessEqualThan: ['≤', 'number'],
  BiggerThan: ['>', 'number'],
  BiggerEqualThan: ['≥', 'number'],
  Contains: ['contains', 'text'],
  NotContain: ['does not contain', 'text'],
  StartsWith: ['starts with', 'text'],
  EndsWith: ['ends with', 'text'],
  MatchRegex: ['matches regex', 'regex'],
  NotMatchRegex: ['does not match regex', 'regex'],
  IsTrue: ['is true', 'none'],
  IsFalse: ['is false', 'none'],
  SemVerEqual: ['version =', 'semver'],
  SemVerNotEqual: ['version ≠', 'semver'],
  SemVerLessThan: ['version <', 'semver'],
  SemVerLessEqualThan: ['version ≤', 'semver'],
  SemVerBiggerThan: ['version >', 'semver'],
  SemVerBiggerEqualThan: ['version ≥', 'semver'],
  DateBefore: ['is before (date)', 'instant'],
  DateAfter: ['is after (date)', 'instant'],
};

/** Every operator the engine knows, FeatBit's first, in the builder's order. */
export const OPERATORS: readonly OperatorInfo[] = [...FEATBIT_OPERATORS, ...VANE_OPERATORS].map(
  (op) => ({ op, label: INFO[op][0], operand: INFO[op][1] }),
);

/** The operator's info, or undefined for a name the engine does not know. */
export function operatorInfo(op: string): OperatorInfo | undefined {
  return OPERATORS.find((o) => o.op === op);
}

/** A condition on a user attribute, as edited. `values` is used by list operators. */
export interface AttributeCondition {
  readonly kind: 'attribute';
  readonly id: string;
  readonly property: string;
  readonly op: string;
  readonly value: string;
  readonly values: readonly string[];
}

/** A segment condition, as edited: the user is (or is not) in any of the segments. */
export interface SegmentCondition {
  readonly kind: 'segment';
  readonly id: string;
  readonly negate: boolean;
  readonly segmentIds: readonly string[];
}

/** A condition as the builder edits it. */
export type ConditionDraft = AttributeCondition | SegmentCondition;

/** Parses a JSON array of strings; anything else gives undefined. */
export function parseStringList(text: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) return parsed;
  } catch {
    // not JSON
  }
  return undefined;
}

/** The builder's draft of a stored condition. Unparseable lists keep their raw text as `value`. */
export function conditionFromProto(c: Condition): ConditionDraft {
  if (c.property === IS_IN_SEGMENT || c.property === IS_NOT_IN_SEGMENT) {
    return {
      kind: 'segment',
      id: c.id,
      negate: c.property === IS_NOT_IN_SEGMENT,
      segmentIds: parseStringList(c.value) ?? [],
    };
  }
  const list = operatorInfo(c.op)?.operand === 'list' ? parseStringList(c.value) : undefined;
  return {
    kind: 'attribute',
    id: c.id,
    property: c.property,
    op: c.op,
    value: list ? '' : c.value,
    values: list ?? [],
  };
}

/** The proto condition a draft saves as. */
export function conditionToProto(d: ConditionDraft): Condition {
  if (d.kind === 'segment') {
    return {
      id: d.id,
      property: d.negate ? IS_NOT_IN_SEGMENT : IS_IN_SEGMENT,
      op: '',
      value: JSON.stringify(d.segmentIds),
    };
  }
  const operand = operatorInfo(d.op)?.operand;
  const value =
    operand === 'list' ? JSON.stringify(d.values) : operand === 'none' ? '' : d.value.trim();
  return { id: d.id, property: d.property.trim(), op: d.op, value };
}

/** A new, empty attribute condition. */
export function newAttributeCondition(id: string): AttributeCondition {
  return { kind: 'attribute', id, property: 'keyId', op: 'IsOneOf', value: '', values: [] };
}

/** A new segment condition on no segment yet. */
export function newSegmentCondition(id: string): SegmentCondition {
  return { kind: 'segment', id, negate: false, segmentIds: [] };
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** What is wrong with a condition, keyed by its field (`property`, `op`, `value`); empty if valid. */
export function conditionProblems(
  d: ConditionDraft,
  allowSegments: boolean,
): Partial<Record<'property' | 'op' | 'value', string>> {
  if (d.kind === 'segment') {
    if (!allowSegments) return { property: 'Segment conditions are not allowed here.' };
    return d.segmentIds.length === 0 ? { value: 'Choose at least one segment.' } : {};
  }
  const out: Partial<Record<'property' | 'op' | 'value', string>> = {};
  if (d.property.trim() === '') out.property = 'Name the attribute to test.';
  const info = operatorInfo(d.op);
  if (!info) {
    out.op = 'Choose an operator.';
    return out;
  }
  const v = d.value.trim();
  switch (info.operand) {
    case 'list':
      if (d.values.length === 0) out.value = 'Add at least one value.';
      break;
    case 'number':
      if (v === '' || !Number.isFinite(Number(v))) out.value = 'Enter a number.';
      break;
    case 'regex':
      {
        // The server's own check (RE2 syntax, no patterns that freeze a backtracking engine).
        const problem = regexProblem(v);
        if (problem !== null) out.value = `This pattern ${problem}.`;
      }
      break;
    case 'semver':
      if (!SEMVER.test(v)) out.value = 'Enter a version such as 1.4.0.';
      break;
    case 'instant':
      if (!/^\d+$/.test(v) && !RFC3339.test(v))
        out.value = 'Enter a date such as 2026-01-31T00:00:00Z (or milliseconds since 1970).';
      break;
    case 'text':
      break;
    case 'none':
      break;
  }
  return out;
}
