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
export { PROBE_PATHS, answerProbe, readinessText, startProbeServer } from './probes.js';
export type { Probes, Readiness } from './probes.js';
export { grpcCodeName } from './grpc-code.js';
