// ELS's configuration: read once from the environment with the servers' shared readers
// (@vane/server-kit), validated, frozen. A bad value stops start-up with a message that names the
// variable.
import {
  ConfigError,
  integer,
  kafkaBrokers,
  logLevel,
  port,
  restricted,
  text,
  topicPrefix,
  url,
} from '@vane/server-kit';
import type { Env } from '@vane/server-kit';

export { ConfigError };

/** Thrown for an invalid configuration value; the message names the variable. */

/** ELS's settings. */
export interface ElsConfig {
  /** MongoDB connection string of the api-server's database (required: ELS only reads it). */
  readonly mongoUrl: string;
  readonly mongoDatabase: string;
  /** Kafka brokers (required). */
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  /** Redis URL of the shared definitions cache (required). */
  readonly redisUrl: string;
  /** Prefix of ELS's Redis keys. */
  readonly redisKeyPrefix: string;
  /**
   * Kafka consumer group of this instance (unique per instance: every instance must see every
   * change); undefined: a fresh `els-<random>` per start.
   */
  readonly consumerGroup: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  /** Most connections per environment on this instance (0: no limit). */
  readonly maxConnectionsPerEnv: number;
  /** Most unsent bytes on one connection (any protocol) before it is closed (4009). */
  readonly maxBufferedBytes: number;
  readonly idleTimeoutMs: number;
  readonly tombstoneLimit: number;
  /** Period of the catch-up from the store and of cache repairs. */
  readonly catchUpIntervalMs: number;
  /** How long a secret lookup is reused. */
  readonly secretCacheMs: number;
  /** Period of the re-check of open connections' secrets. */
  readonly secretRecheckMs: number;
  /** Frame rate limits per connection and per environment. */
  readonly rateLimits: RateLimits;
  /** FeatBit streaming: largest token clock difference accepted, in ms. */
  readonly featbitTokenWindowMs: number;
  /** OFREP: requests per minute per API key and caller address. */
  readonly ofrepRateLimitPerMinute: number;
  /** OFREP: key signing event-stream tokens (the same on every instance); unset = random. */
  readonly ofrepStreamKey: string | undefined;
  readonly logLevel: string;
}

import { DEFAULT_RATE_LIMITS } from './streaming/rate-limiter.js';
import type { RateLimits } from './streaming/rate-limiter.js';

function ofrepStreamKey(env: Env): string | undefined {
  const key = env.ELS_OFREP_STREAM_KEY?.trim();
  if (key === undefined || key === '') return undefined;
  if (key.length < 16)
    throw new ConfigError('ELS_OFREP_STREAM_KEY', 'must be at least 16 characters');
  return key;
}

/** Reads and validates the configuration from an environment (pass `process.env`). */
export function loadConfig(env: Env): ElsConfig {
  const mongoUrl = url(env, 'VANE_MONGO_URL', ['mongodb:', 'mongodb+srv:'], true)!;
  const brokers = kafkaBrokers(env, true);
  const prefix = topicPrefix(env);
  const redisUrl = url(env, 'VANE_REDIS_URL', ['redis:', 'rediss:'], true)!;
  const redisKeyPrefix = restricted(
    env,
    'VANE_REDIS_KEY_PREFIX',
    'vane:els:',
    'a-zA-Z0-9:._-',
    'letters, digits, ":", ".", "_" and "-"',
  );
  const consumerGroup = env.ELS_CONSUMER_GROUP?.trim() || undefined;
  if (consumerGroup !== undefined && !/^[a-zA-Z0-9._-]{1,200}$/.test(consumerGroup)) {
    throw new ConfigError(
      'ELS_CONSUMER_GROUP',
      'may contain only letters, digits, ".", "_" and "-" (at most 200)',
    );
  }
  const d = DEFAULT_RATE_LIMITS;
  const rateLimits: RateLimits = Object.freeze({
    connectionFramesPerSecond: integer(
      env,
      'ELS_CONN_FRAMES_PER_SECOND',
      d.connectionFramesPerSecond,
      1,
      1_000_000,
    ),
    connectionBurst: integer(env, 'ELS_CONN_FRAME_BURST', d.connectionBurst, 1, 1_000_000),
    environmentFramesPerSecond: integer(
      env,
      'ELS_ENV_FRAMES_PER_SECOND',
      d.environmentFramesPerSecond,
      1,
      100_000_000,
    ),
    environmentBurst: integer(env, 'ELS_ENV_FRAME_BURST', d.environmentBurst, 1, 100_000_000),
    closeAfterDropped: integer(
      env,
      'ELS_RATE_LIMIT_CLOSE_AFTER',
      d.closeAfterDropped,
      1,
      1_000_000,
    ),
  });
  return Object.freeze({
    mongoUrl,
    mongoDatabase: text(env, 'VANE_MONGO_DATABASE') ?? 'vane',
    kafkaBrokers: brokers,
    topicPrefix: prefix,
    redisUrl,
    redisKeyPrefix,
    consumerGroup,
    host: text(env, 'ELS_HOST') ?? '127.0.0.1',
    port: port(env, 'ELS_PORT', 7080),
    maxConnections: integer(env, 'ELS_MAX_CONNECTIONS', 50_000, 1, 10_000_000),
    maxConnectionsPerEnv: integer(env, 'ELS_MAX_CONNECTIONS_PER_ENV', 0, 0, 10_000_000),
    maxBufferedBytes: integer(
      env,
      'ELS_MAX_BUFFERED_BYTES',
      8 * 1024 * 1024,
      64 * 1024,
      1024 * 1024 * 1024,
    ),
    idleTimeoutMs: integer(env, 'ELS_IDLE_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    tombstoneLimit: integer(env, 'ELS_TOMBSTONE_LIMIT', 10_000, 1, 10_000_000),
    catchUpIntervalMs: integer(env, 'ELS_CATCH_UP_INTERVAL_MS', 30_000, 100, 3_600_000),
    secretCacheMs: integer(env, 'ELS_SECRET_CACHE_MS', 10_000, 0, 3_600_000),
    secretRecheckMs: integer(env, 'ELS_SECRET_RECHECK_MS', 15_000, 100, 3_600_000),
    rateLimits,
    featbitTokenWindowMs: integer(env, 'ELS_FEATBIT_TOKEN_WINDOW_MS', 30_000, 1000, 86_400_000),
    ofrepRateLimitPerMinute: integer(env, 'ELS_OFREP_RATE_LIMIT', 6000, 1, 100_000_000),
    ofrepStreamKey: ofrepStreamKey(env),
    logLevel: logLevel(env, 'info'),
  });
}
