// Starts every Vane service that exists in one process, on the embedded adapters: one in-process
// message broker shared by all services and a document store journaled to disk, so data survives
// restarts. Used by `npm start` (main.ts) and by its end-to-end test.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { MemoryBroker } from '@vane/server-kit';
import {
  ClickHouseInsightStore,
  KafkaInsightBus,
  MemoryInsightBus,
  JournaledInsightStore,
  startAnalytics,
} from '@vane/analytics';
import type { InsightBus, InsightStore } from '@vane/analytics';
import {
  KafkaChangePublisher,
  KafkaMessageSource,
  MemoryChangePublisher,
  MemoryDocumentStore,
  MemoryMessageSource,
  MongoDocumentStore,
  grpcAnalyticsGateway,
  startApiServer,
} from '@vane/api-server';
import type { ChangePublisher, DocumentStore, MessageSource } from '@vane/api-server';
import {
  KafkaChangeFeed,
  KafkaEventSink,
  MemoryChangeFeed,
  MemoryEventSink,
  MongoEnvironmentSource,
  RedisFlagCache,
  startEls,
} from '@vane/els';
import type { ChangeFeed, EnvironmentSource, EventSink } from '@vane/els';
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
  /** Which adapters run embedded and which on real servers. */
  readonly adapters: AdapterChoice;
  stop(): Promise<void>;
}

/**
 * Clients of real servers, created by the caller (the composition root `main.ts`, or a test):
 * each one given switches its adapters from embedded to real.
 */
export interface RealServers {
  /** MongoDB database: the api-server's store and ELS's environment source. */
  readonly mongo?: Db;
  /** Kafka: changes, end users and insights between the three services. */
  readonly kafka?: Kafka;
  /** ClickHouse: the analytics store. */
  readonly clickhouse?: ClickHouseClient;
  /** Redis: ELS's shared definitions cache (build it with `enableOfflineQueue: false`). */
  readonly redis?: Redis;
}

/** Which adapters run embedded and which on a real server (for the banner). */
export interface AdapterChoice {
  readonly store: string;
  readonly bus: string;
  readonly analytics: string;
  readonly cache: string;
}

/** Starts the embedded platform; `progress` reports each step as it starts. */
export async function startEmbedded(
  config: EmbeddedConfig,
  logger: Logger,
  progress: (step: string) => void = () => {},
  servers: RealServers = {},
): Promise<RunningVane> {
  // Owner-only (0700): the folder holds SDK secrets in clear; chmod also tightens an older one.
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await chmod(config.dataDir, 0o700);
  const tokenFile = join(config.dataDir, 'owner-token');
  const closers: (() => Promise<void>)[] = [];
  const broker = new MemoryBroker();
  const prefix = config.topicPrefix;

  let store: DocumentStore;
  let source: EnvironmentSource;
  if (servers.mongo) {
    progress('connecting to MongoDB');
    store = new MongoDocumentStore(servers.mongo);
    source = new MongoEnvironmentSource(servers.mongo);
  } else {
    progress('opening the data folder');
    const memory = await MemoryDocumentStore.open({ dataDir: join(config.dataDir, 'store') });
    store = memory;
    source = new DocumentStoreEnvironmentSource(memory);
  }
  let publisher: ChangePublisher;
  let messages: MessageSource;
  let feed: ChangeFeed;
  let events: EventSink;
  let insightBus: InsightBus;
  if (servers.kafka) {
    progress('connecting to Kafka');
    const kafka = servers.kafka;
    publisher = new KafkaChangePublisher(kafka);
    messages = new KafkaMessageSource(kafka, logger.child({ service: 'api-server' }));
    feed = new KafkaChangeFeed(kafka, logger.child({ service: 'els' }));
    const sink = new KafkaEventSink(kafka, logger.child({ service: 'els' }));
    events = sink;
    closers.push(() => sink.close());
    const bus = new KafkaInsightBus(kafka, {
      topicPrefix: prefix,
      logger: logger.child({ service: 'analytics' }),
    });
    await bus.ensureTopics();
    insightBus = bus;
  } else {
    publisher = new MemoryChangePublisher(broker);
    messages = new MemoryMessageSource(broker);
    feed = new MemoryChangeFeed(broker);
    events = new MemoryEventSink(broker);
    insightBus = new MemoryInsightBus(broker);
  }
  closers.push(() => insightBus.close());
  let insightStore: InsightStore;
  if (servers.clickhouse) {
    progress('connecting to ClickHouse');
    insightStore = await ClickHouseInsightStore.create(
      servers.clickhouse,
      config.clickhouseDatabase,
      logger.child({ service: 'analytics' }),
    );
  } else {
    // Journaled beside the documents, so insights and experiment results survive a restart.
    const journaled = await JournaledInsightStore.open(
      join(config.dataDir, 'analytics', 'insights.jsonl'),
    );
    if (journaled.report.tornTail) {
      logger.warn('the analytics journal ended in a torn line (a crash mid-write); dropped it');
    }
    insightStore = journaled;
  }
  closers.push(() => insightStore.close());

  progress('starting analytics');
  // Analytics is internal: only the admin API calls it, with a per-process token.
  const internalToken = randomBytes(24).toString('base64url');
  const analytics = await startAnalytics(
    {
      store: insightStore,
      bus: insightBus,
      logger: logger.child({ service: 'analytics' }),
    },
    {
      grpcPort: config.analyticsGrpcPort,
      httpPort: config.analyticsHttpPort,
      host: config.host,
      batchSize: 10_000,
      batchMaxWaitMs: 500,
      internalToken,
      groupId: `${prefix}vane-analytics`,
    },
  );
  const gateway = grpcAnalyticsGateway(`${config.host}:${analytics.grpcPort}`, internalToken);

  progress('starting the admin API');
  const api = await startApiServer(
    {
      store,
      publisher,
      source: messages,
      logger: logger.child({ service: 'api-server' }),
      analytics: gateway,
    },
    {
      grpcPort: config.apiGrpcPort,
      httpPort: config.apiHttpPort,
      host: config.host,
      bootstrapToken: config.bootstrapToken,
      topicPrefix: prefix,
    },
  );
  progress('starting the evaluation server');
  const els = await startEls(
    {
      source,
      feed,
      events,
      cache: servers.redis
        ? new RedisFlagCache(servers.redis, { keyPrefix: config.redisKeyPrefix })
        : undefined,
      logger: logger.child({ service: 'els' }),
    },
    { port: config.elsPort, host: config.host, topicPrefix: prefix },
  );
  progress('starting the public edge (admin UI, gRPC-web, SDK paths)');
  // The edge bridges gRPC-web over loopback when the services listen on every interface.
  const local = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const edge = await startEdge({
    host: config.host,
    port: config.edgePort,
    adminGrpc: `${local}:${api.grpcPort}`,
    analyticsGrpc: `${local}:${analytics.grpcPort}`,
    els: els.handlers,
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
    adapters: {
      store: servers.mongo
        ? `MongoDB (database ${servers.mongo.databaseName})`
        : `embedded, journaled to ${config.dataDir}/`,
      bus: servers.kafka ? `Kafka (topic prefix "${prefix}")` : 'embedded (in-process)',
      analytics: servers.clickhouse
        ? `ClickHouse (database ${config.clickhouseDatabase})`
        : 'embedded (in memory)',
      cache: servers.redis
        ? `Redis (key prefix "${config.redisKeyPrefix}")`
        : 'none (ELS reads the store)',
    },
    async stop() {
      // ELS first: it closes every SDK connection with 1001, those through the edge included.
      await els.stop();
      await edge.stop();
      await api.stop();
      gateway.close();
      await publisher.close();
      await analytics.stop();
      for (const close of closers) await close();
      await store.close();
    },
  };
}
