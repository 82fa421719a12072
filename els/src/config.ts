// ELS's configuration: read once from the environment, validated, frozen. A bad value stops
// start-up with a message that names the variable.

/** Thrown for an invalid configuration value; the message names the variable. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** ELS's settings. */
export interface ElsConfig {
  /** MongoDB connection string of the api-server's database (required: ELS only reads it). */
  readonly mongoUrl: string;
  readonly mongoDatabase: string;
  /** Kafka brokers (required). */
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly tombstoneLimit: number;
  readonly logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads and validates the configuration from an environment (pass `process.env`). */
export function loadConfig(env: NodeJS.ProcessEnv): ElsConfig {
  const mongoUrl = env.VANE_MONGO_URL?.trim() ?? '';
  if (!/^mongodb(\+srv)?:\/\//.test(mongoUrl)) {
    throw new ConfigError(
      'VANE_MONGO_URL',
      'must be set and start with mongodb:// or mongodb+srv://',
    );
  }
  const kafkaBrokers = (env.VANE_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (kafkaBrokers.length === 0) throw new ConfigError('VANE_KAFKA_BROKERS', 'must be set');
  for (const broker of kafkaBrokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) {
      throw new ConfigError(
        'VANE_KAFKA_BROKERS',
        `must be host:port[,host:port…], got "${broker}"`,
      );
    }
  }
  const prefix = env.VANE_TOPIC_PREFIX ?? '';
  if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) {
    throw new ConfigError(
      'VANE_TOPIC_PREFIX',
      'may contain only letters, digits, ".", "_" and "-"',
    );
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return Object.freeze({
    mongoUrl,
    mongoDatabase: env.VANE_MONGO_DATABASE?.trim() || 'vane',
    kafkaBrokers: Object.freeze(kafkaBrokers),
    topicPrefix: prefix,
    host: env.ELS_HOST?.trim() || '127.0.0.1',
    port: integer(env, 'ELS_PORT', 7080, 0, 65535),
    maxConnections: integer(env, 'ELS_MAX_CONNECTIONS', 50_000, 1, 10_000_000),
    idleTimeoutMs: integer(env, 'ELS_IDLE_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    tombstoneLimit: integer(env, 'ELS_TOMBSTONE_LIMIT', 10_000, 1, 10_000_000),
    logLevel,
  });
}
