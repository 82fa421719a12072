// The analytics configuration: read once from the environment, validated, frozen. A bad value
// stops start-up with an error that names the variable. No other module reads process.env.
import { SqlIdentifier } from './ingest/sql.js';

/** The log levels pino accepts. */
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  readonly logLevel: (typeof LEVELS)[number];
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads and validates the configuration; throws an error naming the first bad variable. */
export function loadConfig(env: Env): AnalyticsConfig {
  const brokers = (text(env, 'VANE_KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const broker of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      throw new Error(
        `VANE_KAFKA_BROKERS must be host:port[,host:port…], got ${JSON.stringify(broker)}`,
      );
    }
  }
  const clickhouseUrl = text(env, 'VANE_CLICKHOUSE_URL');
  if (clickhouseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(clickhouseUrl);
    } catch {
      throw new Error(
        `VANE_CLICKHOUSE_URL must be an http(s) URL, got ${JSON.stringify(clickhouseUrl)}`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(
        `VANE_CLICKHOUSE_URL must be an http(s) URL, got ${JSON.stringify(clickhouseUrl)}`,
      );
    }
  }
  const clickhouseDatabase = text(env, 'VANE_CLICKHOUSE_DATABASE') ?? 'vane';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(clickhouseDatabase)) {
    throw new Error(
      `VANE_CLICKHOUSE_DATABASE must match ^[A-Za-z_][A-Za-z0-9_]*$, got ${JSON.stringify(clickhouseDatabase)}`,
    );
  }
  SqlIdentifier.of(clickhouseDatabase);
  const topicPrefix = env.VANE_TOPIC_PREFIX?.trim() ?? '';
  if (!/^[A-Za-z0-9._-]*$/.test(topicPrefix)) {
    throw new Error(
      `VANE_TOPIC_PREFIX may hold only [A-Za-z0-9._-], got ${JSON.stringify(topicPrefix)}`,
    );
  }
  const logLevel = (text(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(
      `LOG_LEVEL must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`,
    );
  }
  return Object.freeze({
    kafkaBrokers: Object.freeze(brokers),
    clickhouseUrl,
    clickhouseDatabase,
    topicPrefix,
    grpcPort: integer(env, 'ANALYTICS_GRPC_PORT', 7090, 0, 65535),
    httpPort: integer(env, 'ANALYTICS_HTTP_PORT', 7091, 0, 65535),
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
    logLevel: logLevel as AnalyticsConfig['logLevel'],
  });
}
