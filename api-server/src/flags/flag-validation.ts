// Validation of a flag definition by core, reported as request field violations.
import { validateFlag } from '@vane/core';
import type { FeatureFlag, Segment } from '@vane/core';
import { InvalidArgument } from '../errors/domain-errors.js';

/** `rules[0].conditions[1].op` (core, camelCase) → `flag.rules[0].conditions[1].op` (proto). */
export function protoPath(prefix: string, corePath: string): string {
  const snake = corePath
    .replace(/variations\[(\d+)\]\.id/g, 'variations[$1].variation_id')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return corePath === '' ? prefix : `${prefix}.${snake}`;
}

/** Throws INVALID_ARGUMENT with every problem core finds in the flag, if any. */
export function assertValidFlag(
  flag: FeatureFlag,
  segments: readonly Segment[],
  flags: readonly FeatureFlag[],
): void {
  const problems = validateFlag(flag, { segments, flags });
  if (problems.length > 0) {
    throw new InvalidArgument(
      problems.map((p) => ({ field: protoPath('flag', p.path), description: p.message })),
    );
  }
}
