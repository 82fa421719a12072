import { randomUUID } from 'node:crypto';
import { MemoryBroker } from '@vane/server-kit';
import { MemoryChangeFeed } from './change-feed.js';
import { describeChangeFeed } from './change-feed-conformance.js';

describeChangeFeed('memory', () => {
  const broker = new MemoryBroker();
  return Promise.resolve({
    feed: new MemoryChangeFeed(broker),
    topic: () => Promise.resolve(`topic-${randomUUID()}`),
    publish: (topic, values) => {
      broker.publish(
        topic,
        values.map((v) => ({ key: 'env', value: new TextEncoder().encode(v) })),
      );
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
});
