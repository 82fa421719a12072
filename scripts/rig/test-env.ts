import { randomBytes } from 'node:crypto';

/** Addresses of the real servers that integration tests talk to. */
export interface TestServers {
  /** Redis URL, e.g. `redis://127.0.0.1:16379`. */
  readonly redisUrl: string;
  /** ClickHouse HTTP URL, e.g. `http://127.0.0.1:18123`. */
  readonly clickhouseUrl: string;
  /** Kafka bootstrap brokers, e.g. `['127.0.0.1:19092']`. */
  readonly kafkaBrokers: readonly string[];
  /** MongoDB connection string (FerretDB natively), e.g. `mongodb://127.0.0.1:27018/`. */
  readonly mongoUrl: string;
}

const variables = {
  redisUrl: 'VANE_TEST_REDIS_URL',
  clickhouseUrl: 'VANE_TEST_CLICKHOUSE_URL',
  kafkaBrokers: 'VANE_TEST_KAFKA_BROKERS',
  mongoUrl: 'VANE_TEST_MONGO_URL',
} as const;

/**
 * Reads the server addresses that `scripts/services.sh up` wrote to `.rig/env`. Throws, naming
 * every missing variable, when they are absent: integration tests fail loudly, never skip.
 */
export function testServers(env: NodeJS.ProcessEnv = process.env): TestServers {
  const missing = Object.values(variables).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need real servers, but ${missing.join(', ')} ${
        missing.length === 1 ? 'is' : 'are'
      } not set. Run \`npm run services up\`, then \`source .rig/env\` (or \`npm test\`, which ` +
        'does both).',
    );
  }
  const read = (name: string): string => (env[name] ?? '').trim();
  return Object.freeze({
    redisUrl: read(variables.redisUrl),
    clickhouseUrl: read(variables.clickhouseUrl),
    kafkaBrokers: Object.freeze(
      read(variables.kafkaBrokers)
        .split(',')
        .map((broker) => broker.trim())
        .filter((broker) => broker.length > 0),
    ),
    mongoUrl: read(variables.mongoUrl),
  });
}

/**
 * A name no other test run uses, for a test file's own database, topic or key prefix.
 * Only `[a-z0-9_]`, so it is valid everywhere: ClickHouse and Mongo databases, Kafka topics.
 */
export function uniqueTestName(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `vane_test_${safe}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * Path of the grpcurl binary that `scripts/services.sh up` installed (a real gRPC reflection
 * client for the tests). Throws, naming the variable, when it is absent.
 */
export function grpcurlPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.VANE_TEST_GRPCURL?.trim();
  if (!path) {
    throw new Error(
      'Integration tests need grpcurl, but VANE_TEST_GRPCURL is not set. Run `npm run services up`, then `source .rig/env`.',
    );
  }
  return path;
}

/**
 * Path of the Chromium binary that `scripts/services.sh up` installed (Debian's `chromium`), for
 * `playwright-core`'s `chromium.launch({ executablePath })`. Throws when it is absent.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.VANE_TEST_CHROMIUM?.trim();
  if (!path) {
    throw new Error(
      'Browser tests need Chromium, but VANE_TEST_CHROMIUM is not set. Run `npm run services up`, then `source .rig/env`.',
    );
  }
  return path;
}

/**
 * How tests wait for asynchronous delivery, on the real servers and their fakes alike: the
 * options of `expect.poll` and `vi.waitFor`, a generous deadline and never a timing assertion.
 */
export const POLL = { timeout: 30_000, interval: 20 } as const;
export { kafkaTestTopics } from './kafka-topics.js';
export type { TestTopics } from './kafka-topics.js';
