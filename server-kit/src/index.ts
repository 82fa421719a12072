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
export { grpcCodeName } from './grpc/grpc-code.js';
export { grpcCallMetrics } from './grpc/call-metrics.js';
export {
  AlreadyExists,
  DomainError,
  FailedPrecondition,
  InvalidArgument,
  MAX_DESCRIPTION_SENT,
  MAX_VIOLATIONS,
  NotFound,
  PermissionDenied,
  RevisionConflict,
  Unauthenticated,
  Unavailable,
  Violations,
  invalidArgument,
} from './grpc/domain-errors.js';
export type { Violation } from './grpc/domain-errors.js';
export { errorInfoOf, toServiceError } from './grpc/status-details.js';
export type { ErrorMapping } from './grpc/status-details.js';
export { grpcHandlers } from './grpc/grpc-handlers.js';
export type {
  AsyncService,
  AsyncUnary,
  Authenticate,
  CallContext,
  CallObserver,
  HandlerDeps,
} from './grpc/grpc-handlers.js';
export { HEALTH_SERVICE, addReflection } from './grpc/reflection.js';
export { serveServices, serviceName, unaryService } from './grpc/grpc-server.js';
export type { ServedServices, ServiceEntry } from './grpc/grpc-server.js';
export { MemoryBroker } from './bus/memory-broker.js';
export type {
  BatchHandler,
  BrokerRecord,
  BrokerSubscription,
  OutgoingRecord,
  SubscribeOptions,
} from './bus/memory-broker.js';
export { kafkaClient, redisClient } from './clients/clients.js';
