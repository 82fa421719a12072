// The `vane.model.v1` messages as plain shapes: what ts-proto generates into `gen/node` and
// `gen/web` alike, with enums as their numbers, so one mapping serves Node services and browsers
// without core importing either (it stays free of generated code and of any runtime).

/** `vane.model.v1.Condition`. */
export interface ConditionMessage {
  id: string;
  property: string;
  op: string;
  value: string;
}

/** `vane.model.v1.RolloutVariation`. */
export interface RolloutMessage {
  variationId: string;
  rolloutStart: number;
  rolloutEnd: number;
  exptRollout: number;
}

/** `vane.model.v1.FeatureFlag`; `variationType` is a `VariationType` number. */
export interface FlagMessage {
  id: string;
  envId: string;
  key: string;
  name: string;
  description: string;
  tags: string[];
  variationType: number;
  variations: { id: string; name: string; value: string }[];
  isEnabled: boolean;
  disabledVariationId: string;
  targetUsers: { keyIds: string[]; variationId: string }[];
  rules: {
    id: string;
    name: string;
    dispatchKey: string;
    includedInExpt: boolean;
    conditions: ConditionMessage[];
    variations: RolloutMessage[];
  }[];
  fallthrough?:
    { dispatchKey: string; includedInExpt: boolean; variations: RolloutMessage[] } | undefined;
  exptIncludeAllTargets: boolean;
  isArchived: boolean;
  prerequisites: { flagKey: string; variationId: string }[];
  createdAt?: Date | undefined;
  updatedAt?: Date | undefined;
  creatorId: string;
  updaterId: string;
  revision: number;
  version: number;
}

/** `vane.model.v1.Segment`. */
export interface SegmentMessage {
  id: string;
  envId: string;
  key: string;
  name: string;
  description: string;
  tags: string[];
  included: string[];
  excluded: string[];
  rules: { id: string; name: string; conditions: ConditionMessage[] }[];
  isArchived: boolean;
  createdAt?: Date | undefined;
  updatedAt?: Date | undefined;
  creatorId: string;
  updaterId: string;
  revision: number;
  version: number;
}

/** `vane.model.v1.EndUser`. */
export interface EndUserMessage {
  keyId: string;
  name: string;
  customProperties: { name: string; value: string }[];
}

/** `vane.model.v1.EvaluationResult`; `reasonKind` is an `EvaluationReasonKind` number. */
export interface EvaluationResultMessage {
  flagKey: string;
  variationId: string;
  value: string;
  variationType: number;
  reasonKind: number;
  reason: string;
  sendToExperiment: boolean;
  version: number;
}
