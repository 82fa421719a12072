// The bus conformance suite on the rig's Kafka: topics of three partitions under a prefix of this
// file, deleted afterwards.
import { pino } from 'pino';
import { kafkaTestTopics } from '@vane/scripts/rig';
import { describeChangeBus } from './change-bus-conformance.js';
import { KafkaChangePublisher, KafkaMessageSource } from './kafka-bus.js';

const { kafka, topic } = kafkaTestTopics('api_bus');

describeChangeBus('Kafka', () => {
  const publisher = new KafkaChangePublisher(kafka);
  return Promise.resolve({
    publisher,
    source: new KafkaMessageSource(kafka, pino({ level: 'silent' })),
    topic: () => topic(3),
    close: () => publisher.close(),
  });
});
