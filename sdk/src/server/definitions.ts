// `vane.model.v1` definitions (what ELS sends server SDKs) → `@vane/core` model, which the
// evaluator compiles. Restated here rather than imported: the SDK never depends on ELS.
import type {
  Condition,
  FeatureFlag,
  RolloutVariation,
  Segment,
  VariationType as CoreType,
} from '@vane/core';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type {
  FeatureFlag as ProtoFlag,
  RolloutVariation as ProtoRollout,
} from '@vane/gen/node/vane/model/v1/flag';
import type { Segment as ProtoSegment } from '@vane/gen/node/vane/model/v1/segment';
import type { Condition as ProtoCondition } from '@vane/gen/node/vane/model/v1/targeting';

const TYPES: Partial<Record<VariationType, CoreType>> = {
  [VariationType.VARIATION_TYPE_BOOLEAN]: 'boolean',
  [VariationType.VARIATION_TYPE_STRING]: 'string',
  [VariationType.VARIATION_TYPE_NUMBER]: 'number',
  [VariationType.VARIATION_TYPE_JSON]: 'json',
};

const conditions = (cs: readonly ProtoCondition[]): Condition[] =>
  cs.map((c) => ({
    id: c.id,
    property: c.property,
    op: c.op === '' ? null : c.op,
    value: c.value,
  }));

const rollouts = (vs: readonly ProtoRollout[]): RolloutVariation[] =>
  vs.map((r) => ({
    id: r.variationId,
    rollout: [r.rolloutStart, r.rolloutEnd],
    exptRollout: r.exptRollout,
  }));

/** The core flag of a definition received from ELS. */
export function flagFromProto(f: ProtoFlag): FeatureFlag {
  return {
    id: f.id,
    key: f.key,
    envId: f.envId,
    name: f.name,
    description: f.description,
    tags: [...f.tags],
    variationType: TYPES[f.variationType] ?? 'string',
    variations: f.variations.map((v) => ({ id: v.id, name: v.name, value: v.value })),
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers.map((t) => ({ keyIds: [...t.keyIds], variationId: t.variationId })),
    rules: f.rules.map((r) => ({
      id: r.id,
      name: r.name,
      dispatchKey: r.dispatchKey === '' ? null : r.dispatchKey,
      includedInExpt: r.includedInExpt,
      conditions: conditions(r.conditions),
      variations: rollouts(r.variations),
    })),
    fallthrough: {
      dispatchKey: f.fallthrough?.dispatchKey ? f.fallthrough.dispatchKey : null,
      includedInExpt: f.fallthrough?.includedInExpt ?? true,
      variations: rollouts(f.fallthrough?.variations ?? []),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    isArchived: f.isArchived,
    prerequisites: f.prerequisites.map((p) => ({ flagKey: p.flagKey, variationId: p.variationId })),
    version: f.version,
  };
}

/** The core segment of a definition received from ELS. */
export function segmentFromProto(s: ProtoSegment): Segment {
  return {
    id: s.id,
    key: s.key,
    envId: s.envId,
    name: s.name,
    description: s.description,
    tags: [...s.tags],
    included: [...s.included],
    excluded: [...s.excluded],
    rules: s.rules.map((r) => ({ id: r.id, name: r.name, conditions: conditions(r.conditions) })),
    isArchived: s.isArchived,
    version: s.version,
  };
}
