// Assembles the api-server from already-built adapters: the gRPC admin API, the change relay,
// the end-user consumer and the health endpoint. Tests and the embedded launcher call
// `startApiServer`; `main.ts` builds the real adapters and calls it too.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { grpcCallMetrics, serveServices, startProbeServer, unaryService } from '@vane/server-kit';
import type { HandlerDeps } from '@vane/server-kit';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { AccessTokenServiceService } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { AuditLogServiceService } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import { EndUserServiceService } from '@vane/gen/node/vane/admin/v1/end_user_service';
import { ExperimentServiceService } from '@vane/gen/node/vane/admin/v1/experiment_service';
import { MetricServiceService } from '@vane/gen/node/vane/admin/v1/metric_service';
import { EnvironmentServiceService } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatBitImportServiceService } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { FeatureFlagServiceService } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceService } from '@vane/gen/node/vane/admin/v1/project_service';
import { SegmentServiceService } from '@vane/gen/node/vane/admin/v1/segment_service';
import { ACCESS_TOKENS } from './access-tokens/access-token-doc.js';
import { tokenRelayKinds } from './access-tokens/token-relay.js';
import type { AccessTokenDoc } from './access-tokens/access-token-doc.js';
import { accessTokenService } from './access-tokens/access-token-service.js';
import { bootstrapOwner } from './access-tokens/create-token.js';
import { TOKEN_USAGE, TokenUsage } from './access-tokens/token-usage.js';
import type { TokenUsageDoc } from './access-tokens/token-usage.js';
import { auditLogService } from './audit/audit-log-service.js';
import { afterRelay } from './changes/after-relay.js';
import { Authenticator } from './auth/authenticator.js';
import type { Principal } from './auth/principal.js';
import type { ChangePublisher, MessageSource } from './bus/change-publisher.js';
import { AUDIT_COLLECTION } from './changes/audit-entry.js';
import type { AuditDoc } from './changes/audit-entry.js';
import { ChangeRelay } from './changes/change-relay.js';
import type { RelayedKind } from './changes/change-relay.js';
import { ChangeWriter } from './changes/change-writer.js';
import { END_USERS } from './end-users/end-user-doc.js';
import { endUserRelayKind } from './end-users/end-user-relay.js';
import type { EndUserDoc } from './end-users/end-user-doc.js';
import { startEndUserConsumer } from './end-users/end-user-consumer.js';
import { endUserService } from './end-users/end-user-service.js';
import { envAccess } from './environments/env-access.js';
import { ENVIRONMENTS, FLAGS, SEGMENTS } from '@vane/server-kit/documents';
import type { EnvironmentDoc, FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import { environmentRelayKind } from './environments/environment-relay.js';
import { environmentService } from './environments/environment-service.js';
import type { AnalyticsGateway } from './flags/analytics-gateway.js';
import { flagRelayKind } from './flags/flag-relay.js';
import { listAll } from './flags/environment-contents.js';
import { featBitImportService } from './featbit-import/featbit-import-service.js';
import { flagService } from './flags/flag-service.js';
import { checkStoredDefinitions } from './flags/stored-definitions.js';
import { EXPERIMENTS } from './experiments/experiment-doc.js';
import { experimentRelayKind } from './experiments/experiment-relay.js';
import type { ExperimentDoc } from './experiments/experiment-doc.js';
import { experimentService } from './experiments/experiment-service.js';
import { METRICS } from './metrics/metric-doc.js';
import { metricRelayKind } from './metrics/metric-relay.js';
import type { MetricDoc } from './metrics/metric-doc.js';
import { metricService } from './metrics/metric-service.js';
import { PROJECTS } from './projects/project-doc.js';
import { projectRelayKind } from './projects/project-relay.js';
import type { ProjectDoc } from './projects/project-doc.js';
import { projectService } from './projects/project-service.js';
import { segmentRelayKind } from './segments/segment-relay.js';
import { segmentService } from './segments/segment-service.js';
import type { DocumentStore } from './store/document-store.js';
import { isStoreOutage } from './store/store-outage.js';

/** The adapters the api-server runs on. */
export interface ApiServerDeps {
  readonly store: DocumentStore;
  readonly publisher: ChangePublisher;
  readonly source: MessageSource;
  readonly logger: Logger;
  readonly analytics?: AnalyticsGateway;
}

/** Listening and behaviour settings. */
export interface ApiServerOptions {
  /** gRPC port; 0 picks a free one. */
  readonly grpcPort: number;
  /** HTTP port of /healthz, /readyz, /metrics; 0 picks a free one. */
  readonly httpPort: number;
  readonly host?: string;
  /** Owner token to install on first run; unset → a random one is made and returned once. */
  readonly bootstrapToken?: string;
  /** Kafka topic prefix of this deployment. */
  readonly topicPrefix?: string;
  /** Largest accepted gRPC request, in bytes. */
  readonly maxRequestBytes?: number;
  /** Sweep interval of the change relay, in ms. */
  readonly relayIntervalMs?: number;
  /**
   * The clock of token checks (the authenticator's lookup cache and token expiry); default
   * `Date.now`. Tests advance a fake one rather than sleep past the cache.
   */
  readonly now?: () => number;
}

/** A running api-server. */
export interface RunningApiServer {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** The owner token created on this start (first run without a configured token), else undefined. */
  readonly bootstrapToken: string | undefined;
  readonly relay: ChangeRelay;
  /** Stops accepting calls, drains in-flight ones, relays what it can, and closes. */
  stop(): Promise<void>;
}

/** Starts the api-server on the given adapters. */
export async function startApiServer(
  deps: ApiServerDeps,
  options: ApiServerOptions,
): Promise<RunningApiServer> {
  const { store, logger } = deps;
  const host = options.host ?? '127.0.0.1';
  const prefix = options.topicPrefix ?? '';
  const projects = store.collection<ProjectDoc>(PROJECTS.name, PROJECTS.unique);
  const environments = store.collection<EnvironmentDoc>(ENVIRONMENTS.name, ENVIRONMENTS.unique);
  const flags = store.collection<FlagDoc>(FLAGS.name, FLAGS.unique);
  const segments = store.collection<SegmentDoc>(SEGMENTS.name, SEGMENTS.unique);
  const tokens = store.collection<AccessTokenDoc>(ACCESS_TOKENS.name, ACCESS_TOKENS.unique);
  const tokenUsage = store.collection<TokenUsageDoc>(TOKEN_USAGE.name);
  const endUsers = store.collection<EndUserDoc>(END_USERS.name, END_USERS.unique);
  const metrics = store.collection<MetricDoc>(METRICS.name, METRICS.unique);
  const experiments = store.collection<ExperimentDoc>(EXPERIMENTS.name, EXPERIMENTS.unique);
  const audit = store.collection<AuditDoc>(AUDIT_COLLECTION);
  await store.ready();
  const invalidStored = await checkStoredDefinitions(
    flags,
    segments,
    logger.child({ module: 'stored-definitions' }),
  );

  const envProject = new Map<string, string>();
  const projectOfEnv = (envId: string): string => envProject.get(envId) ?? '';
  const kinds: RelayedKind[] = [
    projectRelayKind(projects),
    environmentRelayKind(environments),
    flagRelayKind(flags, projectOfEnv, prefix),
    segmentRelayKind(segments, flags, projectOfEnv, prefix),
    ...tokenRelayKinds(tokens, tokenUsage),
    metricRelayKind(metrics, projectOfEnv),
    experimentRelayKind(experiments, projectOfEnv),
    endUserRelayKind(endUsers, projectOfEnv),
  ];
  // Audit entries name the project of env-scoped resources: keep an env → project map.
  for (const env of await listAll(environments, {})) {
    envProject.set(env._id, env.projectId);
  }

  const relay = new ChangeRelay({
    kinds,
    audit,
    publisher: deps.publisher,
    logger: logger.child({ module: 'change-relay' }),
    intervalMs: options.relayIntervalMs ?? 1000,
  });
  const writer = new ChangeWriter(store, {
    reserve: (collection, record) => relay.reserve(collection, record),
    recorded: async (collection, doc, record) => {
      if (collection === ENVIRONMENTS.name) {
        envProject.set(doc._id, (doc as unknown as EnvironmentDoc).projectId);
      }
      await relay.recorded(collection, doc, record);
    },
    abandoned: (record) => relay.abandoned(record),
  });
  // The relay writes these just after a change commits: reads wait for this process's changes.
  const auditReads = afterRelay(audit, () => relay.settled());
  const usage = new TokenUsage(tokenUsage, writer, logger.child({ module: 'token-usage' }));
  const authenticator = new Authenticator(tokens, usage, options.now);
  const access = envAccess(environments);

  const registry = new Registry();
  const observe = grpcCallMetrics(registry, 'vane_api', 'Admin');
  new Gauge({
    name: 'vane_api_invalid_stored_definitions',
    help: 'Stored flags and segments found breaking the contract (limits, shape) at start-up',
    registers: [registry],
  }).set(invalidStored.length);
  new Gauge({
    name: 'vane_api_changes_relayed_total',
    help: 'Change records relayed (audit + Kafka) since start',
    registers: [registry],
    collect() {
      this.set(relay.relayed);
    },
  });
  new Gauge({
    name: 'vane_api_change_publish_failures_total',
    help: 'Failed change-relay passes (e.g. Kafka unavailable) since start',
    registers: [registry],
    collect() {
      this.set(relay.publishFailures);
    },
  });
  const handlerDeps: HandlerDeps<Principal> = {
    authenticate: (metadata) => authenticator.authenticate(metadata),
    logger: logger.child({ module: 'grpc' }),
    observe,
    errors: { isOutage: isStoreOutage },
  };

  const server = new Server({
    'grpc.max_receive_message_length': options.maxRequestBytes ?? 4 * 1024 * 1024,
  });
  const served = serveServices(server, [
    unaryService(
      ProjectServiceService,
      projectService(projects, environments, writer),
      handlerDeps,
    ),
    unaryService(
      EnvironmentServiceService,
      environmentService(
        environments,
        projects,
        async (envId) => (await flags.count({ envId })) + (await segments.count({ envId })),
        writer,
      ),
      handlerDeps,
    ),
    unaryService(
      FeatureFlagServiceService,
      flagService({
        flags,
        segments,
        audit: auditReads,
        experiments,
        envAccess: access,
        writer,
        analytics: deps.analytics,
      }),
      handlerDeps,
    ),
    unaryService(
      SegmentServiceService,
      segmentService({ segments, flags, audit: auditReads, envAccess: access, writer }),
      handlerDeps,
    ),
    unaryService(
      FeatBitImportServiceService,
      featBitImportService({ flags, segments, environments, envAccess: access, writer }),
      handlerDeps,
    ),
    unaryService(
      EndUserServiceService,
      endUserService({ endUsers, flags, segments, envAccess: access, writer }),
      handlerDeps,
    ),
    unaryService(
      MetricServiceService,
      metricService({ metrics, experiments, envAccess: access, writer }),
      handlerDeps,
    ),
    unaryService(
      ExperimentServiceService,
      experimentService({
        experiments,
        flags,
        metrics,
        envAccess: access,
        writer,
        analytics: deps.analytics,
      }),
      handlerDeps,
    ),
    unaryService(
      AccessTokenServiceService,
      accessTokenService({ tokens, usage, writer, authenticator }),
      handlerDeps,
    ),
    unaryService(AuditLogServiceService, auditLogService(auditReads), handlerDeps),
  ]);

  const grpcPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host}:${options.grpcPort}`,
      ServerCredentials.createInsecure(),
      (err, port) => (err ? reject(err) : resolve(port)),
    );
  });

  const bootstrapToken = await bootstrapOwner(tokens, writer, options.bootstrapToken);
  relay.start();
  const consumer = await startEndUserConsumer({
    source: deps.source,
    publisher: deps.publisher,
    endUsers,
    writer,
    logger: logger.child({ module: 'end-user-consumer' }),
    topicPrefix: prefix,
  });
  const http = await startProbeServer(
    {
      registry,
      ready: async () => {
        const reachable = await store.ping();
        return { ready: reachable, checks: { store: reachable ? 'ok' : 'unreachable' } };
      },
    },
    options.httpPort,
    host,
  );
  logger.info({ grpcPort, httpPort: http.port }, 'api-server listening');

  return {
    grpcPort,
    httpPort: http.port,
    bootstrapToken: options.bootstrapToken ? undefined : bootstrapToken,
    relay,
    async stop() {
      served.notServing();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.forceShutdown(), 10_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await consumer.close();
      await relay.stop();
      await relay
        .drain()
        .catch((err: unknown) => logger.warn({ err }, 'changes left in the outbox'));
      await http.close();
    },
  };
}
