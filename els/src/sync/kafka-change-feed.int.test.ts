// The ChangeFeed conformance suite on the rig's Kafka: topics under a prefix of this file,
// deleted afterwards, published to by a plain kafkajs producer as the api-server's relay does.
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { describeChangeFeed } from './change-feed-conformance.js';
import { KafkaChangeFeed } from './kafka-change-feed.js';

const kafka = new Kafka({
  clientId: 'vane-els-feed-test',
  brokers: [...testServers().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const prefix = `${uniqueTestName('els_feed')}.`;
let topics = 0;

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();
});

describeChangeFeed('Kafka', async () => {
  const producer = kafka.producer();
  await producer.connect();
  return {
    feed: new KafkaChangeFeed(kafka, pino({ level: 'silent' })),
    async topic() {
      const topic = `${prefix}t${(topics += 1)}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      await admin.disconnect();
      return topic;
    },
    async publish(topic, values) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.map((v) => ({ key: 'env', value: v })),
      });
    },
    close: () => producer.disconnect(),
  };
});
