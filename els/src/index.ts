// @vane/els: the evaluation server. Exported for the embedded single-process default and tests.
export { startEls } from './els-server.js';
export type { ElsDeps, ElsOptions, RunningEls } from './els-server.js';
export { ConfigError, loadConfig } from './config.js';
export type { ElsConfig } from './config.js';
export { SourceUnavailableError, changesFromContents } from './environments/environment-source.js';
export type {
  DeletedItem,
  EnvironmentChanges,
  EnvironmentContents,
  EnvironmentSource,
  SecretGrant,
  SecretKind,
  VersionedFlag,
  VersionedSegment,
} from './environments/environment-source.js';
export { MemoryEnvironmentSource } from './environments/memory-environment-source.js';
export { MongoEnvironmentSource } from './environments/mongo-environment-source.js';
export { MemoryChangeFeed } from './sync/change-feed.js';
export type {
  ChangeFeed,
  ChangeRecord,
  FeedObserver,
  FeedSubscription,
} from './sync/change-feed.js';
export { KafkaChangeFeed } from './sync/kafka-change-feed.js';
export { STREAM_PATH, SYNC_PROTOCOL, SECRET_PROTOCOL_PREFIX } from './streaming/stream-server.js';
export type { ElsHandlers } from './streaming/stream-server.js';
export { MemoryEventSink } from './outbound/event-sink.js';
export type { EventSink, OutgoingEvent } from './outbound/event-sink.js';
export { KafkaEventSink } from './outbound/kafka-event-sink.js';
export { SdkReporter } from './outbound/sdk-reports.js';
export { CacheUnavailableError } from './cache/flag-cache.js';
export type { CacheEntry, CachedEnvironment, FlagCache } from './cache/flag-cache.js';
export { MemoryFlagCache } from './cache/memory-flag-cache.js';
export { RedisFlagCache } from './cache/redis-flag-cache.js';
export type { RateLimits } from './streaming/rate-limiter.js';
export { DEFAULT_RATE_LIMITS } from './streaming/rate-limiter.js';
