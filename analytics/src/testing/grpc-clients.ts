// Both analytics services' clients on one channel (Vane's client library), for tests and
// benchmarks.
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import type { Client } from '@vane/grpc-client';
import { ExperimentResultsServiceDefinition } from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { InsightsServiceDefinition } from '@vane/gen/node/vane/analytics/v1/insights_service';

/** The analytics clients of one caller; `close()` closes their channel. */
export interface AnalyticsClients {
  readonly insights: Client<typeof InsightsServiceDefinition>;
  readonly experiments: Client<typeof ExperimentResultsServiceDefinition>;
  close(): void;
}

/** Connects to `127.0.0.1:port`, sending `token` (the internal token) when given. */
export function analyticsClients(port: number, token?: string): AnalyticsClients {
  const channel = vaneChannel(`127.0.0.1:${port}`);
  return {
    insights: createVaneClient(InsightsServiceDefinition, channel, { token }),
    experiments: createVaneClient(ExperimentResultsServiceDefinition, channel, { token }),
    close: () => channel.close(),
  };
}
