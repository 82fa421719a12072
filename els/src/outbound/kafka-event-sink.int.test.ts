// The EventSink conformance suite on the rig's Kafka: three-partition topics under a prefix of
// this file, deleted afterwards, read back by a plain kafkajs consumer.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { kafkaTestTopics } from '@vane/scripts/rig';
import { describeEventSink } from './event-sink-conformance.js';
import type { SeenEvent } from './event-sink-conformance.js';
import { KafkaEventSink } from './kafka-event-sink.js';

const { kafka, topic } = kafkaTestTopics('els_sink');

describeEventSink('Kafka', () =>
  Promise.resolve({
    sink: new KafkaEventSink(kafka, pino({ level: 'silent' }), { intervalMs: 50 }),
    topic: () => topic(3),
    async watch(from) {
      const seen: SeenEvent[] = [];
      const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: from, fromBeginning: true });
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
