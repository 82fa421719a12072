// Vane's domain model ↔ FeatBit's JSON shapes (featbit.md §2.5–2.7, §3.1). Vane's model is
// FeatBit-shaped, so definitions map field by field; what FeatBit lacks (prerequisites, Vane-only
// operators) is sent as is and ignored by FeatBit's SDKs (see the README's compatibility table).
import type {
  CustomizedProperty,
  EndUser,
  EvaluationResult,
  FeatBitCondition,
  FeatBitFlag,
  FeatBitRollout,
  FeatBitSegment,
  FeatureFlag,
  VariationType,
} from '@vane/core';
import type { VersionedFlag, VersionedSegment } from '../environments/environment-source.js';
import type { Tombstone } from '../sync/environment-snapshot.js';

export type { FeatBitCondition, FeatBitFlag, FeatBitRollout, FeatBitSegment };

/** One evaluated flag in FeatBit's client SDK payload; `id` is the flag key. */
export interface FeatBitClientFlag {
  id: string;
  variation: string | null;
  variationType: VariationType;
  /** Null for an archived or deleted flag, as FeatBit sends it. */
  variationId: string | null;
  matchReason: string;
  variationOptions: { id: string; value: string }[];
  sendToExperiment: boolean;
  timestamp: number;
}

/** FeatBit's end-user JSON (`keyId`, `name`, `customizedProperties`). */
export interface FeatBitUser {
  keyId: string;
  name: string;
  customizedProperties: { name: string; value: string }[];
}

/** FeatBit's `matchReason` for a flag that no longer exists (the browser SDK treats it as absent). */
export const ARCHIVED_REASON = 'flag archived';

/** ISO-8601 with milliseconds; FeatBit's SDKs read the version back with `new Date(...)`. */
export function versionToIso(version: number): string {
  return new Date(version).toISOString();
}

const condition = (c: {
  id?: string;
  property: string;
  op: string | null;
  value: string | null;
}): FeatBitCondition => ({
  id: c.id ?? '',
  property: c.property,
  op: c.op ?? null,
  value: c.value ?? null,
});

const rollout = (v: {
  id: string;
  rollout: readonly [number, number];
  exptRollout: number;
}): FeatBitRollout => ({
  id: v.id,
  rollout: [v.rollout[0], v.rollout[1]],
  exptRollout: v.exptRollout,
});

/** A flag in FeatBit's server-SDK JSON; `updatedAt` is the flag's sync version. */
export function flagToFeatBit(flag: VersionedFlag, envId: string): FeatBitFlag {
  const updatedAt = versionToIso(flag.version);
  return {
    id: flag.id,
    envId: flag.envId ?? envId,
    name: flag.name ?? flag.key,
    description: flag.description ?? '',
    key: flag.key,
    variationType: flag.variationType,
    variations: flag.variations.map((v) => ({ id: v.id, name: v.name ?? '', value: v.value })),
    targetUsers: flag.targetUsers.map((t) => ({
      keyIds: [...t.keyIds],
      variationId: t.variationId,
    })),
    rules: flag.rules.map((r, i) => ({
      id: r.id ?? `${flag.id}-rule-${i}`,
      name: r.name,
      dispatchKey: r.dispatchKey ?? null,
      includedInExpt: r.includedInExpt,
      conditions: r.conditions.map(condition),
      variations: r.variations.map(rollout),
    })),
    isEnabled: flag.isEnabled,
    disabledVariationId: flag.disabledVariationId,
    fallthrough: {
      dispatchKey: flag.fallthrough.dispatchKey ?? null,
      includedInExpt: flag.fallthrough.includedInExpt,
      variations: flag.fallthrough.variations.map(rollout),
    },
    exptIncludeAllTargets: flag.exptIncludeAllTargets,
    tags: [...(flag.tags ?? [])],
    isArchived: flag.isArchived === true,
    createdAt: flag.createdAt ?? updatedAt,
    updatedAt,
  };
}

/** A segment in FeatBit's server-SDK JSON; `updatedAt` is the segment's sync version. */
export function segmentToFeatBit(segment: VersionedSegment, envId: string): FeatBitSegment {
  const updatedAt = versionToIso(segment.version);
  return {
    id: segment.id,
    envId: segment.envId ?? envId,
    name: segment.name ?? segment.key ?? segment.id,
    key: segment.key ?? segment.id,
    description: segment.description ?? '',
    included: [...segment.included],
    excluded: [...segment.excluded],
    rules: segment.rules.map((r, i) => ({
      id: r.id ?? `${segment.id}-rule-${i}`,
      name: r.name ?? '',
      conditions: r.conditions.map(condition),
    })),
    tags: [...(segment.tags ?? [])],
    isArchived: segment.isArchived === true,
    createdAt: segment.createdAt ?? updatedAt,
    updatedAt,
  };
}

/**
 * An archived or deleted flag as a server SDK receives it in a PATCH: `isArchived` and, as
 * `updatedAt`, the version of the archive or deletion, so every SDK's cursor moves past it. The
 * SDKs that read `isArchived` (Python, Go, Java) drop the flag; the Node SDK, which does not,
 * finds no variation to serve and returns the caller's default, as for an unknown flag.
 */
export function archivedFlagToFeatBit(t: Tombstone, envId: string): FeatBitFlag {
  const updatedAt = versionToIso(t.version);
  return {
    id: t.id,
    envId,
    name: t.key,
    description: '',
    key: t.key,
    variationType: 'boolean',
    variations: [],
    targetUsers: [],
    rules: [],
    isEnabled: false,
    disabledVariationId: '',
    fallthrough: { dispatchKey: null, includedInExpt: false, variations: [] },
    exptIncludeAllTargets: false,
    tags: [],
    isArchived: true,
    createdAt: updatedAt,
    updatedAt,
  };
}

/** An archived or deleted segment in a server PATCH (see `archivedFlagToFeatBit`). */
export function archivedSegmentToFeatBit(t: Tombstone, envId: string): FeatBitSegment {
  const updatedAt = versionToIso(t.version);
  return {
    id: t.id,
    envId,
    name: t.key,
    key: t.key,
    description: '',
    included: [],
    excluded: [],
    rules: [],
    tags: [],
    isArchived: true,
    createdAt: updatedAt,
    updatedAt,
  };
}

/**
 * One flag's result for FeatBit's client SDK, or undefined when the evaluation failed (a
 * malformed flag: the SDK then serves the caller's default, as for an unknown flag).
 */
export function clientFlagToFeatBit(
  flag: FeatureFlag,
  result: EvaluationResult,
  timestamp: number,
): FeatBitClientFlag | undefined {
  if (result.variation === null) return undefined;
  return {
    id: flag.key,
    variation: result.variation.value,
    variationType: flag.variationType,
    variationId: result.variation.id,
    matchReason: result.reason,
    variationOptions: flag.variations.map((v) => ({ id: v.id, value: v.value })),
    sendToExperiment: result.sendToExperiment,
    timestamp,
  };
}

/** A deleted or archived flag for FeatBit's client SDK: no variation, `flag archived`. */
export function removedClientFlag(key: string, timestamp: number): FeatBitClientFlag {
  return {
    id: key,
    variation: null,
    variationType: 'string',
    variationId: null,
    matchReason: ARCHIVED_REASON,
    variationOptions: [],
    sendToExperiment: false,
    timestamp,
  };
}

/** Most custom properties accepted on one user. */
export const MAX_USER_PROPERTIES = 200;
/** Longest key, name, property name or value accepted. */
export const MAX_USER_FIELD = 1024;

/** Parses FeatBit's user JSON; a string explains what is wrong (keyId must be non-blank). */
export function userFromFeatBit(json: unknown): EndUser | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return 'user must be an object';
  }
  const u = json as Record<string, unknown>;
  if (typeof u.keyId !== 'string' || u.keyId.trim() === '') {
    return 'user.keyId must be a non-blank string';
  }
  if (u.keyId.length > MAX_USER_FIELD) return 'user.keyId is too long';
  const name = u.name === undefined || u.name === null ? '' : u.name;
  if (typeof name !== 'string' || name.length > MAX_USER_FIELD) {
    return 'user.name must be a string';
  }
  const props = u.customizedProperties ?? [];
  if (!Array.isArray(props)) return 'user.customizedProperties must be an array';
  if (props.length > MAX_USER_PROPERTIES) return 'user has too many customizedProperties';
  const customizedProperties: CustomizedProperty[] = [];
  for (const p of props as unknown[]) {
    if (typeof p !== 'object' || p === null) return 'customizedProperties items must be objects';
    const { name: pn, value } = p as Record<string, unknown>;
    if (typeof pn !== 'string' || pn.length > MAX_USER_FIELD) {
      return 'customizedProperties[].name must be a string';
    }
    // FeatBit's values are strings; the browser SDK lets numbers and booleans through.
    let text: string | null;
    if (value === null || value === undefined) text = null;
    else if (typeof value === 'string') text = value;
    else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
    else return `customizedProperties[${pn}].value must be a string`;
    if (text !== null && text.length > MAX_USER_FIELD) return 'property value is too long';
    customizedProperties.push({ name: pn, value: text });
  }
  return { keyId: u.keyId, name, customizedProperties };
}
