// Vane evaluation details → OpenFeature resolution details, and OpenFeature evaluation contexts →
// Vane users; shared by the server and web providers.
import { ErrorCode, StandardResolutionReasons } from '@openfeature/core';
import type { EvaluationContext, JsonValue, ResolutionDetails } from '@openfeature/core';
import type { EvaluationDetail } from '../shared/evaluation-detail.js';

/** A Vane user built from an evaluation context (the server and client user shapes agree). */
export interface ContextUser {
  readonly keyId: string;
  readonly name?: string;
  readonly attributes: Record<string, string>;
}

/** How a provider treats a context without `targetingKey`. */
export interface ContextOptions {
  /**
   * The key used for contexts without a `targetingKey` (default `anonymous`: every anonymous
   * caller then shares one percentage-rollout bucket). `null` makes such evaluations fail with
   * `TARGETING_KEY_MISSING`.
   */
  readonly anonymousKey?: string | null;
}

/** The user of a context; undefined when it has no targeting key and anonymous use is off. */
export function userOfContext(
  context: EvaluationContext,
  options: ContextOptions,
): ContextUser | undefined {
  const key =
    typeof context.targetingKey === 'string' && context.targetingKey.trim() !== ''
      ? context.targetingKey
      : options.anonymousKey === undefined
        ? 'anonymous'
        : options.anonymousKey;
  if (key === null || key.trim() === '') return undefined;
  const attributes: Record<string, string> = {};
  let name: string | undefined;
  for (const [k, v] of Object.entries(context)) {
    if (k === 'targetingKey' || v === null || v === undefined) continue;
    if (k === 'name' && typeof v === 'string') {
      name = v;
      continue;
    }
    attributes[k] =
      v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return { keyId: key, ...(name !== undefined ? { name } : {}), attributes };
}

/** What the reason of a fallthrough means for this flag: STATIC, SPLIT or DEFAULT. */
export type FallthroughReason = 'STATIC' | 'SPLIT' | 'DEFAULT';

/** Maps a Vane detail; `fallthrough` says how to report a `Fallthrough` kind. */
export function toResolution<T extends JsonValue>(
  detail: EvaluationDetail<T>,
  fallthrough: FallthroughReason,
  cached = false,
): ResolutionDetails<T> {
  const ok = (reason: string): ResolutionDetails<T> => ({
    value: detail.value,
    ...(detail.variationId !== null ? { variant: detail.variationId } : {}),
    reason: cached ? StandardResolutionReasons.CACHED : reason,
  });
  const error = (errorCode: ErrorCode): ResolutionDetails<T> => ({
    value: detail.value,
    reason: StandardResolutionReasons.ERROR,
    errorCode,
    errorMessage: detail.reason,
  });
  switch (detail.kind) {
    case 'Off':
      return ok(StandardResolutionReasons.DISABLED);
    case 'TargetMatch':
    case 'RuleMatch':
      return ok(StandardResolutionReasons.TARGETING_MATCH);
    case 'Fallthrough':
      return ok(StandardResolutionReasons[fallthrough]);
    case 'PrerequisiteFailed':
      return ok(StandardResolutionReasons.DEFAULT);
    case 'FlagNotFound':
    case 'Archived':
      return error(ErrorCode.FLAG_NOT_FOUND);
    case 'WrongType':
      return error(ErrorCode.TYPE_MISMATCH);
    case 'ClientNotReady':
      return error(ErrorCode.PROVIDER_NOT_READY);
    case 'Error':
      return error(ErrorCode.GENERAL);
  }
}

/** The detail of a context that has no usable targeting key. */
export function missingKey<T>(flagKey: string, value: T): ResolutionDetails<T> {
  return {
    value,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.TARGETING_KEY_MISSING,
    errorMessage: `no targetingKey in the context to evaluate ${flagKey}`,
  };
}
