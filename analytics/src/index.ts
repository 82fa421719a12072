// The public surface of @vane/analytics: start an instance from adapters (embedded launcher,
// tests) and the adapters themselves.
export {
  startAnalytics,
  type AnalyticsDeps,
  type AnalyticsOptions,
  type RunningAnalytics,
} from './analytics-service.js';
export { loadConfig, type AnalyticsConfig } from './config.js';
export type { InsightStore } from './ingest/insight-store.js';
export type { InsightBus } from './ingest/insight-bus.js';
export { MemoryInsightStore } from './ingest/memory-insight-store.js';
export { JournaledInsightStore } from './ingest/journaled-insight-store.js';
export type { InsightReplayReport } from './ingest/journaled-insight-store.js';
export { ClickHouseInsightStore } from './ingest/clickhouse-insight-store.js';
export { MemoryInsightBus } from './ingest/memory-insight-bus.js';
export { KafkaInsightBus } from './ingest/kafka-insight-bus.js';
export {
  encodeInsightRecord,
  insightKey,
  type InsightRecord,
  type FlagEvaluationRecord,
  type MetricRecord,
} from './ingest/insight-record.js';
