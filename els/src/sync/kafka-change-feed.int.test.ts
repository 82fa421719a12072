// The ChangeFeed conformance suite on the rig's Kafka: topics under a prefix of this file,
// deleted afterwards, published to by a plain kafkajs producer as the api-server's relay does.
import { pino } from 'pino';
import { kafkaTestTopics } from '@vane/scripts/rig';
import { describeChangeFeed } from './change-feed-conformance.js';
import { KafkaChangeFeed } from './kafka-change-feed.js';

const { kafka, topic } = kafkaTestTopics('els_feed');

describeChangeFeed('Kafka', async () => {
  const producer = kafka.producer();
  await producer.connect();
  return {
    feed: new KafkaChangeFeed(kafka, pino({ level: 'silent' })),
    topic: () => topic(),
    async publish(to, values) {
      await producer.send({
        topic: to,
        acks: -1,
        messages: values.map((v) => ({ key: 'env', value: v })),
      });
    },
    close: () => producer.disconnect(),
  };
});
