// Frequentist comparison of a variation with the baseline, as FeatBit does it: a Welch t-test on
// the relative lift with the delta-method variance.
import type { ArmSummary } from './arm-summary.js';
import { tCdf, tQuantile } from './distributions.js';

/** The outcome of a Welch t-test on the relative lift of a variation over the baseline. */
export interface LiftTest {
  /** δ = (mean_v − mean_b) / mean_b. */
  readonly relativeLift: number;
  /** Standard error of δ by the delta method. */
  readonly standardError: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly degreesOfFreedom: number;
  /** Lower bound of the (1 − α) confidence interval of δ. */
  readonly ciLower: number;
  /** Upper bound of that interval. */
  readonly ciUpper: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** pValue < α. */
  readonly significant: boolean;
}

/**
 * Welch's t-test on δ = (m_v − m_b)/m_b with Var(δ) = v_v/(n_v·m_b²) + v_b·m_v²/(n_b·m_b⁴).
 * Undefined when not computable: a zero baseline mean, fewer than 2 users in an arm, or a zero
 * standard error (both variances zero).
 */
export function welchLiftTest(
  variation: ArmSummary,
  baseline: ArmSummary,
  alpha: number,
): LiftTest | undefined {
  const { n: nv, mean: mv, variance: vv } = variation;
  const { n: nb, mean: mb, variance: vb } = baseline;
  if (mb === 0 || nv < 2 || nb < 2) return undefined;
  const lift = (mv - mb) / mb;
  const varianceOfLift = vv / (nv * mb * mb) + (vb * mv * mv) / (nb * mb ** 4);
  const se = Math.sqrt(varianceOfLift);
  if (!(se > 0) || !Number.isFinite(se)) return undefined;
  const a = vv / nv;
  const b = vb / nb;
  const df = (a + b) ** 2 / ((a * a) / (nv - 1) + (b * b) / (nb - 1));
  const t = lift / se;
  const pValue = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  const margin = tQuantile(1 - alpha / 2, df) * se;
  return {
    relativeLift: lift,
    standardError: se,
    degreesOfFreedom: df,
    ciLower: lift - margin,
    ciUpper: lift + margin,
    pValue,
    significant: pValue < alpha,
  };
}
