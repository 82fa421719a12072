// The composition root of the analytics service: reads the configuration, builds the adapters
// (ClickHouse or memory store, Kafka or memory bus), starts the instance and shuts it down
// gracefully on SIGINT/SIGTERM (stop consuming, write the current batch, close gRPC and HTTP).
import { createClient } from '@clickhouse/client';
import { pino } from 'pino';
import { startAnalytics } from './analytics-service.js';
import { kafkaClient, loadOrExit, MemoryBroker } from '@vane/server-kit';
import { loadConfig } from './config.js';
import { ClickHouseInsightStore } from './ingest/clickhouse-insight-store.js';
import type { InsightBus } from './ingest/insight-bus.js';
import type { InsightStore } from './ingest/insight-store.js';
import { KafkaInsightBus } from './ingest/kafka-insight-bus.js';
import { MemoryInsightBus } from './ingest/memory-insight-bus.js';
import { MemoryInsightStore } from './ingest/memory-insight-store.js';

const config = loadOrExit(() => loadConfig(process.env));
const logger = pino({ level: config.logLevel, base: { service: 'analytics' } });

async function buildStore(): Promise<InsightStore> {
  if (!config.clickhouseUrl) {
    logger.warn('VANE_CLICKHOUSE_URL is not set: events are kept in memory only');
    return new MemoryInsightStore();
  }
  const client = createClient({ url: config.clickhouseUrl });
  return ClickHouseInsightStore.create(client, config.clickhouseDatabase, logger);
}

async function buildBus(): Promise<InsightBus> {
  if (config.kafkaBrokers.length === 0) {
    logger.warn('VANE_KAFKA_BROKERS is not set: using the in-process bus');
    return new MemoryInsightBus(new MemoryBroker(), {
      topicPrefix: config.topicPrefix,
      maxBatch: config.batchSize,
    });
  }
  const kafka = kafkaClient('vane-analytics', config.kafkaBrokers);
  const bus = new KafkaInsightBus(kafka, {
    topicPrefix: config.topicPrefix,
    logger: logger.child({ module: 'kafka' }),
    sessionTimeoutMs: config.kafkaSessionTimeoutMs,
  });
  await bus.ensureTopics(config.kafkaPartitions);
  return bus;
}

const store = await buildStore();
const bus = await buildBus();
const running = await startAnalytics(
  { store, bus, logger },
  {
    grpcPort: config.grpcPort,
    httpPort: config.httpPort,
    batchSize: config.batchSize,
    batchMaxWaitMs: config.batchMaxWaitMs,
    groupId: `${config.topicPrefix}vane-analytics`,
    internalToken: config.internalToken,
    reflection: true,
    processMetrics: true,
  },
);

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down');
  try {
    await running.stop();
    await bus.close();
    await store.close();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
