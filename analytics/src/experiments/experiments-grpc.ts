// The methods of `vane.analytics.v1.ExperimentResultsService`: map proto ↔ domain, call the
// service (server-kit's `grpcHandlers` adds auth, metrics and errors).
import type { AsyncService } from '@vane/server-kit';
import {
  InvalidReason as ProtoInvalidReason,
  type ExperimentResultsServiceServer,
  type VariationResult,
} from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { MetricType, SuccessCriterion } from '@vane/gen/node/vane/model/v1/metric';
import type { InvalidReason, VariationAnalysis } from '../stats/experiment-analysis.js';
import type { ExperimentRequest, ExperimentResultsService } from './experiment-results-service.js';

const REASONS: Record<InvalidReason, ProtoInvalidReason> = {
  too_few_users: ProtoInvalidReason.INVALID_REASON_TOO_FEW_USERS,
  baseline_invalid: ProtoInvalidReason.INVALID_REASON_BASELINE_INVALID,
  zero_variance: ProtoInvalidReason.INVALID_REASON_ZERO_VARIANCE,
  sample_size_too_small: ProtoInvalidReason.INVALID_REASON_SAMPLE_SIZE_TOO_SMALL,
};

function metricOf(value: MetricType): ExperimentRequest['metric'] {
  if (value === MetricType.METRIC_TYPE_CONVERSION) return 'conversion';
  if (value === MetricType.METRIC_TYPE_NUMERIC) return 'numeric';
  return value === MetricType.METRIC_TYPE_UNSPECIFIED ? 'unspecified' : 'invalid';
}

function criterionOf(value: SuccessCriterion): ExperimentRequest['successCriterion'] {
  if (value === SuccessCriterion.SUCCESS_CRITERION_LOWER_IS_BETTER) return 'lower';
  if (
    value === SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER ||
    value === SuccessCriterion.SUCCESS_CRITERION_UNSPECIFIED
  ) {
    return 'higher';
  }
  return 'invalid';
}

function toProto(v: VariationAnalysis): VariationResult {
  return {
    variationId: v.variationId,
    isBaseline: v.isBaseline,
    isWinner: v.isWinner,
    exposedUsers: v.exposedUsers,
    users: v.users,
    conversions: v.conversions,
    conversionRate: v.conversionRate,
    mean: v.mean,
    variance: v.variance,
    totalValue: v.totalValue,
    expectedShare: v.expectedShare,
    observedShare: v.observedShare,
    invalidReason: v.invalidReason
      ? REASONS[v.invalidReason]
      : ProtoInvalidReason.INVALID_REASON_UNSPECIFIED,
    invalidDetail: v.invalidDetail,
    requiredUsers: v.requiredUsers,
    frequentist: v.frequentist && {
      relativeLift: v.frequentist.relativeLift,
      ciLower: v.frequentist.ciLower,
      ciUpper: v.frequentist.ciUpper,
      pValue: v.frequentist.pValue,
      significant: v.frequentist.significant,
    },
    bayesian: v.bayesian && { ...v.bayesian },
  };
}

/** The methods of ExperimentResultsService over an `ExperimentResultsService`. */
export function experimentsGrpcMethods(
  service: ExperimentResultsService,
): AsyncService<ExperimentResultsServiceServer, void> {
  return {
    async getExperimentResults(request) {
      const spec = request.spec;
      const results = await service.get({
        envId: spec?.envId ?? '',
        flagKey: spec?.flagKey ?? '',
        variations: spec?.variations ?? [],
        baselineVariationId: spec?.baselineVariationId ?? '',
        metricEventName: spec?.metricEventName ?? '',
        metric: metricOf(spec?.metricType ?? MetricType.METRIC_TYPE_UNSPECIFIED),
        successCriterion: criterionOf(
          spec?.successCriterion ?? SuccessCriterion.SUCCESS_CRITERION_UNSPECIFIED,
        ),
        startMs: spec?.window?.startTime?.getTime(),
        endMs: spec?.window?.endTime?.getTime(),
        alpha: spec?.alpha ?? 0,
        minUsersPerVariation: spec?.minUsersPerVariation ?? 0,
      });
      return {
        results: {
          variations: results.variations.map(toProto),
          srm: { ...results.srm },
          computedAt: new Date(results.computedAtMs),
          exposedUsers: results.exposedUsers,
        },
      };
    },
  };
}
