// The analytics configuration: read once from the environment with the servers' shared readers
// (@vane/server-kit), validated, frozen. A bad value stops start-up with a message that names the
// variable. No other module reads process.env.
import {
  ConfigError,
  integer,
  kafkaBrokers,
  logLevel,
  port,
  text,
  topicPrefix,
  url,
} from '@vane/server-kit';
import type { Env, LogLevel } from '@vane/server-kit';
import { SqlIdentifier } from './ingest/sql.js';

/** The validated configuration. */
export interface AnalyticsConfig {
  /** Kafka bootstrap brokers; empty → the in-memory bus (embedded default). */
  readonly kafkaBrokers: readonly string[];
  /** ClickHouse HTTP URL; undefined → the in-memory store (embedded default). */
  readonly clickhouseUrl: string | undefined;
  readonly clickhouseDatabase: string;
  /** Prefix of every Kafka topic name ('' = none). */
  readonly topicPrefix: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Events per write to the store. */
  readonly batchSize: number;
  /** Longest an event waits for its batch to fill, ms. */
  readonly batchMaxWaitMs: number;
  /** Partitions of the insights topic when analytics creates it. */
  readonly kafkaPartitions: number;
  /** Kafka consumer session timeout, ms. */
  readonly kafkaSessionTimeoutMs: number;
  /** When set, callers must send `authorization: Bearer <token>`. */
  readonly internalToken: string | undefined;
  readonly logLevel: LogLevel;
}

/** Reads and validates the configuration; throws an error naming the first bad variable. */
export function loadConfig(env: Env): AnalyticsConfig {
  const brokers = kafkaBrokers(env);
  const clickhouseUrl = url(env, 'VANE_CLICKHOUSE_URL', ['http:', 'https:']);
  const clickhouseDatabase = text(env, 'VANE_CLICKHOUSE_DATABASE') ?? 'vane';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(clickhouseDatabase)) {
    throw new ConfigError(
      'VANE_CLICKHOUSE_DATABASE',
      `must match ^[A-Za-z_][A-Za-z0-9_]*$, got "${clickhouseDatabase}"`,
    );
  }
  SqlIdentifier.of(clickhouseDatabase);
  return Object.freeze({
    kafkaBrokers: brokers,
    clickhouseUrl,
    clickhouseDatabase,
    topicPrefix: topicPrefix(env),
    grpcPort: port(env, 'ANALYTICS_GRPC_PORT', 7090),
    httpPort: port(env, 'ANALYTICS_HTTP_PORT', 7091),
    batchSize: integer(env, 'ANALYTICS_BATCH_SIZE', 10_000, 1, 1_000_000),
    batchMaxWaitMs: integer(env, 'ANALYTICS_BATCH_MAX_WAIT_MS', 1000, 1, 600_000),
    kafkaPartitions: integer(env, 'ANALYTICS_KAFKA_PARTITIONS', 3, 1, 1000),
    kafkaSessionTimeoutMs: integer(
      env,
      'ANALYTICS_KAFKA_SESSION_TIMEOUT_MS',
      30_000,
      6000,
      300_000,
    ),
    internalToken: text(env, 'ANALYTICS_INTERNAL_TOKEN'),
    logLevel: logLevel(env, 'info'),
  });
}
