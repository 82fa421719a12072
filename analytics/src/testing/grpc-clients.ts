// Promise wrappers of the generated grpc-js clients, for tests and benchmarks.
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  ExperimentResultsServiceClient,
  type GetExperimentResultsRequest,
  type GetExperimentResultsResponse,
} from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import {
  InsightsServiceClient,
  type GetFlagInsightsRequest,
  type GetFlagInsightsResponse,
} from '@vane/gen/node/vane/analytics/v1/insights_service';

/** Both analytics clients on one address, with promise methods. */
export interface AnalyticsClients {
  getFlagInsights(
    req: GetFlagInsightsRequest,
    metadata?: Metadata,
  ): Promise<GetFlagInsightsResponse>;
  getExperimentResults(
    req: GetExperimentResultsRequest,
    metadata?: Metadata,
  ): Promise<GetExperimentResultsResponse>;
  close(): void;
}

/** Connects insecure clients to `127.0.0.1:port`. */
export function analyticsClients(port: number): AnalyticsClients {
  const address = `127.0.0.1:${port}`;
  const insights = new InsightsServiceClient(address, credentials.createInsecure());
  const experiments = new ExperimentResultsServiceClient(address, credentials.createInsecure());
  return {
    getFlagInsights: (req, metadata = new Metadata()) =>
      new Promise((resolve, reject) => {
        insights.getFlagInsights(req, metadata, (err: ServiceError | null, res) =>
          err ? reject(err) : resolve(res),
        );
      }),
    getExperimentResults: (req, metadata = new Metadata()) =>
      new Promise((resolve, reject) => {
        experiments.getExperimentResults(req, metadata, (err: ServiceError | null, res) =>
          err ? reject(err) : resolve(res),
        );
      }),
    close: () => {
      insights.close();
      experiments.close();
    },
  };
}
