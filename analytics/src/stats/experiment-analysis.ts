// Turns per-variation data into experiment results: the guards (minimum sample, zero variance,
// baseline validity, required sample size), the frequentist and Bayesian comparisons with the
// baseline, the sample-ratio check and the winner rule. Pure: no I/O, no clock.
import { conversionArm, type ArmSummary } from './arm-summary.js';
import {
  bayesianLift,
  conversionPosterior,
  numericPosterior,
  type BayesianLift,
} from './bayesian-lift.js';
import { requiredUsers } from './required-sample-size.js';
import { sampleRatioCheck, type SampleRatioResult } from './sample-ratio-check.js';
import { welchLiftTest, type LiftTest } from './welch-lift-test.js';

/** How a metric is measured. */
export type MetricKind = 'conversion' | 'numeric';

/** Why a comparison with the baseline is not valid (`vane.analytics.v1.InvalidReason`). */
export type InvalidReason =
  'too_few_users' | 'baseline_invalid' | 'zero_variance' | 'sample_size_too_small';

/** The data of one variation, as the store aggregates it. */
export interface ArmData {
  readonly variationId: string;
  /** Intended share of traffic (relative weight). */
  readonly trafficWeight: number;
  /** Distinct users exposed to the variation. */
  readonly exposedUsers: number;
  /** Sample size (conversion: exposed users; numeric: exposed users with a metric event). */
  readonly users: number;
  /** Conversion metrics: users who converted. */
  readonly conversions: number;
  /** Numeric metrics: sum of per-user values. */
  readonly totalValue: number;
  /** Numeric metrics: mean of per-user values. */
  readonly mean: number;
  /** Numeric metrics: sample variance of per-user values (0 below two users). */
  readonly variance: number;
}

/** What to compare and how. */
export interface AnalysisOptions {
  readonly metric: MetricKind;
  readonly baselineVariationId: string;
  /** Significance level in (0, 0.5]. */
  readonly alpha: number;
  /** Minimum users per variation. */
  readonly minUsers: number;
  readonly higherIsBetter: boolean;
}

/** The analysis of one variation. */
export interface VariationAnalysis {
  readonly variationId: string;
  readonly isBaseline: boolean;
  readonly isWinner: boolean;
  readonly exposedUsers: number;
  readonly users: number;
  readonly conversions: number;
  readonly conversionRate: number;
  readonly mean: number;
  readonly variance: number;
  readonly totalValue: number;
  readonly expectedShare: number;
  readonly observedShare: number;
  readonly invalidReason: InvalidReason | undefined;
  readonly invalidDetail: string;
  readonly requiredUsers: number;
  readonly frequentist: LiftTest | undefined;
  readonly bayesian: BayesianLift | undefined;
}

/** The analysis of an experiment iteration. */
export interface ExperimentAnalysis {
  /** One entry per arm, in the order given. */
  readonly variations: readonly VariationAnalysis[];
  readonly srm: SampleRatioResult;
  readonly exposedUsers: number;
}

function summaryOf(arm: ArmData, metric: MetricKind): ArmSummary {
  return metric === 'conversion'
    ? conversionArm(arm.users, arm.conversions)
    : { n: arm.users, mean: arm.mean, variance: arm.variance };
}

function baselineProblem(b: ArmSummary, minUsers: number): string | undefined {
  if (b.n < minUsers) return `the baseline needs at least ${minUsers} users, has ${b.n}`;
  if (b.n < 2 || b.variance === 0) return 'the baseline has zero variance';
  if (b.mean === 0) return 'the baseline mean is 0, so a relative lift is undefined';
  return undefined;
}

type Verdict = { reason: InvalidReason; detail: string } | undefined;

function verdictOf(
  v: ArmSummary,
  baselineIssue: string | undefined,
  minUsers: number,
  required: number,
  b: ArmSummary,
): Verdict {
  if (baselineIssue) return { reason: 'baseline_invalid', detail: baselineIssue };
  if (v.n < minUsers) {
    return { reason: 'too_few_users', detail: `needs at least ${minUsers} users, has ${v.n}` };
  }
  if (v.n < 2 || v.variance === 0) {
    return { reason: 'zero_variance', detail: 'the variation has zero variance' };
  }
  const smaller = Math.min(v.n, b.n);
  if (required > 0 && smaller < required) {
    return {
      reason: 'sample_size_too_small',
      detail: `detecting the observed effect needs ${required} users per variation, has ${smaller}`,
    };
  }
  return undefined;
}

/**
 * Analyses every arm against the baseline. A winner is valid, significant, better than the
 * baseline in the success direction and the best such lift; there is none while the sample
 * ratio mismatches. Throws if the baseline is not among the arms.
 */
export function analyzeExperiment(
  arms: readonly ArmData[],
  options: AnalysisOptions,
): ExperimentAnalysis {
  const baselineArm = arms.find((a) => a.variationId === options.baselineVariationId);
  if (!baselineArm) throw new RangeError(`baseline ${options.baselineVariationId} is not an arm`);
  const { metric, alpha, minUsers, higherIsBetter } = options;
  const b = summaryOf(baselineArm, metric);
  const baselineIssue = baselineProblem(b, minUsers);
  const exposedUsers = arms.reduce((s, a) => s + a.exposedUsers, 0);
  const totalWeight = arms.reduce((s, a) => s + Math.max(0, a.trafficWeight), 0);
  const srm = sampleRatioCheck(
    arms.map((a) => a.exposedUsers),
    arms.map((a) => a.trafficWeight),
  );

  const analysed = arms.map((arm): VariationAnalysis => {
    const v = summaryOf(arm, metric);
    const isBaseline = arm === baselineArm;
    const computable = !isBaseline && v.n >= 2 && b.n >= 2;
    const required = computable ? requiredUsers(v, b, alpha) : 0;
    const verdict: Verdict = isBaseline
      ? baselineIssue
        ? { reason: 'baseline_invalid', detail: baselineIssue }
        : undefined
      : verdictOf(v, baselineIssue, minUsers, required, b);
    const compare = !isBaseline && verdict === undefined;
    const frequentist = compare ? welchLiftTest(v, b, alpha) : undefined;
    const bayesian = compare
      ? bayesianLift(
          metric === 'conversion'
            ? conversionPosterior(arm.users, arm.conversions)
            : numericPosterior(v),
          metric === 'conversion'
            ? conversionPosterior(baselineArm.users, baselineArm.conversions)
            : numericPosterior(b),
          alpha,
          higherIsBetter,
        )
      : undefined;
    return {
      variationId: arm.variationId,
      isBaseline,
      isWinner: false,
      exposedUsers: arm.exposedUsers,
      users: arm.users,
      conversions: metric === 'conversion' ? arm.conversions : 0,
      conversionRate: metric === 'conversion' ? v.mean : 0,
      mean: v.mean,
      variance: v.variance,
      totalValue: metric === 'numeric' ? arm.totalValue : 0,
      expectedShare: totalWeight > 0 ? Math.max(0, arm.trafficWeight) / totalWeight : 0,
      observedShare: exposedUsers > 0 ? arm.exposedUsers / exposedUsers : 0,
      invalidReason: verdict?.reason,
      invalidDetail: verdict?.detail ?? '',
      requiredUsers: required,
      frequentist,
      bayesian,
    };
  });

  const winner = srm.mismatch ? undefined : pickWinner(analysed, higherIsBetter);
  return {
    variations: analysed.map((a) => (a === winner ? { ...a, isWinner: true } : a)),
    srm,
    exposedUsers,
  };
}

function pickWinner(
  variations: readonly VariationAnalysis[],
  higherIsBetter: boolean,
): VariationAnalysis | undefined {
  const sign = higherIsBetter ? 1 : -1;
  let best: VariationAnalysis | undefined;
  for (const v of variations) {
    const f = v.frequentist;
    if (!f || v.invalidReason || !f.significant || sign * f.relativeLift <= 0) continue;
    if (!best || sign * f.relativeLift > sign * best.frequentist!.relativeLift) best = v;
  }
  return best;
}
