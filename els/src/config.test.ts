import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = { VANE_MONGO_URL: 'mongodb://localhost:27017/', VANE_KAFKA_BROKERS: 'localhost:9092' };

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      port: 7080,
      idleTimeoutMs: 60_000,
      topicPrefix: '',
      mongoDatabase: 'vane',
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
  ])('rejects %o naming %s', (override, variable) => {
    expect(() => loadConfig({ ...base, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...override })).toThrow(variable);
  });
});
