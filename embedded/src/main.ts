// `npm start`: Vane in one process. The composition root of the embedded platform: the only place
// that creates MongoDB, Kafka, ClickHouse and Redis clients, each only when its server is configured
// (flags or VANE_* variables); everything else runs on the embedded adapters. Prints a progress
// line while starting, then a banner with the URLs and the owner token; stops cleanly on Ctrl-C.
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { kafkaClient, loadOrExit, redisClient } from '@vane/server-kit';
import { USAGE, applyFlags, loadEmbeddedConfig } from './embedded-config.js';
import type { EmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';
import type { RealServers } from './start-embedded.js';

function readConfig(): EmbeddedConfig {
  return loadOrExit(() => {
    const env = applyFlags(process.env, process.argv.slice(2));
    if (!env) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    return loadEmbeddedConfig(env);
  });
}

const config = readConfig();
const logger = pino({ level: config.logLevel });
const tty = process.stdout.isTTY;
const started = Date.now();
/** One line that updates in place on a terminal (one line per step otherwise). */
const progress = (step: string): void => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (tty) process.stdout.write(`\r\x1b[2KStarting Vane… ${step} (${seconds} s)`);
  else process.stdout.write(`Starting Vane… ${step}\n`);
};

let mongo: MongoClient | undefined;
let clickhouse: ClickHouseClient | undefined;
let redis: Redis | undefined;
const servers: { -readonly [K in keyof RealServers]: RealServers[K] } = {};
let vane: Awaited<ReturnType<typeof startEmbedded>>;
try {
  if (config.mongoUrl) {
    progress('connecting to MongoDB');
    mongo = new MongoClient(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    await mongo.connect();
    servers.mongo = mongo.db(config.mongoDatabase);
  }
  if (config.kafkaBrokers.length > 0) {
    servers.kafka = kafkaClient('vane-embedded', config.kafkaBrokers);
  }
  if (config.clickhouseUrl) {
    clickhouse = createClient({ url: config.clickhouseUrl });
    servers.clickhouse = clickhouse;
  }
  if (config.redisUrl) {
    // While Redis is down ELS serves from the store and memory.
    redis = redisClient(config.redisUrl, logger);
    servers.redis = redis;
  }
  vane = await startEmbedded(config, logger, progress, servers);
} catch (err) {
  if (tty) process.stdout.write('\n');
  const code = (err as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Vane could not start: ${(err as Error).message}. Another Vane (or another program) uses that port; stop it or set VANE_EDGE_PORT / API_GRPC_PORT / ELS_PORT / … to free ports.`
      : `Vane could not start: ${(err as Error).message}`,
  );
  await mongo?.close().catch(() => undefined);
  await clickhouse?.close().catch(() => undefined);
  redis?.disconnect();
  process.exit(1);
}
if (tty) process.stdout.write('\r\x1b[2K');

process.stdout.write(
  [
    '',
    `Vane is running (embedded mode) — started in ${Date.now() - started} ms`,
    '',
    `  Admin UI             ${vane.urls.edge}/`,
    `  Admin API (gRPC-web) ${vane.urls.edge}  (same paths as behind Envoy)`,
    `  Admin API (gRPC)     ${vane.urls.adminGrpc}`,
    `  SDK stream           ${vane.urls.edgeSdkStream}`,
    `  OFREP                ${vane.urls.edge}/ofrep/v1/evaluate/flags`,
    `  Health               ${vane.urls.apiHealth}`,
    `  Analytics (internal) ${vane.urls.analyticsGrpc}, health ${vane.urls.analyticsHealth}`,
    '',
    `  Store                ${vane.adapters.store}`,
    `  Message bus          ${vane.adapters.bus}`,
    `  Analytics store      ${vane.adapters.analytics}`,
    `  Cache                ${vane.adapters.cache}`,
    '',
    `  Owner access token   ${vane.ownerToken ?? '(set by VANE_BOOTSTRAP_TOKEN)'}`,
    `                       (kept in ${vane.ownerTokenFile}; send it as "authorization: Bearer <token>")`,
    `  CLI                  npx vane --address ${vane.urls.adminGrpc} projects list`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) {
    process.stdout.write('Still stopping; press Ctrl-C again to quit at once.\n');
    process.once('SIGINT', () => process.exit(130));
    return;
  }
  stopping = true;
  process.stdout.write(`\nStopping Vane (${signal})…\n`);
  vane
    .stop()
    .then(async () => {
      await mongo?.close();
      await clickhouse?.close();
      redis?.disconnect();
    })
    .then(
      () => {
        process.stdout.write('Vane stopped.\n');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
