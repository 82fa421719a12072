// Reading a server's configuration from its environment: one reader per kind of value, one error
// that names the variable, and one exit. Every server (api-server, ELS, analytics, the embedded
// launcher) reads its variables with these, so the same value is accepted or refused alike.

/** An environment: `process.env`, or a test's record. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A value that stops start-up; the message names the variable and what is wrong with it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** The log levels pino accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A variable's value, trimmed; undefined when unset or blank. */
export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A decimal integer from `min` to `max`; `fallback` when unset or blank. */
export function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A TCP port to listen on (0: any free port). */
export function port(env: Env, name: string, fallback: number): number {
  return integer(env, name, fallback, 0, 65535);
}

/** Whether `value` is `host:port` with a port from 1 to 65535 (no scheme, no path). */
function isHostPort(value: string): boolean {
  const match = /^([^\s:/]+):(\d{1,5})$/.exec(value);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
}

/** A `host:port` address; undefined when unset. */
export function hostPort(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !isHostPort(value)) {
    throw new ConfigError(name, `must be host:port (port 1-65535), got "${value}"`);
  }
  return value;
}

/** `VANE_KAFKA_BROKERS`: `host:port[,host:port…]`; empty when unset, unless `required`. */
export function kafkaBrokers(env: Env, required = false): readonly string[] {
  const name = 'VANE_KAFKA_BROKERS';
  const brokers = (env[name] ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (required && brokers.length === 0) throw new ConfigError(name, 'must be set');
  for (const broker of brokers) {
    if (!isHostPort(broker)) {
      throw new ConfigError(name, `must be host:port[,host:port…] (port 1-65535), got "${broker}"`);
    }
  }
  return Object.freeze(brokers);
}

/**
 * A URL with one of `schemes` (e.g. `mongodb:`) and something after `//`; undefined when unset,
 * unless `required`.
 */
export function url(
  env: Env,
  name: string,
  schemes: readonly string[],
  required = false,
): string | undefined {
  const value = text(env, name);
  const expected = schemes.map((s) => `${s}//`).join(' or ');
  if (value === undefined) {
    if (required) throw new ConfigError(name, `must be set and start with ${expected}`);
    return undefined;
  }
  // By prefix, not by WHATWG URL parsing, which refuses MongoDB's multi-host `a:1,b:2` authority.
  const fits = schemes.some((s) => value.startsWith(`${s}//`) && value.length > s.length + 2);
  if (!fits || /\s/.test(value)) {
    throw new ConfigError(name, `must be a URL starting with ${expected}, got "${value}"`);
  }
  return value;
}

/** A value made only of the characters `allowed` describes (a regex class body), maybe empty. */
export function restricted(
  env: Env,
  name: string,
  fallback: string,
  allowed: string,
  described: string,
): string {
  const value = env[name]?.trim() ?? fallback;
  if (!new RegExp(`^[${allowed}]*$`).test(value)) {
    throw new ConfigError(name, `may contain only ${described}, got "${value}"`);
  }
  return value;
}

/** `VANE_TOPIC_PREFIX`: put before every Kafka topic name ('' = none). */
export function topicPrefix(env: Env): string {
  return restricted(
    env,
    'VANE_TOPIC_PREFIX',
    '',
    'A-Za-z0-9._-',
    'letters, digits, ".", "_" and "-"',
  );
}

/** `LOG_LEVEL`, case-insensitive; `fallback` when unset. */
export function logLevel(env: Env, fallback: LogLevel): LogLevel {
  const value = (text(env, 'LOG_LEVEL') ?? fallback).toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

/**
 * Runs a server's `load`: its configuration, or, for a ConfigError, the message as one line on
 * stderr and exit code 2 (every other error is thrown on).
 */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
