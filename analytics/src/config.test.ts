import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded adapters and the documented ports', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      kafkaBrokers: [],
      clickhouseUrl: undefined,
      clickhouseDatabase: 'vane',
      topicPrefix: '',
      grpcPort: 7090,
      httpPort: 7091,
      batchSize: 10_000,
      batchMaxWaitMs: 1000,
      kafkaPartitions: 3,
      kafkaSessionTimeoutMs: 30_000,
      internalToken: undefined,
      logLevel: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      VANE_KAFKA_BROKERS: 'k1:9092, k2:9093',
      VANE_CLICKHOUSE_URL: 'http://ch:8123',
      VANE_CLICKHOUSE_DATABASE: 'analytics_1',
      VANE_TOPIC_PREFIX: 'staging.',
      ANALYTICS_GRPC_PORT: '0',
      ANALYTICS_HTTP_PORT: '9000',
      ANALYTICS_BATCH_SIZE: '500',
      ANALYTICS_BATCH_MAX_WAIT_MS: '50',
      ANALYTICS_KAFKA_PARTITIONS: '6',
      ANALYTICS_KAFKA_SESSION_TIMEOUT_MS: '6000',
      ANALYTICS_INTERNAL_TOKEN: 's3cret',
      LOG_LEVEL: 'DEBUG',
    });
    expect(c).toMatchObject({
      kafkaBrokers: ['k1:9092', 'k2:9093'],
      clickhouseUrl: 'http://ch:8123',
      clickhouseDatabase: 'analytics_1',
      topicPrefix: 'staging.',
      grpcPort: 0,
      httpPort: 9000,
      batchSize: 500,
      batchMaxWaitMs: 50,
      kafkaPartitions: 6,
      kafkaSessionTimeoutMs: 6000,
      internalToken: 's3cret',
      logLevel: 'debug',
    });
  });

  it.each([
    ['VANE_KAFKA_BROKERS', 'kafka'],
    ['VANE_CLICKHOUSE_URL', 'ftp://ch'],
    ['VANE_CLICKHOUSE_URL', 'not a url'],
    ['VANE_CLICKHOUSE_DATABASE', 'vane; DROP'],
    ['VANE_TOPIC_PREFIX', 'a b'],
    ['ANALYTICS_GRPC_PORT', '70000'],
    ['ANALYTICS_HTTP_PORT', '-1'],
    ['ANALYTICS_BATCH_SIZE', '0'],
    ['ANALYTICS_BATCH_SIZE', '1e3'],
    ['ANALYTICS_BATCH_MAX_WAIT_MS', 'soon'],
    ['ANALYTICS_KAFKA_SESSION_TIMEOUT_MS', '100'],
    ['LOG_LEVEL', 'loud'],
  ])('rejects a bad %s (%s) naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
