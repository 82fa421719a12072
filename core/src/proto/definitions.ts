// Flag and segment definitions: core model ↔ `vane.model.v1` messages. The one mapping that the
// api-server (stored documents out), ELS (change messages in, sync frames out), the SDK
// (definitions in), the CLI and the tests share.
import type {
  Condition,
  FeatureFlag,
  RolloutVariation,
  TargetRule,
} from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import { variationTypeFromProto, variationTypeToProto } from './enums.js';
import type { ConditionMessage, FlagMessage, RolloutMessage, SegmentMessage } from './messages.js';

/** A Timestamp of an ISO-8601 text; undefined when absent or not a date. */
function dateOf(iso: string | undefined): Date | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The ISO-8601 fields of a Timestamp pair (absent ones are left out). */
function isoTimes(m: { createdAt?: Date | undefined; updatedAt?: Date | undefined }): {
  createdAt?: string;
  updatedAt?: string;
} {
  return {
    ...(m.createdAt ? { createdAt: m.createdAt.toISOString() } : {}),
    ...(m.updatedAt ? { updatedAt: m.updatedAt.toISOString() } : {}),
  };
}

/** Conditions in proto form (absent op and value become empty text). */
export function conditionsToProto(conditions: readonly Condition[]): ConditionMessage[] {
  return conditions.map((c) => ({
    id: c.id ?? '',
    property: c.property,
    op: c.op ?? '',
    value: c.value ?? '',
  }));
}

/** Conditions in core form (an empty op is none: segment conditions have none). */
export function conditionsFromProto(conditions: readonly ConditionMessage[]): Condition[] {
  return conditions.map((c) => ({
    id: c.id,
    property: c.property,
    op: c.op === '' ? null : c.op,
    value: c.value,
  }));
}

/** A rollout in proto form. */
export function rolloutToProto(variations: readonly RolloutVariation[]): RolloutMessage[] {
  return variations.map((r) => ({
    variationId: r.id,
    rolloutStart: r.rollout[0],
    rolloutEnd: r.rollout[1],
    exptRollout: r.exptRollout,
  }));
}

/** A rollout in core form. */
export function rolloutFromProto(variations: readonly RolloutMessage[]): RolloutVariation[] {
  return variations.map((r) => ({
    id: r.variationId,
    rollout: [r.rolloutStart, r.rolloutEnd] as const,
    exptRollout: r.exptRollout,
  }));
}

/** A targeting rule in proto form. */
function ruleToProto(r: TargetRule): FlagMessage['rules'][number] {
  return {
    id: r.id ?? '',
    name: r.name,
    dispatchKey: r.dispatchKey ?? '',
    includedInExpt: r.includedInExpt,
    conditions: conditionsToProto(r.conditions),
    variations: rolloutToProto(r.variations),
  };
}

/**
 * The proto form of a core flag. Core has no bookkeeping: `creatorId`, `updaterId` and `revision`
 * are empty, as SDKs receive them; the api-server sets them from the stored document.
 */
export function flagToProto(f: FeatureFlag): FlagMessage {
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
    rules: f.rules.map(ruleToProto),
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

/**
 * The core flag of a proto flag (a change message, a sync frame, a bootstrap file). Empty dispatch
 * keys are none; an unknown variation type reads as `string`, the type whose values need no
 * parsing; a fallthrough left out is the empty one, included in experiments.
 */
export function flagFromProto(f: FlagMessage): FeatureFlag {
  return {
    id: f.id,
    key: f.key,
    envId: f.envId,
    name: f.name,
    description: f.description,
    tags: [...f.tags],
    variationType: variationTypeFromProto(f.variationType) ?? 'string',
    variations: f.variations.map((v) => ({ id: v.id, name: v.name, value: v.value })),
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    targetUsers: f.targetUsers.map((t) => ({ keyIds: [...t.keyIds], variationId: t.variationId })),
    rules: f.rules.map((r) => ({
      id: r.id,
      name: r.name,
      dispatchKey: r.dispatchKey === '' ? null : r.dispatchKey,
      includedInExpt: r.includedInExpt,
      conditions: conditionsFromProto(r.conditions),
      variations: rolloutFromProto(r.variations),
    })),
    fallthrough: {
      dispatchKey: f.fallthrough?.dispatchKey ? f.fallthrough.dispatchKey : null,
      includedInExpt: f.fallthrough?.includedInExpt ?? true,
      variations: rolloutFromProto(f.fallthrough?.variations ?? []),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    isArchived: f.isArchived,
    prerequisites: f.prerequisites.map((p) => ({ flagKey: p.flagKey, variationId: p.variationId })),
    version: f.version,
    ...isoTimes(f),
  };
}

/** The proto form of a core segment (bookkeeping empty, as for flags). */
export function segmentToProto(s: Segment): SegmentMessage {
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

/** The core segment of a proto segment. */
export function segmentFromProto(s: SegmentMessage): Segment {
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
      conditions: conditionsFromProto(r.conditions),
    })),
    isArchived: s.isArchived,
    version: s.version,
    ...isoTimes(s),
  };
}
