// Starts every Vane service that exists in one process, on the embedded adapters: one in-process
// message broker shared by all services and a document store journaled to disk, so data survives
// restarts. Used by `npm start` (main.ts) and by its end-to-end test.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MemoryBroker } from '@vane/core';
import { MemoryInsightBus, MemoryInsightStore, startAnalytics } from '@vane/analytics';
import {
  MemoryChangePublisher,
  MemoryDocumentStore,
  MemoryMessageSource,
  grpcAnalyticsGateway,
  startApiServer,
} from '@vane/api-server';
import { MemoryChangeFeed, MemoryEventSink, startEls } from '@vane/els';
import { DocumentStoreEnvironmentSource } from './document-store-environment-source.js';
import { startEdge } from './edge/edge-server.js';
import type { EmbeddedConfig } from './embedded-config.js';

/** A running embedded Vane. */
export interface RunningVane {
  readonly urls: {
    readonly adminGrpc: string;
    readonly apiHealth: string;
    readonly analyticsGrpc: string;
    readonly analyticsHealth: string;
    readonly sdkStream: string;
    /** The public edge: admin UI at `/`, gRPC-web, and the SDK paths proxied to ELS. */
    readonly edge: string;
    /** The SDK stream through the edge (the URL SDKs are given). */
    readonly edgeSdkStream: string;
  };
  /** The owner token of this data folder (created on first start, then read from the folder). */
  readonly ownerToken: string | undefined;
  /** Where the owner token is kept. */
  readonly ownerTokenFile: string;
  stop(): Promise<void>;
}

/** Starts the embedded platform; `progress` reports each step as it starts. */
export async function startEmbedded(
  config: EmbeddedConfig,
  logger: Logger,
  progress: (step: string) => void = () => {},
): Promise<RunningVane> {
  await mkdir(config.dataDir, { recursive: true });
  const tokenFile = join(config.dataDir, 'owner-token');
  progress('opening the data folder');
  const store = await MemoryDocumentStore.open({ dataDir: join(config.dataDir, 'store') });
  const broker = new MemoryBroker();

  progress('starting analytics');
  // Analytics is internal: only the admin API calls it, with a per-process token.
  const internalToken = randomBytes(24).toString('base64url');
  const analytics = await startAnalytics(
    {
      store: new MemoryInsightStore(),
      bus: new MemoryInsightBus(broker),
      logger: logger.child({ service: 'analytics' }),
    },
    {
      grpcPort: config.analyticsGrpcPort,
      httpPort: config.analyticsHttpPort,
      host: config.host,
      batchSize: 10_000,
      batchMaxWaitMs: 500,
      internalToken,
    },
  );
  const gateway = grpcAnalyticsGateway(`${config.host}:${analytics.grpcPort}`, internalToken);

  progress('starting the admin API');
  const api = await startApiServer(
    {
      store,
      publisher: new MemoryChangePublisher(broker),
      source: new MemoryMessageSource(broker),
      logger: logger.child({ service: 'api-server' }),
      analytics: gateway,
    },
    {
      grpcPort: config.apiGrpcPort,
      httpPort: config.apiHttpPort,
      host: config.host,
      bootstrapToken: config.bootstrapToken,
    },
  );
  progress('starting the evaluation server');
  const els = await startEls(
    {
      source: new DocumentStoreEnvironmentSource(store),
      feed: new MemoryChangeFeed(broker),
      events: new MemoryEventSink(broker),
      logger: logger.child({ service: 'els' }),
    },
    { port: config.elsPort, host: config.host },
  );
  progress('starting the public edge (admin UI, gRPC-web, SDK paths)');
  // The edge forwards over loopback when the services listen on every interface.
  const local = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const edge = await startEdge({
    host: config.host,
    port: config.edgePort,
    adminGrpc: `${local}:${api.grpcPort}`,
    analyticsGrpc: `${local}:${analytics.grpcPort}`,
    els: { host: local, port: els.port },
    webDist: config.webDist,
    logger: logger.child({ service: 'edge' }),
  });
  if (api.bootstrapToken) {
    // Local development convenience: keep the first-run owner token beside the data, owner-only.
    await writeFile(tokenFile, `${api.bootstrapToken}\n`, { mode: 0o600 });
    await chmod(tokenFile, 0o600);
  }
  const ownerToken =
    config.bootstrapToken ??
    (await readFile(tokenFile, 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    ));

  return {
    urls: {
      adminGrpc: `${config.host}:${api.grpcPort}`,
      apiHealth: `http://${config.host}:${api.httpPort}/healthz`,
      analyticsGrpc: `${config.host}:${analytics.grpcPort}`,
      analyticsHealth: `http://${config.host}:${analytics.httpPort}/healthz`,
      sdkStream: `ws://${config.host}:${els.port}/sdk/v1/stream`,
      edge: `http://${config.host}:${edge.port}`,
      edgeSdkStream: `ws://${config.host}:${edge.port}/sdk/v1/stream`,
    },
    ownerToken,
    ownerTokenFile: tokenFile,
    async stop() {
      // ELS first: its 1001 close frames reach SDKs through the edge's spliced sockets.
      await els.stop();
      await edge.stop();
      await api.stop();
      gateway.close();
      await analytics.stop();
      await store.close();
    },
  };
}
