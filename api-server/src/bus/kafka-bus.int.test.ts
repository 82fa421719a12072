// The bus conformance suite on the rig's Kafka: topics of three partitions under a prefix of this
// file, deleted afterwards.
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { describeChangeBus } from './change-bus-conformance.js';
import { KafkaChangePublisher, KafkaMessageSource } from './kafka-bus.js';

const kafka = new Kafka({
  clientId: 'vane-api-bus-test',
  brokers: [...testServers().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const prefix = `${uniqueTestName('api_bus')}.`;
let topics = 0;

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();
});

describeChangeBus('Kafka', async () => {
  const publisher = new KafkaChangePublisher(kafka);
  return {
    publisher,
    source: new KafkaMessageSource(kafka, pino({ level: 'silent' })),
    async topic() {
      const topic = `${prefix}t${(topics += 1)}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      await admin.disconnect();
      return topic;
    },
    close: () => publisher.close(),
  };
});
