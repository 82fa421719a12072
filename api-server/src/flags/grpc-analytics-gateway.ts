// The AnalyticsGateway over gRPC: calls the analytics service (internal, behind the admin API's
// authorization) with its shared internal token.
import { createVaneClient, Status, vaneChannel, VaneCallError } from '@vane/grpc-client';
import { ExperimentResultsServiceDefinition } from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { InsightsServiceDefinition } from '@vane/gen/node/vane/analytics/v1/insights_service';
import type { AnalyticsGateway } from './analytics-gateway.js';
import { InvalidArgument, Unavailable } from '@vane/server-kit';

/** Maps analytics failures to the admin API's errors: bad input stays the caller's to fix. */
function mapError(err: unknown): never {
  if (!(err instanceof VaneCallError)) throw err;
  if (err.code === Status.INVALID_ARGUMENT) {
    // Forward the analytics service's field violations (same request fields) unchanged.
    const violations = err.info?.fieldViolations ?? [];
    throw new InvalidArgument(
      violations.length > 0
        ? violations
        : [{ field: 'request', description: err.details || 'invalid request' }],
    );
  }
  if (err.code === Status.UNAVAILABLE || err.code === Status.DEADLINE_EXCEEDED) {
    throw new Unavailable('the analytics service is unavailable; retry shortly');
  }
  throw err;
}

/** Builds the gateway to the analytics service at `address` (host:port). */
export function grpcAnalyticsGateway(
  address: string,
  internalToken?: string,
): AnalyticsGateway & { close(): void } {
  const channel = vaneChannel(address);
  const insights = createVaneClient(InsightsServiceDefinition, channel, { token: internalToken });
  const experiments = createVaneClient(ExperimentResultsServiceDefinition, channel, {
    token: internalToken,
  });
  return {
    async flagInsights(envId, flagKey, timeRange, interval) {
      const res = await insights
        .getFlagInsights({ envId, flagKey, timeRange, interval })
        .catch(mapError);
      if (!res.insights) throw new Unavailable('the analytics service returned no insights');
      return res.insights;
    },
    experimentResults: (request) => experiments.getExperimentResults(request).catch(mapError),
    close: () => channel.close(),
  };
}
