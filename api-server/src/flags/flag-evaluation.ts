// Evaluation previews: which keys a call evaluates. Users and results are mapped by core's
// `@vane/core/proto`, as in ELS, so a preview answers exactly as ELS would.
import type { FeatureFlag } from '@vane/core';

/**
 * The keys an EvaluateFeatureFlags call evaluates, ordered by key: the requested ones the
 * environment has (unknown keys are skipped, as the contract says; duplicates count once), or
 * every active flag when none is requested.
 */
export function keysToEvaluate(
  requested: readonly string[],
  env: { flagKeys(): string[]; getFlag(key: string): FeatureFlag | undefined },
): string[] {
  const keys =
    requested.length > 0
      ? [...new Set(requested)].filter((key) => env.getFlag(key) !== undefined)
      : env.flagKeys().filter((key) => !env.getFlag(key)?.isArchived);
  return keys.sort();
}
