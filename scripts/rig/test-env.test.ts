import { describe, expect, it } from 'vitest';
import { testServers, uniqueTestName } from './test-env.js';

const complete = {
  VANE_TEST_REDIS_URL: 'redis://127.0.0.1:16379',
  VANE_TEST_CLICKHOUSE_URL: 'http://127.0.0.1:18123',
  VANE_TEST_KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19094',
  VANE_TEST_MONGO_URL: 'mongodb://127.0.0.1:27018/',
};

describe('testServers', () => {
  it('reads the four addresses and splits the Kafka broker list', () => {
    expect(testServers(complete)).toEqual({
      redisUrl: 'redis://127.0.0.1:16379',
      clickhouseUrl: 'http://127.0.0.1:18123',
      kafkaBrokers: ['127.0.0.1:19092', '127.0.0.1:19094'],
      mongoUrl: 'mongodb://127.0.0.1:27018/',
    });
  });

  it('names the missing variable and says how to start the servers', () => {
    const env = { ...complete, VANE_TEST_KAFKA_BROKERS: ' ' };
    expect(() => testServers(env)).toThrow(/VANE_TEST_KAFKA_BROKERS is not set/);
    expect(() => testServers(env)).toThrow(/npm run services up/);
  });

  it('names every missing variable at once', () => {
    expect(() => testServers({})).toThrow(
      /VANE_TEST_REDIS_URL, VANE_TEST_CLICKHOUSE_URL, VANE_TEST_KAFKA_BROKERS, VANE_TEST_MONGO_URL are not set/,
    );
  });
});

describe('uniqueTestName', () => {
  it('is distinct per call and uses only characters every server accepts', () => {
    const a = uniqueTestName('Rig Kafka-Test');
    const b = uniqueTestName('Rig Kafka-Test');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^vane_test_rig_kafka_test_[a-z0-9]+_[0-9a-f]{6}$/);
  });
});
