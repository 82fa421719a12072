// The EventSink conformance suite on the rig's Kafka: three-partition topics under a prefix of
// this file, deleted afterwards, read back by a plain kafkajs consumer.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { describeEventSink } from './event-sink-conformance.js';
import type { SeenEvent } from './event-sink-conformance.js';
import { KafkaEventSink } from './kafka-event-sink.js';

const kafka = new Kafka({
  clientId: 'vane-els-sink-test',
  brokers: [...testServers().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const prefix = `${uniqueTestName('els_sink')}.`;
let topics = 0;

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();
});

describeEventSink('Kafka', () =>
  Promise.resolve({
    sink: new KafkaEventSink(kafka, pino({ level: 'silent' }), { intervalMs: 50 }),
    async topic() {
      const topic = `${prefix}t${(topics += 1)}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      await admin.disconnect();
      return topic;
    },
    async watch(topic) {
      const seen: SeenEvent[] = [];
      const consumer = kafka.consumer({ groupId: `${prefix}reader-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        },
      });
      return { seen, stop: () => consumer.disconnect() };
    },
    close: () => Promise.resolve(),
  }),
);
