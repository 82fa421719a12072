// End users and evaluation results: core ↔ `vane.model.v1` messages. ELS answers client SDKs
// with these results and the admin preview answers with the same ones ("exactly as ELS would").
import type { EvaluationResult } from '../evaluation/evaluation-result.js';
import type { EndUser } from '../model/end-user.js';
import type { FeatureFlag } from '../model/feature-flag.js';
import { VARIATION_TYPE, reasonKindToProto, variationTypeToProto } from './enums.js';
import type { EndUserMessage, EvaluationResultMessage } from './messages.js';

/** The proto form of an end user (absent name and property values become empty text). */
export function endUserToProto(user: EndUser): EndUserMessage {
  return {
    keyId: user.keyId,
    name: user.name ?? '',
    customProperties: (user.customizedProperties ?? []).map((p) => ({
      name: p.name,
      value: p.value ?? '',
    })),
  };
}

/**
 * The core form of a proto end user. An empty name is no name (proto text cannot be absent), so a
 * user without one is evaluated alike whether it came as a message or as FeatBit JSON.
 */
export function endUserFromProto(user: EndUserMessage): EndUser {
  return {
    keyId: user.keyId,
    ...(user.name !== '' ? { name: user.name } : {}),
    customizedProperties: user.customProperties.map((p) => ({ name: p.name, value: p.value })),
  };
}

/**
 * The proto form of one flag's result for one user: what it served and why (never the flag's
 * rules). `flag` is undefined for a key the environment lacks (type UNSPECIFIED, version 0). The
 * reason is the result's FeatBit reason text as the contract lists it; error details stay out.
 */
export function evaluationToProto(
  key: string,
  flag: FeatureFlag | undefined,
  result: EvaluationResult,
): EvaluationResultMessage {
  return {
    flagKey: key,
    variationId: result.variation?.id ?? '',
    value: result.variation?.value ?? '',
    variationType: flag ? variationTypeToProto(flag.variationType) : VARIATION_TYPE.UNSPECIFIED,
    reasonKind: reasonKindToProto(result.kind),
    reason: result.reason,
    sendToExperiment: result.sendToExperiment,
    version: flag?.version ?? 0,
  };
}
