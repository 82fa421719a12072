// Bayesian comparison of a variation with the baseline: the chance to beat the baseline and the
// credible interval of the relative lift X_v / X_b − 1, computed from the arms' posteriors by
// deterministic numerical integration (no sampling: the same data gives the same numbers).
import type { ArmSummary } from './arm-summary.js';
import {
  betaCdf,
  betaPdf,
  betaQuantile,
  normalCdf,
  normalPdf,
  normalQuantile,
} from './distributions.js';
import { brentRoot, simpson } from './numeric.js';

/** A posterior of an arm's mean: Beta for conversion rates, Normal for numeric means. */
export type Posterior =
  | { readonly kind: 'beta'; readonly a: number; readonly b: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number };

/** The outcome of the Bayesian comparison. */
export interface BayesianLift {
  /** P(variation better than baseline in the success direction). */
  readonly chanceToBeatBaseline: number;
  /** The α/2 quantile of the relative lift X_v / X_b − 1. */
  readonly liftLower: number;
  /** The 1 − α/2 quantile of the relative lift. */
  readonly liftUpper: number;
}

/** Beta(1 + conversions, 1 + users − conversions): a uniform prior updated by the data. */
export function conversionPosterior(users: number, conversions: number): Posterior {
  return { kind: 'beta', a: 1 + conversions, b: 1 + users - conversions };
}

/** Normal(mean, variance / n): the posterior of a numeric mean under a flat prior. */
export function numericPosterior(arm: ArmSummary): Posterior {
  return { kind: 'normal', mean: arm.mean, sd: Math.sqrt(arm.variance / arm.n) };
}

function meanOf(p: Posterior): number {
  return p.kind === 'beta' ? p.a / (p.a + p.b) : p.mean;
}

function sdOf(p: Posterior): number {
  if (p.kind === 'normal') return p.sd;
  const s = p.a + p.b;
  return Math.sqrt((p.a * p.b) / (s * s * (s + 1)));
}

function cdfOf(p: Posterior): (x: number) => number {
  return p.kind === 'beta' ? (x) => betaCdf(x, p.a, p.b) : (x) => normalCdf(x, p.mean, p.sd);
}

function pdfOf(p: Posterior): (x: number) => number {
  return p.kind === 'beta' ? (x) => betaPdf(x, p.a, p.b) : (x) => normalPdf(x, p.mean, p.sd);
}

// The central 1 − 2e-12 of a posterior: where the integration grid goes.
function supportOf(p: Posterior): [number, number] {
  return p.kind === 'beta'
    ? [betaQuantile(1e-12, p.a, p.b), betaQuantile(1 - 1e-12, p.a, p.b)]
    : [normalQuantile(1e-12, p.mean, p.sd), normalQuantile(1 - 1e-12, p.mean, p.sd)];
}

/**
 * The CDF of the ratio R = X_v / X_b, F(r) = ∫ f_b(y)·P(X_v/y ≤ r) dy, on a Simpson grid over the
 * baseline's support fine enough for both the baseline density and the variation's CDF.
 */
export function ratioCdf(variation: Posterior, baseline: Posterior): (r: number) => number {
  const [lo, hi] = supportOf(baseline);
  const fb = pdfOf(baseline);
  const Fv = cdfOf(variation);
  const ratio = Math.abs(meanOf(variation) / meanOf(baseline)) || 1;
  const feature = Math.min(sdOf(baseline), sdOf(variation) / ratio);
  const intervals = Math.min(20_000, Math.max(200, Math.ceil((hi - lo) / (feature / 3))));
  return (r) =>
    simpson(
      (y) => {
        if (y === 0) return 0;
        const p = Fv(r * y);
        return fb(y) * (y > 0 ? p : 1 - p);
      },
      lo,
      hi,
      intervals,
    );
}

function ratioQuantile(
  cdf: (r: number) => number,
  q: number,
  center: number,
  spread: number,
): number {
  const f = (r: number): number => cdf(r) - q;
  let step = Math.max(spread, 1e-9);
  let lower = center - step;
  let upper = center + step;
  for (let i = 0; f(lower) > 0; i++) {
    if (i > 60) return -Infinity;
    step *= 2;
    lower = center - step;
  }
  for (let i = 0; f(upper) < 0; i++) {
    if (i > 60) return Infinity;
    step *= 2;
    upper = center + step;
  }
  return brentRoot(f, lower, upper, 1e-10 * Math.max(1, Math.abs(center)));
}

/**
 * Chance to beat the baseline (P(X_v > X_b), or P(X_v < X_b) when lower is better) and the
 * (1 − α) equal-tailed credible interval of X_v / X_b − 1. Normal posteriors get the closed-form
 * chance Φ((m_v − m_b)/√(s_v² + s_b²)).
 */
export function bayesianLift(
  variation: Posterior,
  baseline: Posterior,
  alpha: number,
  higherIsBetter: boolean,
): BayesianLift {
  const cdf = ratioCdf(variation, baseline);
  let chanceHigher: number;
  if (variation.kind === 'normal' && baseline.kind === 'normal') {
    const sd = Math.hypot(variation.sd, baseline.sd);
    chanceHigher = 1 - normalCdf(0, variation.mean - baseline.mean, sd);
  } else {
    chanceHigher = 1 - cdf(1);
  }
  chanceHigher = Math.min(1, Math.max(0, chanceHigher));
  const mv = meanOf(variation);
  const mb = meanOf(baseline);
  const center = mv / mb;
  const spread =
    Math.abs(center) * Math.hypot(sdOf(variation) / (mv || 1), sdOf(baseline) / mb) ||
    sdOf(variation) / Math.abs(mb);
  return {
    chanceToBeatBaseline: higherIsBetter ? chanceHigher : 1 - chanceHigher,
    liftLower: ratioQuantile(cdf, alpha / 2, center, spread) - 1,
    liftUpper: ratioQuantile(cdf, 1 - alpha / 2, center, spread) - 1,
  };
}
