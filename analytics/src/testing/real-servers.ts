// Helpers of the integration tests: a fresh ClickHouse database and Kafka topic prefix per test
// file on the rig's real servers, removed afterwards, plus a ground-truth comparison helper.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { ClickHouseInsightStore } from '../ingest/clickhouse-insight-store.js';
import { KafkaInsightBus } from '../ingest/kafka-insight-bus.js';

/** The real servers of one test file, isolated by a unique database and topic prefix. */
export interface RealServers {
  readonly kafka: Kafka;
  readonly database: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly admin: ClickHouseClient;
  newStore(): Promise<ClickHouseInsightStore>;
  newBus(): KafkaInsightBus;
  /** Drops the database and deletes the topics. */
  cleanup(): Promise<void>;
}

/** Sets up isolation for a test file labelled `label`. */
export async function realServers(label: string, logger: Logger): Promise<RealServers> {
  const servers = testServers();
  const database = uniqueTestName(label);
  const topicPrefix = `${database}.`;
  const kafka = new Kafka({
    clientId: label,
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const clickhouse = () =>
    createClient({ url: servers.clickhouseUrl, log: { level: ClickHouseLogLevel.OFF } });
  const admin = clickhouse();
  const busOptions = { topicPrefix, logger, sessionTimeoutMs: 6000 };
  await new KafkaInsightBus(kafka, busOptions).ensureTopics(3);
  return {
    kafka,
    database,
    topicPrefix,
    groupId: `${topicPrefix}vane-analytics`,
    admin,
    newStore: () => ClickHouseInsightStore.create(clickhouse(), database, logger),
    newBus: () => new KafkaInsightBus(kafka, busOptions),
    cleanup: async () => {
      await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await admin.close();
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(topicPrefix));
      await kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
      await kafkaAdmin.deleteGroups([`${topicPrefix}vane-analytics`]).catch(() => undefined);
      await kafkaAdmin.disconnect();
    },
  };
}

/** Rounds every number to 10 significant digits (ClickHouse and JS sum in different orders). */
export function rounded<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)
        ? Number(v.toPrecision(10))
        : v,
    ),
  ) as T;
}
