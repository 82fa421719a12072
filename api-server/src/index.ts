// @vane/api-server: the gRPC admin API. `startApiServer` runs it on adapters that the caller builds
// (tests, benchmarks and the embedded launcher); `main.ts` is the standalone composition root.
export { startApiServer } from './api-server.js';
export type { ApiServerDeps, ApiServerOptions, RunningApiServer } from './api-server.js';
export { MemoryChangePublisher, MemoryMessageSource } from './bus/memory-bus.js';
export { KafkaChangePublisher, KafkaMessageSource } from './bus/kafka-bus.js';
export type { ChangePublisher, MessageSource } from './bus/change-publisher.js';
export { MemoryDocumentStore } from './store/memory-document-store.js';
export { MongoDocumentStore } from './store/mongo-document-store.js';
export type { Collection, DocumentStore, Filter } from './store/document-store.js';
export { listAll } from './flags/environment-contents.js';
export { loadConfig } from './config.js';
export { grpcAnalyticsGateway } from './flags/grpc-analytics-gateway.js';
export type { ApiServerConfig } from './config.js';
