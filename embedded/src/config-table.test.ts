// Every server reads its configuration with the same readers: one table of bad values, each
// refused by every server that reads the variable with a ConfigError naming it, and one table of
// good values that each accepts alike.
import { describe, expect, it } from 'vitest';
import { loadConfig as loadAnalytics } from '@vane/analytics';
import { loadConfig as loadApiServer } from '@vane/api-server';
import { loadConfig as loadEls } from '@vane/els';
import { ConfigError } from '@vane/server-kit';
import type { Env } from '@vane/server-kit';
import { loadEmbeddedConfig } from './embedded-config.js';

interface Server {
  readonly name: string;
  readonly load: (env: Env) => unknown;
  /** What it needs set to start at all. */
  readonly base: Env;
  readonly reads: readonly string[];
}

const COMMON = ['VANE_KAFKA_BROKERS', 'VANE_TOPIC_PREFIX', 'LOG_LEVEL'];
const SERVERS: readonly Server[] = [
  {
    name: 'api-server',
    load: loadApiServer,
    base: {},
    reads: [...COMMON, 'VANE_MONGO_URL', 'API_GRPC_PORT', 'API_HTTP_PORT'],
  },
  {
    name: 'els',
    load: loadEls,
    base: {
      VANE_MONGO_URL: 'mongodb://mongo:27017',
      VANE_KAFKA_BROKERS: 'kafka:9092',
      VANE_REDIS_URL: 'redis://redis:6379',
    },
    reads: [...COMMON, 'VANE_MONGO_URL', 'VANE_REDIS_URL', 'ELS_PORT'],
  },
  {
    name: 'analytics',
    load: loadAnalytics,
    base: {},
    reads: [...COMMON, 'VANE_CLICKHOUSE_URL', 'ANALYTICS_GRPC_PORT', 'ANALYTICS_HTTP_PORT'],
  },
  {
    name: 'embedded',
    load: loadEmbeddedConfig,
    base: {},
    reads: [
      ...COMMON,
      'VANE_MONGO_URL',
      'VANE_REDIS_URL',
      'VANE_CLICKHOUSE_URL',
      'API_GRPC_PORT',
      'ELS_PORT',
      'ANALYTICS_HTTP_PORT',
    ],
  },
];

const PORT_BAD = ['70000', '-1', 'abc', '80.5', '0x50', '1e3'];
const BAD: Record<string, readonly string[]> = {
  VANE_KAFKA_BROKERS: ['kafka:123456', 'kafka', 'kafka:0', 'http://kafka:9092', 'a:1,b', 'a b:1'],
  VANE_TOPIC_PREFIX: ['a b', 'a/b', 'ü'],
  LOG_LEVEL: ['loud', 'warning'],
  VANE_MONGO_URL: ['postgres://db', 'mongodb://', 'mongodb:/x', 'mongodb://a b'],
  VANE_REDIS_URL: ['http://redis', 'redis://'],
  VANE_CLICKHOUSE_URL: ['ftp://ch', 'clickhouse:8123'],
  API_GRPC_PORT: PORT_BAD,
  API_HTTP_PORT: PORT_BAD,
  ELS_PORT: PORT_BAD,
  ANALYTICS_GRPC_PORT: PORT_BAD,
  ANALYTICS_HTTP_PORT: PORT_BAD,
};
const GOOD: Record<string, readonly string[]> = {
  VANE_KAFKA_BROKERS: ['kafka:9092', ' k1:9092, k2:65535 ', '10.0.0.1:9092'],
  VANE_TOPIC_PREFIX: ['', 'staging.', 'team_a-'],
  LOG_LEVEL: ['debug', 'WARN', ' info '],
  VANE_MONGO_URL: [
    'mongodb://a:27017,b:27017/vane?replicaSet=rs0',
    'mongodb+srv://cluster.example',
  ],
  VANE_REDIS_URL: ['redis://redis:6379', 'rediss://u:p@redis:6380/1'],
  VANE_CLICKHOUSE_URL: ['http://ch:8123', 'https://ch.example'],
  API_GRPC_PORT: ['0', '7070', '65535'],
  API_HTTP_PORT: ['7071'],
  ELS_PORT: ['7080'],
  ANALYTICS_GRPC_PORT: ['7090'],
  ANALYTICS_HTTP_PORT: ['7091'],
};

function refusal(load: () => unknown): unknown {
  try {
    load();
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('every server configuration, one table', () => {
  for (const server of SERVERS) {
    it(`${server.name} starts on its base configuration`, () => {
      expect(() => server.load(server.base)).not.toThrow();
    });

    for (const variable of server.reads) {
      it(`${server.name} refuses every bad ${variable}, naming it`, () => {
        const bad = BAD[variable]!;
        expect(bad.length).toBeGreaterThan(0);
        for (const value of bad) {
          const err = refusal(() => server.load({ ...server.base, [variable]: value }));
          expect(err, `${variable}=${value}`).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).variable).toBe(variable);
          expect((err as Error).message).toMatch(
            new RegExp(`^invalid configuration: ${variable} `),
          );
          expect((err as Error).message).not.toContain('\n');
        }
      });

      it(`${server.name} takes every good ${variable}`, () => {
        for (const value of GOOD[variable]!) {
          expect(() => server.load({ ...server.base, [variable]: value }), value).not.toThrow();
        }
      });
    }
  }
});
