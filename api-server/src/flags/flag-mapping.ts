// Proto ↔ stored form of flags, on core's mapping (`@vane/core/proto`): what the admin API adds
// is normalisation on write (ids generated, names and tags trimmed) and the bookkeeping fields.
import { randomUUID } from 'node:crypto';
import { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT } from '@vane/core';
import type { Condition, TargetRule } from '@vane/core';
import {
  conditionsFromProto as coreConditions,
  flagFromProto,
  flagToProto as coreFlagToProto,
} from '@vane/core/proto';
import type { FeatureFlag as ProtoFlag } from '@vane/gen/node/vane/model/v1/flag';
import type { Condition as ProtoCondition } from '@vane/gen/node/vane/model/v1/targeting';
import type { FlagDoc } from '@vane/server-kit/documents';

/** Conditions with ids generated where the caller left them empty. */
function withIds(conditions: readonly Condition[]): Condition[] {
  return conditions.map((c) => (c.id ? c : { ...c, id: randomUUID() }));
}

/** Conditions as stored; ids are generated where the caller left them empty. */
export function conditionsFromProto(conditions: readonly ProtoCondition[]): Condition[] {
  return withIds(coreConditions(conditions));
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

/**
 * The editable flag fields of a proto flag, in stored form: core's reading of it, with ids generated
 * where empty and the name and tags trimmed (empty and repeated tags dropped).
 */
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
  const f = flagFromProto(flag);
  return {
    name: flag.name.trim(),
    description: flag.description,
    tags: [...new Set(flag.tags.map((t) => t.trim()).filter((t) => t !== ''))],
    variations: f.variations.map((v) => (v.id ? v : { ...v, id: randomUUID() })),
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers,
    rules: f.rules.map((r) => ({
      ...r,
      id: r.id || randomUUID(),
      conditions: withIds(r.conditions),
    })),
    fallthrough: f.fallthrough,
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    prerequisites: f.prerequisites ?? [],
  };
}

/** The proto form of a stored flag: core's mapping plus the document's bookkeeping. */
export function flagToProto(doc: FlagDoc): ProtoFlag {
  return {
    ...coreFlagToProto(doc),
    id: doc._id,
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
  };
}
