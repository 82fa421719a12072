// The InsightBus conformance suite on the real Kafka of the test rig, plus dead-letter headers.
import { TOPICS, topicName } from '@vane/core';
import { POLL, testServers, uniqueTestName } from '@vane/scripts/rig';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { insightBusConformance } from './insight-bus-conformance.js';
import { KafkaInsightBus } from './kafka-insight-bus.js';

const kafka = new Kafka({
  clientId: 'vane-analytics-test',
  brokers: [...testServers().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const logger = pino({ level: 'silent' });
const prefixes: string[] = [];

async function newBus(): Promise<KafkaInsightBus> {
  const topicPrefix = `${uniqueTestName('analytics_bus')}.`;
  prefixes.push(topicPrefix);
  const bus = new KafkaInsightBus(kafka, { topicPrefix, logger, sessionTimeoutMs: 6000 });
  await bus.ensureTopics(3);
  return bus;
}

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(p)));
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

insightBusConformance('Kafka', newBus);

describe('KafkaInsightBus dead letters', () => {
  it('keep the payload and carry the reason and source in headers', async () => {
    const bus = await newBus();
    const prefix = prefixes[prefixes.length - 1]!;
    await bus.deadLetter([
      {
        record: { partition: 2, offset: '41', key: 'env:u', value: new Uint8Array([9, 9]) },
        reason: 'event_id is empty',
      },
    ]);
    const consumer = kafka.consumer({ groupId: `${prefix}dlq-reader` });
    await consumer.connect();
    await consumer.subscribe({
      topic: topicName(TOPICS.insightsDeadLetter, prefix),
      fromBeginning: true,
    });
    const got: { key: string; value: number[]; error: string; source: string }[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        got.push({
          key: message.key?.toString() ?? '',
          value: [...(message.value ?? [])],
          error: message.headers?.['x-vane-error']?.toString() ?? '',
          source: message.headers?.['x-vane-source']?.toString() ?? '',
        });
        return Promise.resolve();
      },
    });
    await expect.poll(() => got.length, POLL).toBe(1);
    await consumer.disconnect();
    await bus.close();
    expect(got).toEqual([
      {
        key: 'env:u',
        value: [9, 9],
        error: 'event_id is empty',
        source: `${topicName(TOPICS.insights, prefix)}/2/41`,
      },
    ]);
  });
});
