// One analytics instance from already-built adapters: the batching consumer of the insights
// topic, the gRPC API (insights, experiment results, health, reflection) and the HTTP probes and
// metrics. The composition root (`main.ts`) and the embedded launcher call `startAnalytics`.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { grpcCallMetrics, serveServices, startProbeServer, unaryService } from '@vane/server-kit';
import type { HandlerDeps, Readiness } from '@vane/server-kit';
import type { Logger } from 'pino';
import { ExperimentResultsServiceService } from '@vane/gen/node/vane/analytics/v1/experiment_results_service';
import { InsightsServiceService } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { ExperimentResultsService } from './experiments/experiment-results-service.js';
import { experimentsGrpcMethods } from './experiments/experiments-grpc.js';
import type { InsightBus } from './ingest/insight-bus.js';
import { InsightConsumer } from './ingest/insight-consumer.js';
import type { InsightStore } from './ingest/insight-store.js';
import { FlagInsightsService } from './insights/flag-insights-service.js';
import { insightsGrpcMethods } from './insights/insights-grpc.js';
import { createAnalyticsMetrics } from './server/analytics-metrics.js';
import { internalTokenAuth } from './server/grpc-auth.js';

/** The adapters an instance runs on (the caller builds them and closes them after `stop`). */
export interface AnalyticsDeps {
  readonly store: InsightStore;
  readonly bus: InsightBus;
  readonly logger: Logger;
}

/** Ports, batching and the optional parts of an instance. */
export interface AnalyticsOptions {
  /** gRPC port; 0 picks a free one. */
  readonly grpcPort: number;
  /** HTTP port (probes, metrics); 0 picks a free one. */
  readonly httpPort: number;
  /** Interface to bind (default 0.0.0.0). */
  readonly host?: string;
  readonly batchSize: number;
  readonly batchMaxWaitMs: number;
  /** Consumer group of the insights topic (default `vane-analytics`). */
  readonly groupId?: string;
  /** When set, callers must send `authorization: Bearer <token>`. */
  readonly internalToken?: string;
  /** Serve gRPC server reflection (grpcurl and similar tools). */
  readonly reflection?: boolean;
  /** Include Node process metrics in /metrics (default false; one process, one owner). */
  readonly processMetrics?: boolean;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** A running instance. */
export interface RunningAnalytics {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Stops consuming (writing the current batch first), then closes gRPC and HTTP. */
  stop(): Promise<void>;
}

/** Starts the consumer, the gRPC server and the HTTP server. */
export async function startAnalytics(
  deps: AnalyticsDeps,
  options: AnalyticsOptions,
): Promise<RunningAnalytics> {
  const { store, bus, logger } = deps;
  const host = options.host ?? '0.0.0.0';
  const groupId = options.groupId ?? 'vane-analytics';
  const metrics = createAnalyticsMetrics(() => bus.lag(groupId), options.processMetrics ?? false);
  const consumer = new InsightConsumer({
    bus,
    store,
    logger,
    metrics,
    groupId,
    batchSize: options.batchSize,
    batchMaxWaitMs: options.batchMaxWaitMs,
  });
  await store.ping();
  await consumer.start();

  const handlerDeps: HandlerDeps<void> = {
    authenticate: internalTokenAuth(options.internalToken),
    logger: logger.child({ module: 'grpc' }),
    observe: grpcCallMetrics(metrics.registry, 'vane_analytics', 'Analytics'),
  };
  const server = new Server();
  const served = serveServices(
    server,
    [
      unaryService(
        InsightsServiceService,
        insightsGrpcMethods(new FlagInsightsService(store, options.now)),
        handlerDeps,
      ),
      unaryService(
        ExperimentResultsServiceService,
        experimentsGrpcMethods(new ExperimentResultsService(store, options.now)),
        handlerDeps,
      ),
    ],
    { reflection: options.reflection ?? false },
  );
  const grpcPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host}:${options.grpcPort}`,
      ServerCredentials.createInsecure(),
      (err, port) => (err ? reject(err) : resolve(port)),
    );
  });
  const http = await startProbeServer(
    {
      registry: metrics.registry,
      ready: async (): Promise<Readiness> => {
        if (stopping) return { ready: false, checks: { instance: 'stopping' } };
        try {
          await store.ping();
          return { ready: true, checks: { store: 'ok' } };
        } catch (err) {
          return { ready: false, checks: { store: (err as Error).message } };
        }
      },
    },
    options.httpPort,
    host,
  );
  logger.info({ grpcPort, httpPort: http.port, groupId }, 'analytics started');

  let stopping = false;
  let stopped: Promise<void> | undefined;
  return {
    grpcPort,
    httpPort: http.port,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        served.notServing();
        await consumer.stop();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.forceShutdown(), 5000);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        await http.close();
        logger.info('analytics stopped');
      })();
      return stopped;
    },
  };
}
