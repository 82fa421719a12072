// A real ELS in its own process (for tests that kill it with SIGKILL): FerretDB/MongoDB as the
// definition source and Kafka as the change feed, from the environment variables below. Prints
// `listening <port>` once it accepts SDK connections. Tests only.
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { KafkaChangeFeed, MongoEnvironmentSource, startEls } from '@vane/els';

const env = process.env;
const mongo = new MongoClient(env.TEST_ELS_MONGO_URL ?? '');
await mongo.connect();
const kafka = new Kafka({
  clientId: 'sdk-test-els',
  brokers: (env.TEST_ELS_KAFKA_BROKERS ?? '').split(','),
  logLevel: logLevel.NOTHING,
});
const logger = pino({ level: 'silent' });
const els = await startEls(
  {
    source: new MongoEnvironmentSource(mongo.db(env.TEST_ELS_DATABASE ?? '')),
    feed: new KafkaChangeFeed(kafka, logger),
    logger,
  },
  {
    port: Number(env.TEST_ELS_PORT),
    topicPrefix: env.TEST_ELS_TOPIC_PREFIX ?? '',
    ...(env.TEST_ELS_GROUP ? { groupId: env.TEST_ELS_GROUP } : {}),
  },
);
process.stdout.write(`listening ${els.port}\n`);
