// The AnalyticsGateway over gRPC: calls the analytics service (internal, behind the admin API's
// authorization) with its shared internal token.
import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { ExperimentResultsServiceService } from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { InsightsServiceService } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { promiseClient } from '../grpc/promise-client.js';
import type { AnalyticsGateway } from './analytics-gateway.js';
import { errorInfoFromMetadata, InvalidArgument, Unavailable } from '@vane/server-kit';

/** Maps analytics failures to the admin API's errors: bad input stays the caller's to fix. */
function mapError(err: unknown): never {
  const e = err as Partial<ServiceError>;
  if (e.code === status.INVALID_ARGUMENT) {
    // Forward the analytics service's field violations (same request fields) unchanged.
    const violations = errorInfoFromMetadata(e.metadata)?.fieldViolations ?? [];
    throw new InvalidArgument(
      violations.length > 0
        ? violations
        : [{ field: 'request', description: e.details ?? 'invalid request' }],
    );
  }
  if (e.code === status.UNAVAILABLE || e.code === status.DEADLINE_EXCEEDED) {
    throw new Unavailable('the analytics service is unavailable; retry shortly');
  }
  throw err;
}

/** Builds the gateway to the analytics service at `address` (host:port). */
export function grpcAnalyticsGateway(
  address: string,
  internalToken?: string,
): AnalyticsGateway & { close(): void } {
  const insights = promiseClient(InsightsServiceService, address, internalToken);
  const experiments = promiseClient(ExperimentResultsServiceService, address, internalToken);
  return {
    async flagInsights(envId, flagKey, timeRange, interval) {
      const res = await insights
        .getFlagInsights({ envId, flagKey, timeRange, interval })
        .catch(mapError);
      if (!res.insights) throw new Unavailable('the analytics service returned no insights');
      return res.insights;
    },
    experimentResults: (request) => experiments.getExperimentResults(request).catch(mapError),
    close() {
      insights.close();
      experiments.close();
    },
  };
}
