// The api-server's configuration: read once from the environment with the servers' shared
// readers (@vane/server-kit), validated, frozen. A bad value stops start-up with a message that
// names the variable.
import {
  ConfigError,
  hostPort,
  integer,
  kafkaBrokers,
  logLevel,
  port,
  text,
  topicPrefix,
  url,
} from '@vane/server-kit';
import type { Env } from '@vane/server-kit';

export { ConfigError };

/** The api-server's settings. */
export interface ApiServerConfig {
  /** MongoDB connection string; undefined → the embedded store with a journal in `dataDir`. */
  readonly mongoUrl: string | undefined;
  readonly mongoDatabase: string;
  /** Kafka brokers; empty → the embedded in-process bus. */
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  /** Folder of the embedded store's journal. */
  readonly dataDir: string;
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly bootstrapToken: string | undefined;
  readonly maxRequestBytes: number;
  readonly logLevel: string;
  /** host:port of the analytics service's gRPC API; undefined → insights answer UNAVAILABLE. */
  readonly analyticsAddress: string | undefined;
  /** Internal token the analytics service expects, if it is configured with one. */
  readonly analyticsToken: string | undefined;
}

/** Reads and validates the configuration from an environment (pass `process.env`). */
export function loadConfig(env: Env): ApiServerConfig {
  const bootstrapToken = text(env, 'VANE_BOOTSTRAP_TOKEN');
  if (bootstrapToken && bootstrapToken.length < 24) {
    throw new ConfigError('VANE_BOOTSTRAP_TOKEN', 'must be at least 24 characters long');
  }
  return Object.freeze({
    mongoUrl: url(env, 'VANE_MONGO_URL', ['mongodb:', 'mongodb+srv:']),
    mongoDatabase: text(env, 'VANE_MONGO_DATABASE') ?? 'vane',
    kafkaBrokers: kafkaBrokers(env),
    topicPrefix: topicPrefix(env),
    dataDir: text(env, 'VANE_DATA_DIR') ?? '.vane/data',
    host: text(env, 'API_HOST') ?? '127.0.0.1',
    grpcPort: port(env, 'API_GRPC_PORT', 7070),
    httpPort: port(env, 'API_HTTP_PORT', 7071),
    bootstrapToken,
    maxRequestBytes: integer(env, 'API_MAX_REQUEST_BYTES', 4 * 1024 * 1024, 1, 2 ** 31 - 1),
    logLevel: logLevel(env, 'info'),
    analyticsAddress: hostPort(env, 'VANE_ANALYTICS_ADDRESS'),
    analyticsToken: text(env, 'VANE_ANALYTICS_TOKEN'),
  });
}
