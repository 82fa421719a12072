import type { Condition } from './feature-flag.js';

/** A segment rule: matches when all its conditions match (plain operators only). */
export interface MatchRule {
  readonly id?: string;
  readonly name?: string;
  readonly conditions: readonly Condition[];
}

/** A reusable group of users: excluded beats included, which beats the rules. */
export interface Segment {
  readonly id: string;
  readonly key?: string;
  readonly envId?: string;
  readonly name?: string;
  readonly description?: string;
  readonly included: readonly string[];
  readonly excluded: readonly string[];
  readonly rules: readonly MatchRule[];
  readonly tags?: readonly string[];
  readonly isArchived?: boolean;
  /** Vane extension: per-environment version. */
  readonly version?: number;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}
