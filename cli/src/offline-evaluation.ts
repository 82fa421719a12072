// Evaluates an exported environment locally with @vane/core (the engine ELS and the server SDK
// use), without a server: `vane flags eval --file export.json`. The export holds the Protobuf
// JSON of `vane.model.v1` definitions; they are restated in core's model here (the contract's
// mapping, as ELS and the SDK each do on their side).
import { compileEnvironment } from '@vane/core';
import type {
  Condition,
  EndUser,
  FeatureFlag as CoreFlag,
  RolloutVariation,
  Segment as CoreSegment,
  VariationType as CoreType,
} from '@vane/core';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type {
  FeatureFlag,
  RolloutVariation as ProtoRollout,
} from '@vane/gen/node/vane/model/v1/flag';
import type { Segment } from '@vane/gen/node/vane/model/v1/segment';
import type { Condition as ProtoCondition } from '@vane/gen/node/vane/model/v1/targeting';
import { UsageError } from './resolve.js';

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

function coreFlag(f: FeatureFlag): CoreFlag {
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

function coreSegment(s: Segment): CoreSegment {
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

/** One flag's result, shaped like the admin API's `EvaluationResult` JSON. */
export interface OfflineResult {
  readonly flagKey: string;
  readonly variationId: string;
  readonly value: string;
  readonly reason: string;
}

/** Evaluates `keys` (every non-archived flag when empty) of an export for `user`. */
export function evaluateExport(
  data: { flags: FeatureFlag[]; segments: Segment[] },
  keys: readonly string[],
  user: EndUser,
): OfflineResult[] {
  const env = compileEnvironment({
    flags: data.flags.map(coreFlag),
    segments: data.segments.map(coreSegment),
  });
  const wanted = keys.length > 0 ? keys : data.flags.filter((f) => !f.isArchived).map((f) => f.key);
  return wanted.map((key) => {
    if (!env.getFlag(key)) throw new UsageError(`the export has no flag "${key}"`);
    const result = env.evaluate(key, user);
    return {
      flagKey: key,
      variationId: result.variation?.id ?? '',
      value: result.variation?.value ?? '',
      reason: result.reason,
    };
  });
}
