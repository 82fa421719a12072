import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.mongoUrl).toBeUndefined();
    expect(config.kafkaBrokers).toEqual([]);
    expect(config.grpcPort).toBe(7070);
    expect(config.httpPort).toBe(7071);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads real adapters from the environment', () => {
    const config = loadConfig({
      VANE_MONGO_URL: 'mongodb://db:27017/x',
      VANE_KAFKA_BROKERS: 'k1:9092, k2:9092',
      API_GRPC_PORT: '0',
    });
    expect(config.mongoUrl).toBe('mongodb://db:27017/x');
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.grpcPort).toBe(0);
  });

  it.each([
    ['API_GRPC_PORT', 'seventy'],
    ['API_HTTP_PORT', '70000'],
    ['VANE_MONGO_URL', 'postgres://x'],
    ['VANE_KAFKA_BROKERS', 'no-port'],
    ['VANE_BOOTSTRAP_TOKEN', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['API_MAX_REQUEST_BYTES', '-1'],
    ['VANE_TOPIC_PREFIX', 'bad prefix'],
    ['VANE_ANALYTICS_ADDRESS', 'http://analytics'],
  ])('rejects a bad %s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
