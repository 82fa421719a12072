// Users per variation needed to detect an observed effect (FeatBit's "sample size is too small"
// guard): the two-sample t-test power equation on Cohen's d, solved for n as statsmodels'
// `tt_ind_solve_power(effect_size=d, alpha, power, ratio=1)` does, rounded up.
import type { ArmSummary } from './arm-summary.js';
import {
  chiSquarePdf,
  chiSquareQuantile,
  normalCdf,
  normalQuantile,
  tQuantile,
} from './distributions.js';
import { brentRoot, simpson } from './numeric.js';

/** The power FeatBit asks of an experiment. */
export const DEFAULT_POWER = 0.8;

/** Cap of `requiredUsers` (an effect of ~0 needs an astronomically large sample). */
export const MAX_REQUIRED_USERS = Number.MAX_SAFE_INTEGER;

// Beyond this many degrees of freedom the noncentral t is the normal N(nc, 1) to ~1e-9.
const NORMAL_DF = 1e7;

/** Cohen's d of the variation over the baseline with the pooled sd √((v_b + v_v)/2) (FeatBit). */
export function cohensD(variation: ArmSummary, baseline: ArmSummary): number {
  const pooled = Math.sqrt((baseline.variance + variation.variance) / 2);
  return pooled > 0 ? (variation.mean - baseline.mean) / pooled : 0;
}

/**
 * P(T' > c) for T' ~ noncentral t(df, nc): E[Φ(nc − c·√(V/df))] with V ~ χ²(df), integrated over
 * s = ln V on a fixed Simpson grid spanning the central 1 − 2e-13 of V.
 */
export function noncentralTSurvival(c: number, df: number, nc: number): number {
  if (df > NORMAL_DF) return 1 - normalCdf(c - nc);
  const lo = Math.log(chiSquareQuantile(1e-13, df));
  const hi = Math.log(chiSquareQuantile(1 - 1e-13, df));
  const integrand = (s: number): number => {
    const v = Math.exp(s);
    return chiSquarePdf(v, df) * v * normalCdf(nc - c * Math.sqrt(v / df));
  };
  return simpson(integrand, lo, hi, 400);
}

/** Power of the two-sided two-sample t-test with n users per arm for effect size d. */
export function twoSampleTPower(d: number, n: number, alpha: number): number {
  const df = 2 * n - 2;
  const nc = Math.abs(d) * Math.sqrt(n / 2);
  const crit = df > NORMAL_DF ? normalQuantile(1 - alpha / 2) : tQuantile(1 - alpha / 2, df);
  return noncentralTSurvival(crit, df, nc) + noncentralTSurvival(crit, df, -nc);
}

/**
 * Users per arm for the two-sided t-test to detect d with the given power: the smallest integer
 * n ≥ 2 at or above the continuous solution. 0 when d is 0 or not finite (not computable).
 */
export function requiredUsersForEffect(d: number, alpha: number, power = DEFAULT_POWER): number {
  if (!Number.isFinite(d) || d === 0) return 0;
  const gap = (n: number): number => twoSampleTPower(d, n, alpha) - power;
  if (gap(2) >= 0) return 2;
  // The normal approximation is a close upper-side guess; bracket around it.
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const guess = (2 * z * z) / (d * d);
  if (!(guess < MAX_REQUIRED_USERS / 4)) return MAX_REQUIRED_USERS;
  let lower = 2;
  let upper = Math.max(4, guess * 1.5 + 4);
  while (gap(upper) < 0) {
    lower = upper;
    upper *= 2;
    if (upper > MAX_REQUIRED_USERS) return MAX_REQUIRED_USERS;
  }
  const n = brentRoot(gap, lower, upper, 1e-9 * Math.max(1, upper));
  return Math.min(MAX_REQUIRED_USERS, Math.ceil(n - 1e-9));
}

/** `requiredUsersForEffect` for the observed effect of a variation over the baseline. */
export function requiredUsers(
  variation: ArmSummary,
  baseline: ArmSummary,
  alpha: number,
  power = DEFAULT_POWER,
): number {
  return requiredUsersForEffect(cohensD(variation, baseline), alpha, power);
}
