// Evaluation previews: proto users in, proto results out (core does the evaluating).
import type { EndUser as CoreUser, EvaluationResult as CoreResult, FeatureFlag } from '@vane/core';
import type { EndUser } from '@vane/gen/node/vane/model/v1/end_user';
import { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import type { EvaluationResult } from '@vane/gen/node/vane/model/v1/evaluation';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { variationTypeToProto } from './flag-mapping.js';

const KINDS: Record<CoreResult['kind'], EvaluationReasonKind> = {
  archived: EvaluationReasonKind.EVALUATION_REASON_KIND_ARCHIVED,
  off: EvaluationReasonKind.EVALUATION_REASON_KIND_DISABLED,
  'prerequisite-failed': EvaluationReasonKind.EVALUATION_REASON_KIND_PREREQUISITE_FAILED,
  targeted: EvaluationReasonKind.EVALUATION_REASON_KIND_TARGETED,
  rule: EvaluationReasonKind.EVALUATION_REASON_KIND_RULE_MATCH,
  fallthrough: EvaluationReasonKind.EVALUATION_REASON_KIND_FALLTHROUGH,
  'flag-not-found': EvaluationReasonKind.EVALUATION_REASON_KIND_ERROR,
  error: EvaluationReasonKind.EVALUATION_REASON_KIND_ERROR,
};

/** The core form of a proto end user. */
export function userFromProto(user: EndUser): CoreUser {
  return {
    keyId: user.keyId,
    name: user.name,
    customizedProperties: user.customProperties.map((p) => ({ name: p.name, value: p.value })),
  };
}

/**
 * The keys an EvaluateFeatureFlags call evaluates, ordered by key: the requested ones the
 * environment has (unknown keys are skipped, as the contract says; duplicates count once), or
 * every active flag when none is requested.
 */
export function keysToEvaluate(
  requested: readonly string[],
  env: { flagKeys(): string[]; getFlag(key: string): FeatureFlag | undefined },
): string[] {
  const keys =
    requested.length > 0
      ? [...new Set(requested)].filter((key) => env.getFlag(key) !== undefined)
      : env.flagKeys().filter((key) => !env.getFlag(key)?.isArchived);
  return keys.sort();
}

/** The reason text of a result: the reason, and the error's message unless it already says it. */
function reasonText(result: CoreResult): string {
  if (!result.error) return result.reason;
  const { message } = result.error;
  return message.startsWith(result.reason) ? message : `${result.reason}: ${message}`;
}

/** The proto form of one evaluation. */
export function evaluationToProto(
  key: string,
  flag: FeatureFlag | undefined,
  result: CoreResult,
): EvaluationResult {
  return {
    flagKey: key,
    variationId: result.variation?.id ?? '',
    value: result.variation?.value ?? '',
    variationType: flag
      ? variationTypeToProto(flag.variationType)
      : VariationType.VARIATION_TYPE_UNSPECIFIED,
    reasonKind: KINDS[result.kind],
    reason: reasonText(result),
    sendToExperiment: result.sendToExperiment,
    version: flag?.version ?? 0,
  };
}
