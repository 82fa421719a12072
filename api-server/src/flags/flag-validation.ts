// Validation of a flag definition by core, reported as request field violations.
import { validateFlag } from '@vane/core';
import type { FeatureFlag, Segment, ValidationProblem } from '@vane/core';
import { variationTypeFromProto } from '@vane/core/proto';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { invalidArgument } from '@vane/server-kit';
import type { Violations } from '../shared/validation.js';
import type { InvalidArgument } from '@vane/server-kit';

/**
 * A core problem path in the proto's terms: `rules[0].conditions[1].op` →
 * `flag.rules[0].conditions[1].op`. A rollout's `id` is its `variation_id` (a flag variation's stays
 * `id`), and a rollout's `rollout[0]`/`rollout[1]` are `rollout_start`/`rollout_end`.
 */
export function protoPath(prefix: string, corePath: string): string {
  const snake = corePath
    .replace(/((?:rules\[\d+\]|fallthrough)\.variations\[\d+\])\.id\b/g, '$1.variation_id')
    .replace(/\.rollout\[0\]/g, '.rollout_start')
    .replace(/\.rollout\[1\]/g, '.rollout_end')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return corePath === '' ? prefix : `${prefix}.${snake}`;
}

/** INVALID_ARGUMENT listing core's problems under `prefix` (`flag`, `segment`). */
export function problemsError(
  prefix: string,
  problems: readonly ValidationProblem[],
): InvalidArgument {
  return invalidArgument(
    problems.map((p) => ({ field: protoPath(prefix, p.path), description: p.message })),
  );
}

/** Throws INVALID_ARGUMENT with every problem core finds in the flag, if any. */
export function assertValidFlag(
  flag: FeatureFlag,
  segments: readonly Segment[],
  flags: readonly FeatureFlag[],
): void {
  const problems = validateFlag(flag, { segments, flags });
  if (problems.length > 0) throw problemsError('flag', problems);
}

/** A `variation_type` on create: set, and one of the values the contract knows. */
export function checkVariationType(v: Violations, type: VariationType | undefined): void {
  const known = 'BOOLEAN, STRING, NUMBER or JSON';
  if (type === undefined || type === VariationType.VARIATION_TYPE_UNSPECIFIED) {
    v.add('flag.variation_type', `is required (${known})`);
  } else if (variationTypeFromProto(type) === undefined) {
    v.add('flag.variation_type', `${type} is not a known variation type (${known})`);
  }
}
