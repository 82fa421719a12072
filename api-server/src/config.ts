// The api-server's configuration: read once from the environment, validated, frozen. A bad value
// stops start-up with a message that names the variable.

/** Thrown for an invalid configuration value; the message names the variable. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(name, `must be a port number (0-65535), got "${raw}"`);
  }
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(name, `must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** Reads and validates the configuration from an environment (pass `process.env`). */
export function loadConfig(env: NodeJS.ProcessEnv): ApiServerConfig {
  const mongoUrl = env.VANE_MONGO_URL?.trim() || undefined;
  if (mongoUrl && !/^mongodb(\+srv)?:\/\//.test(mongoUrl)) {
    throw new ConfigError('VANE_MONGO_URL', 'must start with mongodb:// or mongodb+srv://');
  }
  const kafkaBrokers = (env.VANE_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const broker of kafkaBrokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) {
      throw new ConfigError(
        'VANE_KAFKA_BROKERS',
        `must be host:port[,host:port…], got "${broker}"`,
      );
    }
  }
  const bootstrapToken = env.VANE_BOOTSTRAP_TOKEN?.trim() || undefined;
  if (bootstrapToken && bootstrapToken.length < 24) {
    throw new ConfigError('VANE_BOOTSTRAP_TOKEN', 'must be at least 24 characters long');
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const analyticsAddress = env.VANE_ANALYTICS_ADDRESS?.trim() || undefined;
  if (analyticsAddress && !/^[^:\s/]+:\d+$/.test(analyticsAddress)) {
    throw new ConfigError('VANE_ANALYTICS_ADDRESS', `must be host:port, got "${analyticsAddress}"`);
  }
  const prefix = env.VANE_TOPIC_PREFIX ?? '';
  if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) {
    throw new ConfigError(
      'VANE_TOPIC_PREFIX',
      'may contain only letters, digits, ".", "_" and "-"',
    );
  }
  return Object.freeze({
    mongoUrl,
    mongoDatabase: env.VANE_MONGO_DATABASE?.trim() || 'vane',
    kafkaBrokers: Object.freeze(kafkaBrokers),
    topicPrefix: prefix,
    dataDir: env.VANE_DATA_DIR?.trim() || '.vane/data',
    host: env.API_HOST?.trim() || '127.0.0.1',
    grpcPort: port(env, 'API_GRPC_PORT', 7070),
    httpPort: port(env, 'API_HTTP_PORT', 7071),
    bootstrapToken,
    maxRequestBytes: positiveInt(env, 'API_MAX_REQUEST_BYTES', 4 * 1024 * 1024),
    logLevel,
    analyticsAddress,
    analyticsToken: env.VANE_ANALYTICS_TOKEN?.trim() || undefined,
  });
}
