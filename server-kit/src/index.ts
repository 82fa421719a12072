// @vane/server-kit: what the Vane servers share beyond the domain (core) and the contract (gen).
export {
  ConfigError,
  LOG_LEVELS,
  hostPort,
  integer,
  kafkaBrokers,
  loadOrExit,
  logLevel,
  port,
  restricted,
  text,
  topicPrefix,
  url,
} from './config.js';
export type { Env, LogLevel } from './config.js';
