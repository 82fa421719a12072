// The per-variation sample the statistics work on.

/** One arm of an experiment: sample size, mean per user and variance per user. */
export interface ArmSummary {
  /** Sample size (users). */
  readonly n: number;
  /** Mean per user (a conversion rate for conversion metrics). */
  readonly mean: number;
  /** Variance per user (p(1 − p) for conversion metrics, the sample variance for numeric ones). */
  readonly variance: number;
}

/** The summary of a conversion arm: mean p = conversions / n, variance p(1 − p) (FeatBit). */
export function conversionArm(users: number, conversions: number): ArmSummary {
  const p = users > 0 ? conversions / users : 0;
  return { n: users, mean: p, variance: p * (1 - p) };
}
