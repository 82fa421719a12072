// Core model ↔ `vane.model.v1` messages for flag and segment definitions: what server SDKs
// receive and what the change topics carry.
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

const TO_PROTO: Record<CoreType, VariationType> = {
  boolean: VariationType.VARIATION_TYPE_BOOLEAN,
  string: VariationType.VARIATION_TYPE_STRING,
  number: VariationType.VARIATION_TYPE_NUMBER,
  json: VariationType.VARIATION_TYPE_JSON,
};
const TO_CORE: Partial<Record<VariationType, CoreType>> = {
  [VariationType.VARIATION_TYPE_BOOLEAN]: 'boolean',
  [VariationType.VARIATION_TYPE_STRING]: 'string',
  [VariationType.VARIATION_TYPE_NUMBER]: 'number',
  [VariationType.VARIATION_TYPE_JSON]: 'json',
};

/** The proto enum of a core variation type (unknown types map to UNSPECIFIED). */
export function variationTypeToProto(type: CoreType): VariationType {
  return TO_PROTO[type] ?? VariationType.VARIATION_TYPE_UNSPECIFIED;
}

const dateOf = (iso: string | undefined): Date | undefined => {
  if (iso === undefined) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const conditionsToProto = (cs: readonly Condition[]): ProtoCondition[] =>
  cs.map((c) => ({ id: c.id ?? '', property: c.property, op: c.op ?? '', value: c.value ?? '' }));
const conditionsToCore = (cs: readonly ProtoCondition[]): Condition[] =>
  cs.map((c) => ({
    id: c.id,
    property: c.property,
    op: c.op === '' ? null : c.op,
    value: c.value,
  }));
const rolloutToProto = (vs: readonly RolloutVariation[]): ProtoRollout[] =>
  vs.map((r) => ({
    variationId: r.id,
    rolloutStart: r.rollout[0],
    rolloutEnd: r.rollout[1],
    exptRollout: r.exptRollout,
  }));
const rolloutToCore = (vs: readonly ProtoRollout[]): RolloutVariation[] =>
  vs.map((r) => ({
    id: r.variationId,
    rollout: [r.rolloutStart, r.rolloutEnd],
    exptRollout: r.exptRollout,
  }));

/** The proto definition of a core flag, as sent to server SDKs. */
export function flagToProto(f: FeatureFlag): ProtoFlag {
  return {
    id: f.id,
    envId: f.envId ?? '',
    key: f.key,
    name: f.name ?? '',
    description: f.description ?? '',
    tags: [...(f.tags ?? [])],
    variationType: variationTypeToProto(f.variationType),
    variations: f.variations.map((v) => ({ id: v.id, name: v.name ?? '', value: v.value })),
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers.map((t) => ({ keyIds: [...t.keyIds], variationId: t.variationId })),
    rules: f.rules.map((r) => ({
      id: r.id ?? '',
      name: r.name,
      dispatchKey: r.dispatchKey ?? '',
      includedInExpt: r.includedInExpt,
      conditions: conditionsToProto(r.conditions),
      variations: rolloutToProto(r.variations),
    })),
    fallthrough: {
      dispatchKey: f.fallthrough.dispatchKey ?? '',
      includedInExpt: f.fallthrough.includedInExpt,
      variations: rolloutToProto(f.fallthrough.variations),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    isArchived: f.isArchived ?? false,
    prerequisites: (f.prerequisites ?? []).map((p) => ({
      flagKey: p.flagKey,
      variationId: p.variationId,
    })),
    createdAt: dateOf(f.createdAt),
    updatedAt: dateOf(f.updatedAt),
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: f.version ?? 0,
  };
}

/** The core flag of a proto definition (from a `FlagChanged` message). */
export function flagFromProto(f: ProtoFlag): FeatureFlag {
  return {
    id: f.id,
    key: f.key,
    envId: f.envId,
    name: f.name,
    description: f.description,
    tags: [...f.tags],
    variationType: TO_CORE[f.variationType] ?? 'string',
    variations: f.variations.map((v) => ({ id: v.id, name: v.name, value: v.value })),
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers.map((t) => ({ keyIds: [...t.keyIds], variationId: t.variationId })),
    rules: f.rules.map((r) => ({
      id: r.id,
      name: r.name,
      dispatchKey: r.dispatchKey === '' ? null : r.dispatchKey,
      includedInExpt: r.includedInExpt,
      conditions: conditionsToCore(r.conditions),
      variations: rolloutToCore(r.variations),
    })),
    fallthrough: {
      dispatchKey: f.fallthrough?.dispatchKey ? f.fallthrough.dispatchKey : null,
      includedInExpt: f.fallthrough?.includedInExpt ?? true,
      variations: rolloutToCore(f.fallthrough?.variations ?? []),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    isArchived: f.isArchived,
    prerequisites: f.prerequisites.map((p) => ({ flagKey: p.flagKey, variationId: p.variationId })),
    version: f.version,
    ...(f.createdAt ? { createdAt: f.createdAt.toISOString() } : {}),
    ...(f.updatedAt ? { updatedAt: f.updatedAt.toISOString() } : {}),
  };
}

/** The proto definition of a core segment, as sent to server SDKs. */
export function segmentToProto(s: Segment): ProtoSegment {
  return {
    id: s.id,
    envId: s.envId ?? '',
    key: s.key ?? '',
    name: s.name ?? '',
    description: s.description ?? '',
    tags: [...(s.tags ?? [])],
    included: [...s.included],
    excluded: [...s.excluded],
    rules: s.rules.map((r) => ({
      id: r.id ?? '',
      name: r.name ?? '',
      conditions: conditionsToProto(r.conditions),
    })),
    isArchived: s.isArchived ?? false,
    createdAt: dateOf(s.createdAt),
    updatedAt: dateOf(s.updatedAt),
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: s.version ?? 0,
  };
}

/** The core segment of a proto definition (from a `SegmentChanged` message). */
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
    rules: s.rules.map((r) => ({
      id: r.id,
      name: r.name,
      conditions: conditionsToCore(r.conditions),
    })),
    isArchived: s.isArchived,
    version: s.version,
    ...(s.createdAt ? { createdAt: s.createdAt.toISOString() } : {}),
    ...(s.updatedAt ? { updatedAt: s.updatedAt.toISOString() } : {}),
  };
}
