// Assembles ELS from its ports: snapshots fed by the change consumer, the change pusher, and the
// WebSocket stream server. `main.ts` picks the adapters; tests pass in-memory ones.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventSink } from './outbound/event-sink.js';
import { SdkReporter } from './outbound/sdk-reports.js';
import type { Registry } from 'prom-client';
import type { EnvironmentSource } from './environments/environment-source.js';
import { ConnectionRegistry } from './streaming/connection-registry.js';
import { createElsMetrics } from './streaming/els-metrics.js';
import { FrameDispatcher } from './streaming/frame-dispatcher.js';
import { startChangePusher } from './streaming/change-pusher.js';
import { startStreamServer } from './streaming/stream-server.js';
import type { ChangeFeed } from './sync/change-feed.js';
import { startChangeConsumer } from './sync/change-consumer.js';
import { SnapshotRegistry } from './sync/snapshot-registry.js';

/** The adapters ELS runs on. */
export interface ElsDeps {
  readonly source: EnvironmentSource;
  readonly feed: ChangeFeed;
  readonly logger: Logger;
  /** Where end users and tracked events go (absent: they are acknowledged, not published). */
  readonly events?: EventSink;
  /** Prometheus registry to register ELS's metrics in (a fresh one by default). */
  readonly metricsRegistry?: Registry;
}

/** ELS's settings (see `config.ts` for the defaults). */
export interface ElsOptions {
  readonly port: number;
  readonly host?: string;
  readonly topicPrefix?: string;
  /** Consumer group; every instance needs its own (default `els-<random>`). */
  readonly groupId?: string;
  readonly tombstoneLimit?: number;
  readonly idleTimeoutMs?: number;
  readonly maxConnections?: number;
  /** What SDKs are told to wait when the store is unavailable. */
  readonly retryAfterMs?: number;
}

/** A running ELS. */
export interface RunningEls {
  readonly port: number;
  /** Closes every SDK connection with 1001, stops consuming and listening. */
  stop(): Promise<void>;
}

/** Starts ELS: consumes changes first, then accepts SDK connections. */
export async function startEls(deps: ElsDeps, options: ElsOptions): Promise<RunningEls> {
  const logger = deps.logger;
  const snapshots = new SnapshotRegistry(
    deps.source,
    { tombstoneLimit: options.tombstoneLimit ?? 10_000 },
    logger.child({ module: 'snapshots' }),
  );
  const connections = new ConnectionRegistry();
  const metrics = createElsMetrics(connections, deps.metricsRegistry);
  const subscription = await startChangeConsumer(
    deps.feed,
    snapshots,
    {
      topicPrefix: options.topicPrefix ?? '',
      groupId: options.groupId ?? `els-${randomBytes(6).toString('hex')}`,
    },
    logger,
  );
  const stopPusher = startChangePusher(snapshots, connections, metrics, logger);
  const dispatcher = new FrameDispatcher(
    {
      snapshots,
      logger: logger.child({ module: 'frames' }),
      retryAfterMs: options.retryAfterMs ?? 5000,
      ...(deps.events
        ? { reporter: new SdkReporter(deps.events, { topicPrefix: options.topicPrefix ?? '' }) }
        : {}),
    },
    metrics,
  );
  let server;
  try {
    server = await startStreamServer(
      {
        source: deps.source,
        connections,
        dispatcher,
        metrics,
        logger,
        ready: async () => {
          await deps.source.ping();
          return true;
        },
      },
      {
        port: options.port,
        host: options.host ?? '127.0.0.1',
        maxConnections: options.maxConnections ?? 50_000,
        idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      },
    );
  } catch (error) {
    stopPusher();
    await subscription.close();
    throw error;
  }
  const stream = server;
  logger.info({ port: stream.port }, 'ELS listening');
  return {
    port: stream.port,
    stop: async () => {
      await stream.stop();
      stopPusher();
      await subscription.close();
      await deps.events
        ?.flush()
        .catch((err: unknown) => logger.warn({ err }, 'SDK events not flushed'));
    },
  };
}
