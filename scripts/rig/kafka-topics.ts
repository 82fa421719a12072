// Kafka topics for one test file on the rig's broker: a client, topics under a prefix unique to
// the file, and their removal after the file's tests.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll } from 'vitest';
import { testServers, uniqueTestName } from './test-env.js';

/** A client of the rig's Kafka and a maker of fresh topics, deleted after the file's tests. */
export interface TestTopics {
  readonly kafka: Kafka;
  /** Creates a topic no one has used, with `partitions` partitions, and waits for its leaders. */
  readonly topic: (partitions?: number) => Promise<string>;
}

/** Call at the top level of a test file; `label` names the file's topics. */
export function kafkaTestTopics(label: string): TestTopics {
  const kafka = new Kafka({
    clientId: `vane-test-${label}`,
    brokers: [...testServers().kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const prefix = `${uniqueTestName(label)}.`;
  let made = 0;
  const withAdmin = async <T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  };
  afterAll(() =>
    withAdmin(async (admin) => {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    }),
  );
  return {
    kafka,
    topic: (partitions = 1) =>
      withAdmin(async (admin) => {
        const topic = `${prefix}t${(made += 1)}`;
        await admin.createTopics({
          topics: [{ topic, numPartitions: partitions }],
          waitForLeaders: true,
        });
        return topic;
      }),
  };
}
