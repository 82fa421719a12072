import type { Variation } from '../model/feature-flag.js';

/** How the result was reached; FeatBit's Node SDK kinds map onto these one to one. */
export type EvaluationKind =
  | 'archived'
  | 'off'
  | 'prerequisite-failed'
  | 'targeted'
  | 'rule'
  | 'fallthrough'
  | 'flag-not-found'
  | 'error';

/** Why an evaluation produced no variation. */
export type EvaluationErrorCode =
  'FLAG_NOT_FOUND' | 'MALFORMED_FLAG' | 'PREREQUISITE_CYCLE' | 'INVALID_USER' | 'INTERNAL';

/** Detail of a failed evaluation; `message` names the offending part of the definition. */
export interface EvaluationError {
  readonly code: EvaluationErrorCode;
  readonly message: string;
}

/**
 * The outcome of one evaluation. `reason` carries FeatBit's ELS strings (`flag archived`,
 * `flag disabled`, `targeted`, the rule name, `default`) plus Vane's `prerequisite failed`
 * and error reasons. Results are shared and frozen: never mutate them.
 */
export interface EvaluationResult {
  readonly variation: Variation | null;
  readonly reason: string;
  readonly kind: EvaluationKind;
  readonly sendToExperiment: boolean;
  readonly error?: EvaluationError;
}

/** FeatBit's reason strings (ELS `matchReason`) and Vane's additions. */
export const REASONS = {
  archived: 'flag archived',
  disabled: 'flag disabled',
  targeted: 'targeted',
  fallthrough: 'default',
  prerequisiteFailed: 'prerequisite failed',
  flagNotFound: 'flag not found',
  malformedFlag: 'malformed flag',
  prerequisiteCycle: 'prerequisite cycle',
  invalidUser: 'invalid user',
  internal: 'internal error',
} as const;

const ERROR_REASON: Record<EvaluationErrorCode, string> = {
  FLAG_NOT_FOUND: REASONS.flagNotFound,
  MALFORMED_FLAG: REASONS.malformedFlag,
  PREREQUISITE_CYCLE: REASONS.prerequisiteCycle,
  INVALID_USER: REASONS.invalidUser,
  INTERNAL: REASONS.internal,
};

/** A frozen success result. */
export function okResult(
  variation: Variation,
  reason: string,
  kind: EvaluationKind,
  sendToExperiment: boolean,
): EvaluationResult {
  return Object.freeze({ variation, reason, kind, sendToExperiment });
}

/** A frozen result without a variation (error, flag not found). */
export function errorResult(code: EvaluationErrorCode, message: string): EvaluationResult {
  return Object.freeze({
    variation: null,
    reason: ERROR_REASON[code],
    kind: code === 'FLAG_NOT_FOUND' ? 'flag-not-found' : 'error',
    sendToExperiment: false,
    error: Object.freeze({ code, message }),
  });
}

/** The archived result: no variation, FeatBit's `flag archived` reason. */
export const ARCHIVED_RESULT: EvaluationResult = Object.freeze({
  variation: null,
  reason: REASONS.archived,
  kind: 'archived',
  sendToExperiment: false,
});

/**
 * Thrown inside the evaluator when it reaches a malformed part of a definition (where
 * FeatBit's .NET server would throw); caught at the top and returned as `result`.
 */
export class DefinitionFault extends Error {
  constructor(readonly result: EvaluationResult) {
    super(result.error?.message ?? result.reason);
    this.name = 'DefinitionFault';
  }
}

/** A fault for a malformed flag, built once at compile time. */
export function malformed(message: string): DefinitionFault {
  return new DefinitionFault(errorResult('MALFORMED_FLAG', message));
}
