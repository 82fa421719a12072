// Test helper: core definitions → `vane.model.v1` messages, to publish changes the way the
// api-server does (tests only; the SDK itself only reads definitions).
import type { FeatureFlag, Segment } from '@vane/core';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { FeatureFlag as ProtoFlag } from '@vane/gen/node/vane/model/v1/flag';
import type { Segment as ProtoSegment } from '@vane/gen/node/vane/model/v1/segment';

const TYPES = {
  boolean: VariationType.VARIATION_TYPE_BOOLEAN,
  string: VariationType.VARIATION_TYPE_STRING,
  number: VariationType.VARIATION_TYPE_NUMBER,
  json: VariationType.VARIATION_TYPE_JSON,
} as const;

/** The proto form of a flag. */
export function flagToProto(f: FeatureFlag): ProtoFlag {
  const rollout = (vs: FeatureFlag['fallthrough']['variations']) =>
    vs.map((r) => ({
      variationId: r.id,
      rolloutStart: r.rollout[0],
      rolloutEnd: r.rollout[1],
      exptRollout: r.exptRollout,
    }));
  return {
    id: f.id,
    envId: f.envId ?? '',
    key: f.key,
    name: f.name ?? '',
    description: '',
    tags: [],
    variationType: TYPES[f.variationType],
    variations: f.variations.map((v) => ({ id: v.id, name: v.name ?? '', value: v.value })),
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers.map((t) => ({ keyIds: [...t.keyIds], variationId: t.variationId })),
    rules: f.rules.map((r) => ({
      id: r.id ?? '',
      name: r.name,
      dispatchKey: r.dispatchKey ?? '',
      includedInExpt: r.includedInExpt,
      conditions: r.conditions.map((c) => ({
        id: c.id ?? '',
        property: c.property,
        op: c.op ?? '',
        value: c.value ?? '',
      })),
      variations: rollout(r.variations),
    })),
    fallthrough: {
      dispatchKey: f.fallthrough.dispatchKey ?? '',
      includedInExpt: f.fallthrough.includedInExpt,
      variations: rollout(f.fallthrough.variations),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    isArchived: f.isArchived ?? false,
    prerequisites: (f.prerequisites ?? []).map((p) => ({ ...p })),
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: f.version ?? 0,
  };
}

/** The proto form of a segment. */
export function segmentToProto(s: Segment): ProtoSegment {
  return {
    id: s.id,
    envId: s.envId ?? '',
    key: s.key ?? '',
    name: s.name ?? '',
    description: '',
    tags: [],
    included: [...s.included],
    excluded: [...s.excluded],
    rules: s.rules.map((r) => ({
      id: r.id ?? '',
      name: r.name ?? '',
      conditions: r.conditions.map((c) => ({
        id: c.id ?? '',
        property: c.property,
        op: c.op ?? '',
        value: c.value ?? '',
      })),
    })),
    isArchived: s.isArchived ?? false,
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: s.version ?? 0,
  };
}
