// Experiment results → the rows the results page shows (names, rates, intervals, reasons).
import type { ExperimentResults } from '@vane/gen/web/vane/analytics/v1/experiment_results_service';
import { InvalidReason } from '@vane/gen/web/vane/analytics/v1/experiment_results_service';

/** One variation's results as displayed. Undefined numbers are shown as "–". */
export interface ResultRow {
  readonly id: string;
  readonly name: string;
  readonly baseline: boolean;
  readonly winner: boolean;
  readonly users: number;
  readonly conversions: number;
  readonly rate: number;
  readonly mean: number;
  readonly lift: number | undefined;
  readonly ciLower: number | undefined;
  readonly ciUpper: number | undefined;
  readonly pValue: number | undefined;
  readonly chanceToBeat: number | undefined;
  /** Why the numbers cannot be trusted yet, in words. */
  readonly invalid: string | undefined;
}

const INVALID: Record<InvalidReason, string | undefined> = {
  [InvalidReason.INVALID_REASON_UNSPECIFIED]: undefined,
  [InvalidReason.INVALID_REASON_TOO_FEW_USERS]: 'Too few users so far.',
  [InvalidReason.INVALID_REASON_BASELINE_INVALID]: 'The baseline has no usable data yet.',
  [InvalidReason.INVALID_REASON_ZERO_VARIANCE]:
    'Every user has the same value: no spread to compare.',
  [InvalidReason.INVALID_REASON_SAMPLE_SIZE_TOO_SMALL]:
    'Not enough users to detect a difference yet.',
  [InvalidReason.UNRECOGNIZED]: 'Results are not valid yet.',
};

/** Rows in result order, baseline first. */
export function resultRows(
  r: ExperimentResults,
  name: (variationId: string) => string,
): ResultRow[] {
  return [...r.variations]
    .sort((a, b) => Number(b.isBaseline) - Number(a.isBaseline))
    .map((v) => {
      const invalid =
        v.invalidReason in INVALID ? INVALID[v.invalidReason] : INVALID[InvalidReason.UNRECOGNIZED];
      const stats = !v.isBaseline && v.invalidReason === InvalidReason.INVALID_REASON_UNSPECIFIED;
      return {
        id: v.variationId,
        name: name(v.variationId),
        baseline: v.isBaseline,
        winner: v.isWinner,
        users: v.users,
        conversions: v.conversions,
        rate: v.conversionRate,
        mean: v.mean,
        lift: stats ? v.frequentist?.relativeLift : undefined,
        ciLower: stats ? v.frequentist?.ciLower : undefined,
        ciUpper: stats ? v.frequentist?.ciUpper : undefined,
        pValue: stats ? v.frequentist?.pValue : undefined,
        chanceToBeat: stats ? v.bayesian?.chanceToBeatBaseline : undefined,
        invalid: invalid && v.invalidDetail ? `${invalid} (${v.invalidDetail})` : invalid,
      };
    });
}

/** A p-value for people: "< 0.001" below that, otherwise three significant digits. */
export function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toPrecision(3);
}
