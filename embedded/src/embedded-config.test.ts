import { describe, expect, it } from 'vitest';
import { EmbeddedConfigError, applyFlags, loadEmbeddedConfig } from './embedded-config.js';

describe('embedded configuration', () => {
  it('runs everything embedded by default, on the documented ports', () => {
    const config = loadEmbeddedConfig({});
    expect(config).toMatchObject({
      dataDir: '.vane',
      edgePort: 8080,
      apiGrpcPort: 7070,
      elsPort: 7080,
      mongoUrl: undefined,
      kafkaBrokers: [],
      clickhouseUrl: undefined,
      redisUrl: undefined,
    });
    expect(config.webDist).toMatch(/web\/dist$/);
  });

  it('switches adapters to real servers from variables, and flags win over variables', () => {
    const env = applyFlags({ VANE_MONGO_URL: 'mongodb://env:27017', VANE_EDGE_PORT: '9000' }, [
      '--mongo-url',
      'mongodb://flag:27017',
      '--kafka-brokers=k1:9092, k2:9092',
      '--clickhouse-url',
      'http://ch:8123',
    ])!;
    const config = loadEmbeddedConfig(env);
    expect(config.mongoUrl).toBe('mongodb://flag:27017');
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.clickhouseUrl).toBe('http://ch:8123');
    expect(config.edgePort).toBe(9000);
  });

  it('returns undefined for --help', () => {
    expect(applyFlags({}, ['--help'])).toBeUndefined();
  });

  it('names the flag or variable that is wrong', () => {
    expect(() => applyFlags({}, ['--mongo'])).toThrow(EmbeddedConfigError);
    expect(() => applyFlags({}, ['--mongo'])).toThrow(/--mongo/);
    expect(() => loadEmbeddedConfig({ VANE_EDGE_PORT: '70000' })).toThrow(/VANE_EDGE_PORT/);
    expect(() => loadEmbeddedConfig({ VANE_MONGO_URL: 'http://x' })).toThrow(/VANE_MONGO_URL/);
    expect(() => loadEmbeddedConfig({ VANE_KAFKA_BROKERS: 'k1' })).toThrow(/VANE_KAFKA_BROKERS/);
    expect(() => loadEmbeddedConfig({ VANE_CLICKHOUSE_URL: 'tcp://x' })).toThrow(
      /VANE_CLICKHOUSE_URL/,
    );
    expect(() => loadEmbeddedConfig({ VANE_TOPIC_PREFIX: 'a b' })).toThrow(/VANE_TOPIC_PREFIX/);
  });
});
