// The statistics against reference values computed independently by SciPy and statsmodels
// (reference/reference.py → reference/reference.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conversionArm, type ArmSummary } from './arm-summary.js';
import { bayesianLift, conversionPosterior, numericPosterior } from './bayesian-lift.js';
import { requiredUsers, requiredUsersForEffect } from './required-sample-size.js';
import { sampleRatioCheck } from './sample-ratio-check.js';
import { welchLiftTest } from './welch-lift-test.js';

interface LiftCase {
  name: string;
  metric: 'conversion' | 'numeric';
  variation: number[];
  baseline: number[];
  welch: Record<
    'relativeLift' | 'standardError' | 'degreesOfFreedom' | 'pValue' | 'ciLower' | 'ciUpper',
    number
  >;
  bayes: Record<'chanceToBeatBaseline' | 'liftLower' | 'liftUpper', number>;
  bayesLowerIsBetterChance: number;
  requiredUsers: number;
}

interface Reference {
  alpha: number;
  lift: LiftCase[];
  requiredUsersForEffect: { d: number; nobs: number; required: number }[];
  srm: {
    name: string;
    observed: number[];
    weights: number[];
    chiSquare: number;
    degreesOfFreedom: number;
    pValue: number;
  }[];
}

const reference = JSON.parse(
  readFileSync(new URL('./reference/reference.json', import.meta.url), 'utf8'),
) as Reference;
const { alpha } = reference;

function summary(c: LiftCase, arm: number[]): ArmSummary {
  const [n = 0, a = 0, b = 0] = arm;
  return c.metric === 'conversion' ? conversionArm(n, a) : { n, mean: a, variance: b };
}

function posterior(c: LiftCase, arm: number[]) {
  const [n = 0, conversions = 0] = arm;
  return c.metric === 'conversion'
    ? conversionPosterior(n, conversions)
    : numericPosterior(summary(c, arm));
}

/** |actual − expected| within a relative tolerance (absolute near 0). */
function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

describe('welchLiftTest (FeatBit: Welch t-test on the relative lift, delta method)', () => {
  it.each(reference.lift.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = welchLiftTest(summary(c, c.variation), summary(c, c.baseline), alpha);
    expect(result).toBeDefined();
    for (const key of Object.keys(c.welch) as (keyof LiftCase['welch'])[]) {
      close(result![key], c.welch[key], 1e-9);
    }
    expect(result!.significant).toBe(c.welch.pValue < alpha);
  });

  it('is not computable with zero variance in both arms, a zero baseline mean or n < 2', () => {
    expect(welchLiftTest(conversionArm(100, 100), conversionArm(100, 100), alpha)).toBeUndefined();
    expect(welchLiftTest(conversionArm(100, 10), conversionArm(100, 0), alpha)).toBeUndefined();
    expect(
      welchLiftTest({ n: 1, mean: 2, variance: 0 }, { n: 50, mean: 1, variance: 1 }, alpha),
    ).toBeUndefined();
  });

  it('still tests a zero-variance variation with a non-zero mean against a noisy baseline', () => {
    const r = welchLiftTest(
      { n: 50, mean: 2, variance: 0 },
      { n: 50, mean: 1, variance: 1 },
      alpha,
    );
    expect(r?.relativeLift).toBe(1);
    expect(r?.degreesOfFreedom).toBeCloseTo(49, 10);
  });
});

describe('bayesianLift (exact posteriors, deterministic integration)', () => {
  it.each(reference.lift.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = posterior(c, c.variation);
    const b = posterior(c, c.baseline);
    const higher = bayesianLift(v, b, alpha, true);
    close(higher.chanceToBeatBaseline, c.bayes.chanceToBeatBaseline, 1e-7);
    close(higher.liftLower, c.bayes.liftLower, 1e-7);
    close(higher.liftUpper, c.bayes.liftUpper, 1e-7);
    const lower = bayesianLift(v, b, alpha, false);
    close(lower.chanceToBeatBaseline, c.bayesLowerIsBetterChance, 1e-7);
    expect(lower.liftLower).toBe(higher.liftLower);
  });

  it('gives the same bits for the same data', () => {
    const run = () =>
      bayesianLift(conversionPosterior(1234, 321), conversionPosterior(1200, 280), 0.1, true);
    expect(run()).toEqual(run());
  });
});

describe('requiredUsers (statsmodels tt_ind_solve_power, power 0.8, rounded up)', () => {
  it.each(reference.requiredUsersForEffect.map((c) => [c.d, c] as const))('d = %s', (d, c) => {
    expect(requiredUsersForEffect(d, alpha)).toBe(c.required);
    expect(requiredUsersForEffect(-d, alpha)).toBe(c.required);
  });

  it.each(reference.lift.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(requiredUsers(summary(c, c.variation), summary(c, c.baseline), alpha)).toBe(
      c.requiredUsers,
    );
  });

  it('is 0 (not computable) for a zero effect or zero pooled variance', () => {
    expect(requiredUsersForEffect(0, alpha)).toBe(0);
    expect(requiredUsers(conversionArm(10, 0), conversionArm(10, 0), alpha)).toBe(0);
  });
});

describe('sampleRatioCheck (Pearson chi-square, mismatch at p < 0.001)', () => {
  it.each(reference.srm.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = sampleRatioCheck(c.observed, c.weights);
    expect(r.checked).toBe(true);
    close(r.chiSquare, c.chiSquare, 1e-10);
    expect(r.degreesOfFreedom).toBe(c.degreesOfFreedom);
    close(r.pValue, c.pValue, 1e-10);
    expect(r.mismatch).toBe(c.pValue < 0.001);
  });

  it('is skipped without weights or exposures, and flags exposures of a zero-weight arm', () => {
    expect(sampleRatioCheck([10, 12], [0, 0]).checked).toBe(false);
    expect(sampleRatioCheck([0, 0], [1, 1]).checked).toBe(false);
    expect(sampleRatioCheck([10, 3], [1, 0])).toMatchObject({
      checked: true,
      mismatch: true,
      pValue: 0,
    });
  });
});
