// What ELS adds to core's proto mapping (`@vane/core/proto`): a compact identity of a result.
import type { EvaluationResult } from '@vane/core';

/** A compact identity of a result, to push client SDKs only the results that changed. */
export function resultSignature(result: EvaluationResult): string {
  return `${result.variation?.id ?? ''}\u0000${result.variation?.value ?? ''}\u0000${result.kind}\u0000${result.reason}\u0000${String(result.sendToExperiment)}`;
}
