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
import type { ElsHandlers } from './streaming/stream-server.js';
import type { ChangeFeed } from './sync/change-feed.js';
import { startChangeConsumer } from './sync/change-consumer.js';
import { SnapshotRegistry } from './sync/snapshot-registry.js';
import type { FlagCache } from './cache/flag-cache.js';
import { startCatchUp } from './sync/catch-up.js';
import { DEFAULT_RATE_LIMITS, FrameRateLimiter } from './streaming/rate-limiter.js';
import type { RateLimits } from './streaming/rate-limiter.js';
import { SecretCache } from './streaming/secret-cache.js';
import { superviseConnections } from './streaming/connection-supervisor.js';
import type { ConnectionLayer } from './streaming/connection-layer.js';
import { createFeatBitRoute } from './featbit/featbit-route.js';
import type { FeatBitOptions } from './featbit/featbit-route.js';
import { createOfrepRoute } from './ofrep/ofrep-route.js';
import type { OfrepOptions } from './ofrep/ofrep-route.js';

/** The adapters ELS runs on. */
export interface ElsDeps {
  readonly source: EnvironmentSource;
  readonly feed: ChangeFeed;
  readonly logger: Logger;
  /** Where end users and tracked events go (absent: they are acknowledged, not published). */
  readonly events?: EventSink;
  /** Prometheus registry to register ELS's metrics in (a fresh one by default). */
  readonly metricsRegistry?: Registry;
  /** The shared definitions cache (Redis); absent: snapshots load from the source only. */
  readonly cache?: FlagCache;
}

/** Default bound on one connection's unsent bytes (`ELS_MAX_BUFFERED_BYTES`). */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

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
  /** Most connections of one environment on this instance (0, the default: no limit). */
  readonly maxConnectionsPerEnv?: number;
  /**
   * Most bytes queued and unsent on one connection (any protocol) before ELS stops sending and
   * closes it (Vane and FeatBit: close 4009; SSE: the response is destroyed). Default 8 MiB.
   */
  readonly maxBufferedBytes?: number;
  /** What SDKs are told to wait when the store is unavailable. */
  readonly retryAfterMs?: number;
  /** Period of the safety-net catch-up from the store and of cache repairs (default 30 s). */
  readonly catchUpIntervalMs?: number;
  /** How long a secret lookup is reused (default 10 s; 0 disables). */
  readonly secretCacheMs?: number;
  /** Period of the re-check that closes connections of revoked secrets (default 15 s). */
  readonly secretRecheckMs?: number;
  /** Frame rate limits, Vane's and FeatBit's frames alike (defaults in `streaming/rate-limiter.ts`). */
  readonly rateLimits?: Partial<RateLimits>;
  /** FeatBit compatibility (`/streaming`, `/api/public/...`); see `featbit/featbit-route.ts`. */
  readonly featbit?: FeatBitOptions;
  /** OFREP (`/ofrep/v1/...`); see `ofrep/ofrep-route.ts`. */
  readonly ofrep?: OfrepOptions;
}

/** A running ELS. */
export interface RunningEls {
  readonly port: number;
  /** Its HTTP and upgrade handlers, for a server in the same process to route SDK paths to. */
  readonly handlers: ElsHandlers;
  /** Closes every SDK connection with 1001, stops consuming and listening. */
  stop(): Promise<void>;
}

/** Starts ELS: consumes changes first, then accepts SDK connections. */
export async function startEls(deps: ElsDeps, options: ElsOptions): Promise<RunningEls> {
  const logger = deps.logger;
  const snapshots = new SnapshotRegistry(
    deps.source,
    {
      tombstoneLimit: options.tombstoneLimit ?? 10_000,
      ...(deps.cache ? { cache: deps.cache } : {}),
    },
    logger.child({ module: 'snapshots' }),
  );
  // One registry for every protocol: the caps count Vane, FeatBit and SSE connections together.
  const connections = new ConnectionRegistry({
    maxConnections: options.maxConnections ?? 50_000,
    maxConnectionsPerEnv: options.maxConnectionsPerEnv ?? 0,
  });
  const metrics = createElsMetrics(connections, deps.metricsRegistry);
  let feedConnected = false;
  let feedJoinedOnce = false;
  const catchUp = startCatchUp(
    snapshots,
    {
      intervalMs: options.catchUpIntervalMs ?? 30_000,
      onRun: (applied) => {
        metrics.caughtUp.inc(applied);
        metrics.cacheUp.set(snapshots.loader.cacheUp ? 1 : 0);
      },
    },
    logger,
  );
  const subscription = await startChangeConsumer(
    deps.feed,
    snapshots,
    {
      topicPrefix: options.topicPrefix ?? '',
      groupId: options.groupId ?? `els-${randomBytes(6).toString('hex')}`,
      observer: {
        onStatus: (connected) => {
          feedConnected = connected;
          feedJoinedOnce ||= connected;
          metrics.feedConnected.set(connected ? 1 : 0);
          // (Re)joined: what was published while the feed was away is caught up from the store.
          if (connected) catchUp.trigger('feed joined');
        },
        onLag: (topic, partition, lag) =>
          metrics.consumerLag.set({ topic, partition: String(partition) }, lag),
      },
      observeDelay: (seconds) => metrics.changeDelaySeconds.observe(seconds),
    },
    logger,
  );
  const secrets = new SecretCache(deps.source, { ttlMs: options.secretCacheMs ?? 10_000 });
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const layer: ConnectionLayer = {
    connections,
    settings: {
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      idleTimeoutMs,
      onClose: (conn, reason) => metrics.closed.inc({ protocol: conn.protocol, reason }),
    },
    limiter: new FrameRateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }),
  };
  const featbitIdleMs = options.featbit?.idleTimeoutMs ?? idleTimeoutMs;
  const stopSupervisor = superviseConnections(
    connections,
    secrets,
    {
      sweepMs: Math.floor(Math.min(idleTimeoutMs, featbitIdleMs) / 4),
      secretRecheckMs: options.secretRecheckMs ?? 15_000,
    },
    logger,
  );
  const stopPusher = startChangePusher(snapshots, connections, metrics, logger);
  const reporter = deps.events
    ? new SdkReporter(deps.events, { topicPrefix: options.topicPrefix ?? '' })
    : undefined;
  const compat = {
    source: { findSecret: (secret: string) => secrets.find(secret) },
    snapshots,
    logger,
    registry: metrics.registry,
    layer,
    ...(reporter ? { reporter } : {}),
  };
  const dispatcher = new FrameDispatcher(
    {
      snapshots,
      logger: logger.child({ module: 'frames' }),
      retryAfterMs: options.retryAfterMs ?? 5000,
      ...(reporter ? { reporter } : {}),
    },
    metrics,
    layer.limiter,
  );
  let server;
  try {
    server = await startStreamServer(
      {
        routes: [
          createFeatBitRoute(compat, { idleTimeoutMs, ...options.featbit }),
          createOfrepRoute(compat, options.ofrep),
        ],
        source: deps.source,
        secrets,
        connections,
        settings: layer.settings,
        dispatcher,
        metrics,
        logger,
        // Ready while the store answers and the feed has joined; Redis down only degrades.
        ready: async () => {
          const store = await deps.source.ping().then(
            () => 'ok',
            () => 'unavailable',
          );
          const cache =
            deps.cache === undefined
              ? 'none'
              : await deps.cache.ping().then(
                  () => 'ok',
                  () => 'unavailable (serving from the store and memory)',
                );
          // A feed lost after its first join leaves ELS ready: the catch-up delivers changes.
          const feed = feedConnected
            ? 'joined'
            : feedJoinedOnce
              ? 'not joined (catching up from the store)'
              : 'not joined';
          return { ready: store === 'ok' && feedJoinedOnce, checks: { store, cache, feed } };
        },
      },
      {
        port: options.port,
        host: options.host ?? '127.0.0.1',
      },
    );
  } catch (error) {
    stopSupervisor();
    await catchUp.stop();
    stopPusher();
    await subscription.close();
    throw error;
  }
  const stream = server;
  logger.info({ port: stream.port }, 'ELS listening');
  return {
    port: stream.port,
    handlers: stream.handlers,
    stop: async () => {
      await stream.stop();
      stopSupervisor();
      await catchUp.stop();
      stopPusher();
      await subscription.close();
      await deps.events
        ?.flush()
        .catch((err: unknown) => logger.warn({ err }, 'SDK events not flushed'));
    },
  };
}
