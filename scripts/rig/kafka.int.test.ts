import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testServers, uniqueTestName } from './test-env.js';

const topic = uniqueTestName('rig_kafka');
const groupId = `${topic}_group`;

interface Received {
  key: string;
  value: string;
  offset: string;
  source: string;
}

describe('Kafka (real broker from scripts/services.sh, kafkajs client)', () => {
  // kafkajs logs transient coordinator errors while a group forms; failures still reject.
  const kafka = new Kafka({
    clientId: 'vane-rig-test',
    brokers: [...testServers().kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    console.log(`Kafka cluster ${cluster.clusterId}: ${cluster.brokers.length} broker(s)`);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('creates a topic with the admin client', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }),
    ).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics).toHaveLength(1);
    expect(metadata.topics[0]?.partitions).toHaveLength(1);
  });

  it('consumes produced messages in order through a consumer group', async () => {
    const sent = Array.from({ length: 10 }, (_, i) => ({
      key: `flag-${i % 3}`,
      value: JSON.stringify({ seq: i, flag: `flag-${i % 3}` }),
      headers: { source: 'rig-test' },
    }));
    await producer.send({ topic, messages: sent.slice(0, 4) });
    await producer.send({ topic, messages: sent.slice(4) });

    const received: Received[] = [];
    consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer?.run({
        eachMessage: ({ message }) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            offset: message.offset,
            source: message.headers?.source?.toString() ?? '',
          });
          if (received.length === sent.length) resolve();
          return Promise.resolve();
        },
      });
    });
    await done;

    expect(received.map((m) => m.value)).toEqual(sent.map((m) => m.value));
    expect(received.map((m) => m.key)).toEqual(sent.map((m) => m.key));
    expect(received.map((m) => m.offset)).toEqual(sent.map((_, i) => String(i)));
    expect(new Set(received.map((m) => m.source))).toEqual(new Set(['rig-test']));

    // The group commits its position: a restarted consumer would resume after message 10.
    await vi.waitFor(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        expect(offsets?.partitions[0]?.offset).toBe('10');
      },
      { timeout: 20_000, interval: 250 },
    );
  });
});
