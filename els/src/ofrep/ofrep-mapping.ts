// OFREP (OpenFeature Remote Evaluation Protocol) ↔ Vane: evaluation context → end user, and core
// evaluation results → OFREP success or failure bodies with OpenFeature reasons and error codes.
import type { CustomizedProperty, EndUser, EvaluationResult, FeatureFlag } from '@vane/core';

/** A successful OFREP evaluation. `value` is absent only for "use the code default". */
export interface OfrepSuccess {
  key: string;
  reason: OfrepReason;
  variant?: string;
  value?: unknown;
  metadata?: Record<string, string | number | boolean>;
}

/** A failed OFREP evaluation of one flag. */
export interface OfrepFailure {
  key: string;
  errorCode: OfrepErrorCode;
  errorDetails?: string;
}

/** The reasons OFREP's OpenAPI document allows. */
export type OfrepReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'UNKNOWN';

/** OFREP error codes (`FLAG_NOT_FOUND` only with 404 or inside a bulk response). */
export type OfrepErrorCode =
  'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';

/** Most context attributes accepted. */
export const MAX_CONTEXT_ATTRIBUTES = 200;
/** Longest attribute value accepted (serialised). */
export const MAX_ATTRIBUTE_LENGTH = 4096;

/**
 * The end user of an evaluation context: `targetingKey` → keyId, `name` → name, every other
 * attribute → a custom property (strings as is, numbers and booleans as text, objects as JSON).
 * A string explains why the context is invalid. A missing targetingKey gives keyId "" (flags then
 * fail with TARGETING_KEY_MISSING).
 */
export function contextToUser(body: unknown): EndUser | string {
  if (body === undefined) return { keyId: '' };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'the body must be a JSON object';
  }
  const context = (body as Record<string, unknown>).context ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return 'context must be an object';
  }
  const entries = Object.entries(context as Record<string, unknown>);
  if (entries.length > MAX_CONTEXT_ATTRIBUTES) return 'context has too many attributes';
  let keyId = '';
  let name: string | undefined;
  const customizedProperties: CustomizedProperty[] = [];
  for (const [attr, value] of entries) {
    if (attr === 'targetingKey') {
      if (value !== undefined && value !== null && typeof value !== 'string') {
        return 'targetingKey must be a string';
      }
      keyId = value ?? '';
      if (keyId.length > MAX_ATTRIBUTE_LENGTH) return 'targetingKey is too long';
      continue;
    }
    if (value === undefined) continue;
    const text = value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
    if (text !== null && text.length > MAX_ATTRIBUTE_LENGTH) return `${attr} is too long`;
    // An empty name is no name, as in `vane.model.v1.EndUser` (conditions on `name` never match).
    if (attr === 'name' && typeof value === 'string' && value !== '') name = value;
    customizedProperties.push({ name: attr, value: text });
  }
  return { keyId, ...(name !== undefined ? { name } : {}), customizedProperties };
}

/** The typed value of a variation: FeatBit stores every value as text typed by `variationType`. */
export function typedValue(flag: FeatureFlag, value: string): unknown {
  switch (flag.variationType) {
    case 'boolean':
      return value.trim().toLowerCase() === 'true';
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'json':
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return undefined;
      }
    default:
      return value;
  }
}

// A rollout serves several variations when more than one share is non-empty.
function splits(variations: readonly { rollout: readonly [number, number] }[]): boolean {
  return variations.filter((v) => v.rollout[1] - v.rollout[0] > 0).length > 1;
}

/**
 * OpenFeature reason of a successful result: off → DISABLED; targeted → TARGETING_MATCH; a rule
 * → SPLIT when it splits between variations, else TARGETING_MATCH; the default rule → SPLIT when
 * it splits, STATIC when the flag has no targeting at all, else UNKNOWN (OFREP has no DEFAULT);
 * a failed prerequisite → TARGETING_MATCH. The FeatBit reason is kept in `metadata.reason`.
 */
export function ofrepReason(flag: FeatureFlag, result: EvaluationResult): OfrepReason {
  switch (result.kind) {
    case 'off':
      return 'DISABLED';
    case 'targeted':
    case 'prerequisite-failed':
      return 'TARGETING_MATCH';
    case 'rule': {
      const rule = flag.rules.find((r) => r.name === result.reason);
      return rule !== undefined && splits(rule.variations) ? 'SPLIT' : 'TARGETING_MATCH';
    }
    case 'fallthrough':
      if (splits(flag.fallthrough.variations)) return 'SPLIT';
      return flag.rules.length === 0 &&
        flag.targetUsers.length === 0 &&
        (flag.prerequisites ?? []).length === 0
        ? 'STATIC'
        : 'UNKNOWN';
    default:
      return 'UNKNOWN';
  }
}

/** The OFREP body of one evaluation: success, or failure with its error code. */
export function toOfrep(
  key: string,
  flag: FeatureFlag | undefined,
  result: EvaluationResult,
): OfrepSuccess | OfrepFailure {
  if (flag === undefined || result.kind === 'flag-not-found' || result.kind === 'archived') {
    return { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `flag '${key}' was not found` };
  }
  if (result.variation === null) {
    const code = result.error?.code;
    return {
      key,
      errorCode: code === 'INVALID_USER' ? 'TARGETING_KEY_MISSING' : 'GENERAL',
      errorDetails: result.error?.message ?? result.reason,
    };
  }
  const value = typedValue(flag, result.variation.value);
  if (value === undefined) {
    return {
      key,
      errorCode: 'PARSE_ERROR',
      errorDetails: `variation ${result.variation.id} is not a valid ${flag.variationType}`,
    };
  }
  return {
    key,
    reason: ofrepReason(flag, result),
    variant: result.variation.name || result.variation.id,
    value,
    metadata: {
      reason: result.reason,
      variationId: result.variation.id,
      sendToExperiment: result.sendToExperiment,
    },
  };
}
