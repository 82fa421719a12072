// The probability distributions the statistics need, from stdlib's ports of Boost/Cephes (one
// place for the CommonJS imports). Every function is exact to close to double precision.
import betaCdfImpl from '@stdlib/stats-base-dists-beta-cdf';
import betaPdfImpl from '@stdlib/stats-base-dists-beta-pdf';
import betaQuantileImpl from '@stdlib/stats-base-dists-beta-quantile';
import chiSquareCdfImpl from '@stdlib/stats-base-dists-chisquare-cdf';
import chiSquarePdfImpl from '@stdlib/stats-base-dists-chisquare-pdf';
import chiSquareQuantileImpl from '@stdlib/stats-base-dists-chisquare-quantile';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalPdfImpl from '@stdlib/stats-base-dists-normal-pdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';

/** P(T ≤ x) for Student's t with `df` degrees of freedom (df may be fractional). */
export function tCdf(x: number, df: number): number {
  return tCdfImpl(x, df);
}

/** The p-quantile of Student's t with `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return tQuantileImpl(p, df);
}

/** P(X ≤ x) for X ~ Beta(a, b); 0 below 0 and 1 above 1. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return betaCdfImpl(x, a, b);
}

/** Density of Beta(a, b) at x. */
export function betaPdf(x: number, a: number, b: number): number {
  return betaPdfImpl(x, a, b);
}

/** The p-quantile of Beta(a, b). */
export function betaQuantile(p: number, a: number, b: number): number {
  return betaQuantileImpl(p, a, b);
}

/** P(X ≤ x) for a chi-square variable with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  return chiSquareCdfImpl(x, k);
}

/** Density of the chi-square distribution with k degrees of freedom at x. */
export function chiSquarePdf(x: number, k: number): number {
  return chiSquarePdfImpl(x, k);
}

/** The p-quantile of the chi-square distribution with k degrees of freedom. */
export function chiSquareQuantile(p: number, k: number): number {
  return chiSquareQuantileImpl(p, k);
}

/** P(X ≤ x) for X ~ Normal(mean, sd). */
export function normalCdf(x: number, mean = 0, sd = 1): number {
  return normalCdfImpl(x, mean, sd);
}

/** Density of Normal(mean, sd) at x. */
export function normalPdf(x: number, mean = 0, sd = 1): number {
  return normalPdfImpl(x, mean, sd);
}

/** The p-quantile of Normal(mean, sd). */
export function normalQuantile(p: number, mean = 0, sd = 1): number {
  return normalQuantileImpl(p, mean, sd);
}
