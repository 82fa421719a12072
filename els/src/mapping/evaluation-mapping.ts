// Core evaluation results and end users ↔ `vane.model.v1` messages for client SDKs.
import type { EndUser, EvaluationKind, EvaluationResult, FeatureFlag } from '@vane/core';
import type { EndUser as ProtoEndUser } from '@vane/gen/node/vane/model/v1/end_user';
import { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import type { EvaluationResult as ProtoResult } from '@vane/gen/node/vane/model/v1/evaluation';
import { variationTypeToProto } from './definition-mapping.js';

const REASON_KIND: Record<EvaluationKind, EvaluationReasonKind> = {
  archived: EvaluationReasonKind.EVALUATION_REASON_KIND_ARCHIVED,
  off: EvaluationReasonKind.EVALUATION_REASON_KIND_DISABLED,
  'prerequisite-failed': EvaluationReasonKind.EVALUATION_REASON_KIND_PREREQUISITE_FAILED,
  targeted: EvaluationReasonKind.EVALUATION_REASON_KIND_TARGETED,
  rule: EvaluationReasonKind.EVALUATION_REASON_KIND_RULE_MATCH,
  fallthrough: EvaluationReasonKind.EVALUATION_REASON_KIND_FALLTHROUGH,
  'flag-not-found': EvaluationReasonKind.EVALUATION_REASON_KIND_ERROR,
  error: EvaluationReasonKind.EVALUATION_REASON_KIND_ERROR,
};

/** The client-SDK form of one flag's result: never the flag's rules, only what it served. */
export function evaluationToProto(flag: FeatureFlag, result: EvaluationResult): ProtoResult {
  return {
    flagKey: flag.key,
    variationId: result.variation?.id ?? '',
    value: result.variation?.value ?? '',
    variationType: variationTypeToProto(flag.variationType),
    reasonKind: REASON_KIND[result.kind],
    reason: result.reason,
    sendToExperiment: result.sendToExperiment,
    version: flag.version ?? 0,
  };
}

/** A compact identity of a result, to push client SDKs only the results that changed. */
export function resultSignature(result: EvaluationResult): string {
  return `${result.variation?.id ?? ''}\u0000${result.variation?.value ?? ''}\u0000${result.kind}\u0000${result.reason}\u0000${String(result.sendToExperiment)}`;
}

/** The proto user of a core end user (for the events ELS publishes). */
export function endUserToProto(user: EndUser): ProtoEndUser {
  return {
    keyId: user.keyId,
    name: user.name ?? '',
    customProperties: (user.customizedProperties ?? []).map((p) => ({
      name: p.name,
      value: p.value ?? '',
    })),
  };
}

/** The core user of a proto end user. */
export function endUserFromProto(user: ProtoEndUser): EndUser {
  return {
    keyId: user.keyId,
    name: user.name,
    customizedProperties: user.customProperties.map((p) => ({ name: p.name, value: p.value })),
  };
}
