// The numbers of the `vane.model.v1` enums that the mapping uses, and their one table each
// (proto-mapping.test.ts checks them against what buf generated for Node and for browsers).
import type { EvaluationKind } from '../evaluation/evaluation-result.js';
import type { VariationType } from '../model/feature-flag.js';

/** `vane.model.v1.VariationType`. */
export const VARIATION_TYPE = {
  UNSPECIFIED: 0,
  BOOLEAN: 1,
  STRING: 2,
  NUMBER: 3,
  JSON: 4,
} as const;

/** `vane.model.v1.EvaluationReasonKind`. */
export const EVALUATION_REASON_KIND = {
  UNSPECIFIED: 0,
  DISABLED: 1,
  PREREQUISITE_FAILED: 2,
  TARGETED: 3,
  RULE_MATCH: 4,
  FALLTHROUGH: 5,
  ARCHIVED: 6,
  ERROR: 7,
} as const;

const TYPE_TO_PROTO: Record<VariationType, number> = {
  boolean: VARIATION_TYPE.BOOLEAN,
  string: VARIATION_TYPE.STRING,
  number: VARIATION_TYPE.NUMBER,
  json: VARIATION_TYPE.JSON,
};
const TYPE_FROM_PROTO = new Map<number, VariationType>(
  Object.entries(TYPE_TO_PROTO).map(([type, n]) => [n, type as VariationType]),
);

/** The `VariationType` number of a core variation type. */
export function variationTypeToProto(type: VariationType): number {
  return TYPE_TO_PROTO[type] ?? VARIATION_TYPE.UNSPECIFIED;
}

/** The core variation type of a `VariationType` number; undefined for UNSPECIFIED or unknown. */
export function variationTypeFromProto(type: number): VariationType | undefined {
  return TYPE_FROM_PROTO.get(type);
}

const REASON_KIND: Record<EvaluationKind, number> = {
  archived: EVALUATION_REASON_KIND.ARCHIVED,
  off: EVALUATION_REASON_KIND.DISABLED,
  'prerequisite-failed': EVALUATION_REASON_KIND.PREREQUISITE_FAILED,
  targeted: EVALUATION_REASON_KIND.TARGETED,
  rule: EVALUATION_REASON_KIND.RULE_MATCH,
  fallthrough: EVALUATION_REASON_KIND.FALLTHROUGH,
  'flag-not-found': EVALUATION_REASON_KIND.ERROR,
  error: EVALUATION_REASON_KIND.ERROR,
};

/** The `EvaluationReasonKind` number of a core evaluation kind. */
export function reasonKindToProto(kind: EvaluationKind): number {
  return REASON_KIND[kind];
}
