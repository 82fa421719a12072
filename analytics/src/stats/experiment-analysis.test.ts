import { describe, expect, it } from 'vitest';
import { analyzeExperiment, type AnalysisOptions, type ArmData } from './experiment-analysis.js';

function conversion(
  variationId: string,
  users: number,
  conversions: number,
  trafficWeight = 1,
): ArmData {
  return {
    variationId,
    trafficWeight,
    exposedUsers: users,
    users,
    conversions,
    totalValue: 0,
    mean: 0,
    variance: 0,
  };
}

const options: AnalysisOptions = {
  metric: 'conversion',
  baselineVariationId: 'a',
  alpha: 0.05,
  minUsers: 30,
  higherIsBetter: true,
};

describe('analyzeExperiment', () => {
  it('three arms: the best significant, valid arm wins; a worse one does not', () => {
    const r = analyzeExperiment(
      [conversion('a', 2000, 200), conversion('b', 2000, 260), conversion('c', 2000, 130)],
      options,
    );
    const [a, b, c] = r.variations;
    expect(a).toMatchObject({
      isBaseline: true,
      isWinner: false,
      invalidReason: undefined,
      frequentist: undefined,
    });
    expect(b).toMatchObject({
      isWinner: true,
      invalidReason: undefined,
      observedShare: 1 / 3,
      expectedShare: 1 / 3,
    });
    expect(b?.frequentist?.relativeLift).toBeCloseTo(0.3, 12);
    expect(c?.isWinner).toBe(false);
    expect(c?.frequentist?.relativeLift).toBeCloseTo(-0.35, 12);
    expect(r.exposedUsers).toBe(6000);
    expect(r.srm).toMatchObject({ checked: true, mismatch: false, degreesOfFreedom: 2 });
  });

  it('lower is better: the significant drop wins', () => {
    const r = analyzeExperiment([conversion('a', 2000, 200), conversion('b', 2000, 140)], {
      ...options,
      higherIsBetter: false,
    });
    expect(r.variations[1]).toMatchObject({ isWinner: true });
    expect(r.variations[1]?.bayesian?.chanceToBeatBaseline).toBeGreaterThan(0.99);
  });

  it('equal arms: valid, not significant, no winner, required users not computable', () => {
    const r = analyzeExperiment([conversion('a', 1000, 100), conversion('b', 1000, 100)], options);
    expect(r.variations[1]).toMatchObject({
      isWinner: false,
      requiredUsers: 0,
      invalidReason: undefined,
    });
    expect(r.variations[1]?.frequentist).toMatchObject({
      relativeLift: 0,
      pValue: 1,
      significant: false,
    });
    expect(r.variations[1]?.bayesian?.chanceToBeatBaseline).toBeCloseTo(0.5, 6);
  });

  it('no winner while the sample ratio mismatches', () => {
    const r = analyzeExperiment(
      [conversion('a', 2000, 200, 0.5), conversion('b', 2600, 338, 0.5)],
      options,
    );
    expect(r.srm.mismatch).toBe(true);
    expect(r.variations[1]?.frequentist?.significant).toBe(true);
    expect(r.variations.some((v) => v.isWinner)).toBe(false);
  });

  it('guards: too few users, zero variance, invalid baseline, too small for the effect', () => {
    const few = analyzeExperiment([conversion('a', 500, 50), conversion('b', 12, 3)], options);
    expect(few.variations[1]).toMatchObject({
      invalidReason: 'too_few_users',
      invalidDetail: 'needs at least 30 users, has 12',
      frequentist: undefined,
      bayesian: undefined,
    });
    const zero = analyzeExperiment([conversion('a', 500, 50), conversion('b', 500, 0)], options);
    expect(zero.variations[1]?.invalidReason).toBe('zero_variance');
    const allConvert = analyzeExperiment(
      [conversion('a', 500, 50), conversion('b', 500, 500)],
      options,
    );
    expect(allConvert.variations[1]?.invalidReason).toBe('zero_variance');
    const badBaseline = analyzeExperiment(
      [conversion('a', 500, 0), conversion('b', 500, 40), conversion('c', 500, 60)],
      options,
    );
    expect(badBaseline.variations.map((v) => v.invalidReason)).toEqual([
      'baseline_invalid',
      'baseline_invalid',
      'baseline_invalid',
    ]);
    const small = analyzeExperiment([conversion('a', 300, 30), conversion('b', 300, 36)], options);
    expect(small.variations[1]?.invalidReason).toBe('sample_size_too_small');
    expect(small.variations[1]?.requiredUsers).toBeGreaterThan(300);
    expect(small.variations[1]?.invalidDetail).toMatch(/needs \d+ users per variation, has 300/);
  });

  it('numeric metrics use the mean and sample variance of per-user values', () => {
    const arm = (id: string, n: number, mean: number, variance: number): ArmData => ({
      variationId: id,
      trafficWeight: 1,
      exposedUsers: n + 5,
      users: n,
      conversions: 0,
      totalValue: n * mean,
      mean,
      variance,
    });
    const r = analyzeExperiment([arm('a', 5000, 10, 4), arm('b', 5000, 10.4, 4)], {
      ...options,
      metric: 'numeric',
    });
    expect(r.variations[1]).toMatchObject({
      isWinner: true,
      totalValue: 52_000,
      conversions: 0,
      conversionRate: 0,
    });
    expect(r.variations[1]?.frequentist?.relativeLift).toBeCloseTo(0.04, 12);
    expect(r.exposedUsers).toBe(10_010);
  });

  it('rejects a baseline that is not an arm', () => {
    expect(() => analyzeExperiment([conversion('x', 10, 1)], options)).toThrow(RangeError);
  });
});
