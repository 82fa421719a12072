// Feature-flag definitions as FeatBit's server SDK payload carries them (featbit.md §3.1),
// plus Vane's `prerequisites` and per-environment `version`.

/** One value a flag can serve; `value` is always a string (JSON text for json flags). */
export interface Variation {
  readonly id: string;
  readonly name?: string;
  readonly value: string;
}

/** Individual targeting: these user keys get `variationId`. */
export interface TargetUser {
  readonly keyIds: readonly string[];
  readonly variationId: string;
}

/**
 * One condition of a rule. `value` is a string; list operators and segment conditions
 * hold JSON array text. Segment conditions use `property` "User is in segment" /
 * "User is not in segment" and ignore `op`.
 */
export interface Condition {
  readonly id?: string;
  readonly property: string;
  readonly op: string | null;
  readonly value: string | null;
}

/** A share of a rollout: users whose dispatch percentage is in `rollout` (inclusive) get `id`. */
export interface RolloutVariation {
  readonly id: string;
  readonly rollout: readonly [number, number];
  readonly exptRollout: number;
}

/** An ordered targeting rule; the first rule whose conditions all match wins. */
export interface TargetRule {
  readonly id?: string;
  readonly name: string;
  readonly dispatchKey?: string | null;
  readonly includedInExpt: boolean;
  readonly conditions: readonly Condition[];
  readonly variations: readonly RolloutVariation[];
}

/** The default rule, served when no target or rule matched. */
export interface Fallthrough {
  readonly dispatchKey?: string | null;
  readonly includedInExpt: boolean;
  readonly variations: readonly RolloutVariation[];
}

/** Vane extension: this flag is served normally only if `flagKey` gives the user `variationId`. */
export interface Prerequisite {
  readonly flagKey: string;
  readonly variationId: string;
}

/** The variation types FeatBit knows; values stay strings whatever the type. */
export type VariationType = 'boolean' | 'string' | 'number' | 'json';

/** A feature flag of one environment. */
export interface FeatureFlag {
  readonly id: string;
  readonly key: string;
  readonly envId?: string;
  readonly name?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly variationType: VariationType;
  readonly variations: readonly Variation[];
  readonly isEnabled: boolean;
  readonly disabledVariationId: string;
  readonly targetUsers: readonly TargetUser[];
  readonly rules: readonly TargetRule[];
  readonly fallthrough: Fallthrough;
  readonly exptIncludeAllTargets: boolean;
  readonly isArchived?: boolean;
  /** Vane extension; absent or empty means none (FeatBit behaviour). */
  readonly prerequisites?: readonly Prerequisite[];
  /** Vane extension: per-environment version, increasing with every change. */
  readonly version?: number;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}
