// Port: the analytics service, which the admin API calls for flag insights and experiment
// results (authorization happens here, in the admin API; analytics itself is internal).
import type {
  BucketInterval,
  FlagInsights,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import type { TimeRange } from '@vane/gen/node/vane/common/v1/query';
import type {
  GetExperimentResultsRequest,
  GetExperimentResultsResponse,
} from '@vane/gen/node/vane/analytics/v1/experiment_results_service';

/** Calls into the analytics service. */
export interface AnalyticsGateway {
  /** Evaluations per variation over time for one flag. */
  flagInsights(
    envId: string,
    flagKey: string,
    range: TimeRange | undefined,
    interval: BucketInterval,
  ): Promise<FlagInsights>;
  /** Results of one experiment iteration (the request carries the full experiment spec). */
  experimentResults(request: GetExperimentResultsRequest): Promise<GetExperimentResultsResponse>;
}
