// The configuration of FeatBit and OFREP compatibility (ELS's `loadConfig`).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

const base = {
  VANE_MONGO_URL: 'mongodb://localhost:27017/',
  VANE_KAFKA_BROKERS: 'localhost:9092',
  VANE_REDIS_URL: 'redis://localhost:6379',
};

describe('compatibility configuration', () => {
  it("defaults to FeatBit's 30 s token window and 6,000 OFREP requests a minute", () => {
    expect(loadConfig(base)).toMatchObject({
      featbitTokenWindowMs: 30_000,
      ofrepRateLimitPerMinute: 6000,
      ofrepStreamKey: undefined,
    });
  });

  it('reads the variables', () => {
    expect(
      loadConfig({
        ...base,
        ELS_FEATBIT_TOKEN_WINDOW_MS: '120000',
        ELS_OFREP_RATE_LIMIT: '10',
        ELS_OFREP_STREAM_KEY: 'a-long-shared-signing-key',
      }),
    ).toMatchObject({
      featbitTokenWindowMs: 120_000,
      ofrepRateLimitPerMinute: 10,
      ofrepStreamKey: 'a-long-shared-signing-key',
    });
  });

  it.each([
    ['ELS_FEATBIT_TOKEN_WINDOW_MS', '10'],
    ['ELS_FEATBIT_TOKEN_WINDOW_MS', 'soon'],
    ['ELS_OFREP_RATE_LIMIT', '0'],
    ['ELS_OFREP_STREAM_KEY', 'short'],
  ])('names %s when its value %s is wrong', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });
});
