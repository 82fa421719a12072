// Configuration of the embedded launcher: read once from the environment and the command line
// (a flag wins over its variable), validated with the servers' shared readers (@vane/server-kit),
// frozen.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  kafkaBrokers,
  logLevel,
  port,
  text,
  topicPrefix,
  url,
} from '@vane/server-kit';
import type { Env, LogLevel } from '@vane/server-kit';

/** Thrown for an unknown or malformed flag (values are checked by the shared readers). */
export class EmbeddedConfigError extends ConfigError {}

/** Settings of `npm start`. */
export interface EmbeddedConfig {
  /** Folder of the durable journal and the saved owner token. */
  readonly dataDir: string;
  readonly host: string;
  readonly apiGrpcPort: number;
  readonly apiHttpPort: number;
  readonly analyticsGrpcPort: number;
  readonly analyticsHttpPort: number;
  readonly elsPort: number;
  /** The public edge (admin UI, gRPC-web, SDK paths): Envoy's port in the compose stack. */
  readonly edgePort: number;
  /** The admin UI's build output served by the edge. */
  readonly webDist: string;
  readonly bootstrapToken: string | undefined;
  readonly logLevel: LogLevel;
  /** Real MongoDB instead of the journaled embedded store (api-server and ELS). */
  readonly mongoUrl: string | undefined;
  readonly mongoDatabase: string;
  /** Real Kafka instead of the in-process bus (all three services); empty = embedded. */
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  /** Real ClickHouse instead of the in-memory analytics store. */
  readonly clickhouseUrl: string | undefined;
  readonly clickhouseDatabase: string;
  /** Real Redis as ELS's definitions cache instead of none. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
}

/** Command-line flags and the variable each one stands for. */
export const FLAGS = {
  'data-dir': 'VANE_DATA_DIR',
  host: 'VANE_HOST',
  'edge-port': 'VANE_EDGE_PORT',
  'web-dist': 'VANE_WEB_DIST',
  'mongo-url': 'VANE_MONGO_URL',
  'mongo-database': 'VANE_MONGO_DATABASE',
  'kafka-brokers': 'VANE_KAFKA_BROKERS',
  'topic-prefix': 'VANE_TOPIC_PREFIX',
  'clickhouse-url': 'VANE_CLICKHOUSE_URL',
  'clickhouse-database': 'VANE_CLICKHOUSE_DATABASE',
  'redis-url': 'VANE_REDIS_URL',
  'redis-key-prefix': 'VANE_REDIS_KEY_PREFIX',
  'log-level': 'LOG_LEVEL',
} as const;

/** `npm start -- --help`. */
export const USAGE = `Usage: npm start -- [flags]

Runs Vane in one process. Every adapter is embedded unless its server is named:
${Object.entries(FLAGS)
  .map(([flag, variable]) => `  --${flag.padEnd(20)} (env ${variable})`)
  .join('\n')}
  --help                 this text
Ports: API_GRPC_PORT, API_HTTP_PORT, ELS_PORT, ANALYTICS_GRPC_PORT, ANALYTICS_HTTP_PORT.
`;

/**
 * Applies command-line flags (`--mongo-url=…` or `--mongo-url …`) over `env`; throws
 * EmbeddedConfigError for an unknown flag. Returns undefined for `--help`.
 */
export function applyFlags(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
): NodeJS.ProcessEnv | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new EmbeddedConfigError('command line', `${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return undefined;
  const out = { ...env };
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') out[variable] = value;
  }
  return out;
}

/** Reads the launcher's configuration (pass `process.env`, after `applyFlags`). */
export function loadEmbeddedConfig(env: Env): EmbeddedConfig {
  return Object.freeze({
    dataDir: text(env, 'VANE_DATA_DIR') ?? '.vane',
    host: text(env, 'VANE_HOST') ?? '127.0.0.1',
    apiGrpcPort: port(env, 'API_GRPC_PORT', 7070),
    apiHttpPort: port(env, 'API_HTTP_PORT', 7071),
    analyticsGrpcPort: port(env, 'ANALYTICS_GRPC_PORT', 7090),
    analyticsHttpPort: port(env, 'ANALYTICS_HTTP_PORT', 7091),
    elsPort: port(env, 'ELS_PORT', 7080),
    edgePort: port(env, 'VANE_EDGE_PORT', 8080),
    webDist:
      text(env, 'VANE_WEB_DIST') ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
    bootstrapToken: text(env, 'VANE_BOOTSTRAP_TOKEN'),
    logLevel: logLevel(env, 'warn'),
    mongoUrl: url(env, 'VANE_MONGO_URL', ['mongodb:', 'mongodb+srv:']),
    mongoDatabase: text(env, 'VANE_MONGO_DATABASE') ?? 'vane',
    kafkaBrokers: kafkaBrokers(env),
    topicPrefix: topicPrefix(env),
    clickhouseUrl: url(env, 'VANE_CLICKHOUSE_URL', ['http:', 'https:']),
    clickhouseDatabase: text(env, 'VANE_CLICKHOUSE_DATABASE') ?? 'vane',
    redisUrl: url(env, 'VANE_REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.VANE_REDIS_KEY_PREFIX ?? 'vane:els:',
  });
}
