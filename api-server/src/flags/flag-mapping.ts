// Proto ↔ stored form of flags (and the shared targeting pieces segments reuse).
import { randomUUID } from 'node:crypto';
import { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT } from '@vane/core';
import type {
  Condition,
  RolloutVariation,
  TargetRule,
  VariationType as CoreVariationType,
} from '@vane/core';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type {
  FeatureFlag as ProtoFlag,
  RolloutVariation as ProtoRollout,
} from '@vane/gen/node/vane/model/v1/flag';
import type { Condition as ProtoCondition } from '@vane/gen/node/vane/model/v1/targeting';
import type { FlagDoc } from './flag-doc.js';

const TYPE_TO_CORE: Record<number, CoreVariationType | undefined> = {
  [VariationType.VARIATION_TYPE_BOOLEAN]: 'boolean',
  [VariationType.VARIATION_TYPE_STRING]: 'string',
  [VariationType.VARIATION_TYPE_NUMBER]: 'number',
  [VariationType.VARIATION_TYPE_JSON]: 'json',
};
const CORE_TO_TYPE: Record<CoreVariationType, VariationType> = {
  boolean: VariationType.VARIATION_TYPE_BOOLEAN,
  string: VariationType.VARIATION_TYPE_STRING,
  number: VariationType.VARIATION_TYPE_NUMBER,
  json: VariationType.VARIATION_TYPE_JSON,
};

/** The core variation type of a proto enum value, or undefined if unset/unknown. */
export function variationTypeToCore(type: VariationType): CoreVariationType | undefined {
  return TYPE_TO_CORE[type];
}

/** The proto enum of a core variation type. */
export function variationTypeToProto(type: CoreVariationType): VariationType {
  return CORE_TO_TYPE[type];
}

/** Conditions as stored; ids are generated where the caller left them empty. */
export function conditionsFromProto(conditions: readonly ProtoCondition[]): Condition[] {
  return conditions.map((c) => ({
    id: c.id || randomUUID(),
    property: c.property,
    op: c.op === '' ? null : c.op,
    value: c.value,
  }));
}

/** Conditions in proto form. */
export function conditionsToProto(conditions: readonly Condition[]): ProtoCondition[] {
  return conditions.map((c) => ({
    id: c.id ?? '',
    property: c.property,
    op: c.op ?? '',
    value: c.value ?? '',
  }));
}

function rolloutFromProto(v: readonly ProtoRollout[]): RolloutVariation[] {
  return v.map((r) => ({
    id: r.variationId,
    rollout: [r.rolloutStart, r.rolloutEnd] as const,
    exptRollout: r.exptRollout,
  }));
}

function rolloutToProto(v: readonly RolloutVariation[]): ProtoRollout[] {
  return v.map((r) => ({
    variationId: r.id,
    rolloutStart: r.rollout[0],
    rolloutEnd: r.rollout[1],
    exptRollout: r.exptRollout,
  }));
}

/** Ids of the segments referenced by a flag's rules. */
export function segmentIdsOf(rules: readonly TargetRule[]): string[] {
  const ids = new Set<string>();
  for (const rule of rules) {
    for (const c of rule.conditions) {
      if (c.property !== IS_IN_SEGMENT && c.property !== IS_NOT_IN_SEGMENT) continue;
      try {
        const parsed: unknown = JSON.parse(c.value ?? '[]');
        if (Array.isArray(parsed)) for (const id of parsed) if (typeof id === 'string') ids.add(id);
      } catch {
        // Invalid lists are reported by validation; nothing to index.
      }
    }
  }
  return [...ids].sort();
}

/** The editable flag fields of a proto flag, in stored form (ids generated where empty). */
export function flagFieldsFromProto(
  flag: ProtoFlag,
): Pick<
  FlagDoc,
  | 'name'
  | 'description'
  | 'tags'
  | 'variations'
  | 'disabledVariationId'
  | 'targetUsers'
  | 'rules'
  | 'fallthrough'
  | 'exptIncludeAllTargets'
  | 'prerequisites'
> {
  return {
    name: flag.name.trim(),
    description: flag.description,
    tags: [...new Set(flag.tags.map((t) => t.trim()).filter((t) => t !== ''))],
    variations: flag.variations.map((v) => ({
      id: v.id || randomUUID(),
      name: v.name,
      value: v.value,
    })),
    disabledVariationId: flag.disabledVariationId,
    targetUsers: flag.targetUsers.map((t) => ({
      keyIds: [...t.keyIds],
      variationId: t.variationId,
    })),
    rules: flag.rules.map((r) => ({
      id: r.id || randomUUID(),
      name: r.name,
      dispatchKey: r.dispatchKey === '' ? null : r.dispatchKey,
      includedInExpt: r.includedInExpt,
      conditions: conditionsFromProto(r.conditions),
      variations: rolloutFromProto(r.variations),
    })),
    fallthrough: {
      dispatchKey: flag.fallthrough?.dispatchKey ? flag.fallthrough.dispatchKey : null,
      includedInExpt: flag.fallthrough?.includedInExpt ?? true,
      variations: rolloutFromProto(flag.fallthrough?.variations ?? []),
    },
    exptIncludeAllTargets: flag.exptIncludeAllTargets,
    prerequisites: flag.prerequisites.map((p) => ({
      flagKey: p.flagKey,
      variationId: p.variationId,
    })),
  };
}

/** The proto form of a stored flag. */
export function flagToProto(doc: FlagDoc): ProtoFlag {
  return {
    id: doc._id,
    envId: doc.envId,
    key: doc.key,
    name: doc.name ?? '',
    description: doc.description ?? '',
    tags: [...(doc.tags ?? [])],
    variationType: variationTypeToProto(doc.variationType),
    variations: doc.variations.map((v) => ({ id: v.id, name: v.name ?? '', value: v.value })),
    isEnabled: doc.isEnabled,
    disabledVariationId: doc.disabledVariationId,
    targetUsers: doc.targetUsers.map((t) => ({
      keyIds: [...t.keyIds],
      variationId: t.variationId,
    })),
    rules: doc.rules.map((r) => ({
      id: r.id ?? '',
      name: r.name,
      dispatchKey: r.dispatchKey ?? '',
      includedInExpt: r.includedInExpt,
      conditions: conditionsToProto(r.conditions),
      variations: rolloutToProto(r.variations),
    })),
    fallthrough: {
      dispatchKey: doc.fallthrough.dispatchKey ?? '',
      includedInExpt: doc.fallthrough.includedInExpt,
      variations: rolloutToProto(doc.fallthrough.variations),
    },
    exptIncludeAllTargets: doc.exptIncludeAllTargets,
    isArchived: doc.isArchived ?? false,
    prerequisites: (doc.prerequisites ?? []).map((p) => ({ ...p })),
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
    version: doc.version,
  };
}
