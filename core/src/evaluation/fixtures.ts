import type { EndUser } from '../model/end-user.js';
import type {
  Condition,
  FeatureFlag,
  RolloutVariation,
  TargetRule,
} from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';

// Builders for tests, vectors and benchmarks: a boolean flag with variations "on"/"off".

/** A rollout serving one variation to everyone. */
export function serve(id: string, exptRollout = 1): RolloutVariation[] {
  return [{ id, rollout: [0, 1], exptRollout }];
}

/** A rule named `name` serving `variations` (default: "on" to everyone). */
export function rule(
  name: string,
  conditions: Condition[],
  variations = serve('on'),
  extra: Partial<TargetRule> = {},
): TargetRule {
  return {
    id: `rule-${name}`,
    name,
    dispatchKey: null,
    includedInExpt: false,
    conditions,
    variations,
    ...extra,
  };
}

/** A plain condition. */
export function cond(property: string, op: string | null, value: string | null): Condition {
  return { property, op, value };
}

/** An enabled boolean flag serving "off" by default; override any field. */
export function flag(key: string, extra: Partial<FeatureFlag> = {}): FeatureFlag {
  return {
    id: `id-${key}`,
    key,
    name: key,
    variationType: 'boolean',
    variations: [
      { id: 'on', name: 'On', value: 'true' },
      { id: 'off', name: 'Off', value: 'false' },
    ],
    isEnabled: true,
    disabledVariationId: 'off',
    targetUsers: [],
    rules: [],
    fallthrough: { dispatchKey: null, includedInExpt: false, variations: serve('off') },
    exptIncludeAllTargets: false,
    isArchived: false,
    ...extra,
  };
}

/** A segment; override any field. */
export function segment(id: string, extra: Partial<Segment> = {}): Segment {
  return {
    id,
    key: id,
    name: id,
    included: [],
    excluded: [],
    rules: [],
    isArchived: false,
    ...extra,
  };
}

/** A user with custom properties given as an object. */
export function user(keyId: string, props: Record<string, string> = {}, name?: string): EndUser {
  return {
    keyId,
    ...(name === undefined ? {} : { name }),
    customizedProperties: Object.entries(props).map(([n, value]) => ({ name: n, value })),
  };
}
