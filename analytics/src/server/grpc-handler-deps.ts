// What every gRPC handler factory receives besides its service.
import type { Logger } from 'pino';
import type { AnalyticsMetrics } from './analytics-metrics.js';

/** Logger, metrics and the optional shared internal token. */
export interface GrpcHandlerDeps {
  readonly logger: Logger;
  readonly metrics: AnalyticsMetrics;
  readonly internalToken: string | undefined;
}
