import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = {
  VANE_MONGO_URL: 'mongodb://localhost:27017/',
  VANE_KAFKA_BROKERS: 'localhost:9092',
  VANE_REDIS_URL: 'redis://localhost:6379',
};

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      port: 7080,
      idleTimeoutMs: 60_000,
      topicPrefix: '',
      mongoDatabase: 'vane',
      redisUrl: 'redis://localhost:6379',
      redisKeyPrefix: 'vane:els:',
      catchUpIntervalMs: 30_000,
      consumerGroup: undefined,
      secretCacheMs: 10_000,
      maxBufferedBytes: 8 * 1024 * 1024,
      rateLimits: { connectionFramesPerSecond: 50, environmentFramesPerSecond: 10_000 },
    });
  });

  it('reads the rate limits', () => {
    const config = loadConfig({
      ...base,
      ELS_CONN_FRAMES_PER_SECOND: '5',
      ELS_CONN_FRAME_BURST: '7',
      ELS_ENV_FRAMES_PER_SECOND: '100',
      ELS_ENV_FRAME_BURST: '200',
      ELS_RATE_LIMIT_CLOSE_AFTER: '3',
    });
    expect(config.rateLimits).toEqual({
      connectionFramesPerSecond: 5,
      connectionBurst: 7,
      environmentFramesPerSecond: 100,
      environmentBurst: 200,
      closeAfterDropped: 3,
    });
  });

  it.each([
    [{ VANE_MONGO_URL: 'http://x' }, 'VANE_MONGO_URL'],
    [{ VANE_KAFKA_BROKERS: '' }, 'VANE_KAFKA_BROKERS'],
    [{ VANE_KAFKA_BROKERS: 'nohost' }, 'VANE_KAFKA_BROKERS'],
    [{ ELS_PORT: '70000' }, 'ELS_PORT'],
    [{ ELS_IDLE_TIMEOUT_MS: 'soon' }, 'ELS_IDLE_TIMEOUT_MS'],
    [{ VANE_TOPIC_PREFIX: 'a b' }, 'VANE_TOPIC_PREFIX'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ VANE_REDIS_URL: '' }, 'VANE_REDIS_URL'],
    [{ VANE_REDIS_URL: 'http://x' }, 'VANE_REDIS_URL'],
    [{ VANE_REDIS_KEY_PREFIX: 'a b' }, 'VANE_REDIS_KEY_PREFIX'],
    [{ ELS_CONSUMER_GROUP: 'els one' }, 'ELS_CONSUMER_GROUP'],
    [{ ELS_MAX_CONNECTIONS_PER_ENV: '-1' }, 'ELS_MAX_CONNECTIONS_PER_ENV'],
    [{ ELS_CONN_FRAMES_PER_SECOND: '0' }, 'ELS_CONN_FRAMES_PER_SECOND'],
    [{ ELS_ENV_FRAME_BURST: 'many' }, 'ELS_ENV_FRAME_BURST'],
    [{ ELS_CATCH_UP_INTERVAL_MS: '10' }, 'ELS_CATCH_UP_INTERVAL_MS'],
    [{ ELS_MAX_BUFFERED_BYTES: '1000' }, 'ELS_MAX_BUFFERED_BYTES'],
    [{ ELS_MAX_BUFFERED_BYTES: 'lots' }, 'ELS_MAX_BUFFERED_BYTES'],
  ])('rejects %o naming %s', (override, variable) => {
    expect(() => loadConfig({ ...base, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...override })).toThrow(variable);
  });
});
