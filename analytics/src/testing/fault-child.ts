// A child process for the fault test: an analytics instance on Kafka and ClickHouse whose store
// announces `CRASH_POINT` on stdout right after its n-th insert reached ClickHouse and then never
// returns, so the batch's offsets are never committed. The test SIGKILLs it there: a consumer
// killed mid-batch, after the write and before the commit. Arguments: one JSON object.
import { createClient } from '@clickhouse/client';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { startAnalytics } from '../analytics-service.js';
import { ClickHouseInsightStore } from '../ingest/clickhouse-insight-store.js';
import type { InsightRecord } from '../ingest/insight-record.js';
import type { InsightStore } from '../ingest/insight-store.js';
import { KafkaInsightBus } from '../ingest/kafka-insight-bus.js';

/** The child's arguments. */
export interface FaultChildArgs {
  readonly brokers: string[];
  readonly clickhouseUrl: string;
  readonly database: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly batchSize: number;
  readonly crashAfterInserts: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as FaultChildArgs;
const logger = pino({ level: 'silent' });
const inner = await ClickHouseInsightStore.create(
  createClient({ url: args.clickhouseUrl }),
  args.database,
  logger,
);
let inserts = 0;
const store: InsightStore = {
  insert: async (records: readonly InsightRecord[]): Promise<void> => {
    await inner.insert(records);
    inserts += 1;
    if (inserts >= args.crashAfterInserts) {
      process.stdout.write(`CRASH_POINT ${inserts}\n`);
      await new Promise(() => undefined); // hang: the commit never happens
    }
  },
  flagInsights: (q) => inner.flagInsights(q),
  experimentData: (q) => inner.experimentData(q),
  ping: () => inner.ping(),
  close: () => inner.close(),
};
const kafka = new Kafka({
  clientId: 'fault-child',
  brokers: args.brokers,
  logLevel: logLevel.NOTHING,
});
const bus = new KafkaInsightBus(kafka, {
  topicPrefix: args.topicPrefix,
  logger,
  sessionTimeoutMs: 6000,
});
await startAnalytics(
  { store, bus, logger },
  {
    grpcPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    batchSize: args.batchSize,
    batchMaxWaitMs: 100,
    groupId: args.groupId,
  },
);
process.stdout.write('STARTED\n');
