// Evaluates an exported environment locally with @vane/core (the engine ELS and the server SDK
// use), without a server: `vane flags eval --file export.json`. The export holds the Protobuf
// JSON of `vane.model.v1` definitions, mapped to core's model by the server SDK's mapping (the
// same definitions ELS sends server SDKs).
import { compileEnvironment } from '@vane/core';
import type { EndUser } from '@vane/core';
import type { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import type { Segment } from '@vane/gen/node/vane/model/v1/segment';
import { flagFromProto, segmentFromProto } from '@vane/core/proto';
import { UsageError } from './resolve.js';

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
    flags: data.flags.map(flagFromProto),
    segments: data.segments.map(segmentFromProto),
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
