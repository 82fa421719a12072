// Sample-ratio-mismatch check: Pearson's chi-square of the observed exposures against the split
// the traffic weights intend. A mismatch means assignment or collection is broken.
import { chiSquareCdf } from './distributions.js';

/** p-value below which the split counts as mismatched. */
export const SRM_THRESHOLD = 0.001;

/** The outcome of a sample-ratio check. */
export interface SampleRatioResult {
  /** False when skipped (fewer than two non-zero weights, or no exposures); then all else is 0. */
  readonly checked: boolean;
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** pValue < 0.001. */
  readonly mismatch: boolean;
}

const SKIPPED: SampleRatioResult = Object.freeze({
  checked: false,
  chiSquare: 0,
  degreesOfFreedom: 0,
  pValue: 0,
  mismatch: false,
});

/**
 * χ² = Σ (o_i − e_i)² / e_i over the variations with a non-zero weight, e_i = N·w_i/Σw, df = k − 1.
 * Exposures to a zero-weight variation are a mismatch by themselves (χ² = ∞, p = 0).
 */
export function sampleRatioCheck(
  observed: readonly number[],
  weights: readonly number[],
): SampleRatioResult {
  if (observed.length !== weights.length) throw new RangeError('observed and weights differ');
  const active = weights.flatMap((w, i) => (w > 0 ? [i] : []));
  const totalWeight = active.reduce((s, i) => s + weights[i]!, 0);
  const total = active.reduce((s, i) => s + observed[i]!, 0);
  const strayExposures = observed.some((o, i) => !(weights[i]! > 0) && o > 0);
  if (active.length === 0 || (total === 0 && !strayExposures)) return SKIPPED;
  const df = active.length - 1;
  if (strayExposures) {
    return { checked: true, chiSquare: Infinity, degreesOfFreedom: df, pValue: 0, mismatch: true };
  }
  if (df === 0) return SKIPPED;
  let chiSquare = 0;
  for (const i of active) {
    const expected = (total * weights[i]!) / totalWeight;
    chiSquare += (observed[i]! - expected) ** 2 / expected;
  }
  const pValue = Math.max(0, 1 - chiSquareCdf(chiSquare, df));
  return {
    checked: true,
    chiSquare,
    degreesOfFreedom: df,
    pValue,
    mismatch: pValue < SRM_THRESHOLD,
  };
}
