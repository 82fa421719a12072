// @vane/core/proto: the one mapping between core's model and the `vane.model.v1` messages,
// written against their shapes so that `gen/node` and `gen/web` messages both fit.
export type {
  ConditionMessage,
  EndUserMessage,
  EvaluationResultMessage,
  FlagMessage,
  RolloutMessage,
  SegmentMessage,
} from './messages.js';
export {
  EVALUATION_REASON_KIND,
  VARIATION_TYPE,
  reasonKindToProto,
  variationTypeFromProto,
  variationTypeToProto,
} from './enums.js';
export {
  conditionsFromProto,
  conditionsToProto,
  flagFromProto,
  flagToProto,
  rolloutFromProto,
  rolloutToProto,
  segmentFromProto,
  segmentToProto,
} from './definitions.js';
export { endUserFromProto, endUserToProto, evaluationToProto } from './evaluation.js';
