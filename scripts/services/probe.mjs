// Health probe for scripts/services.sh: talks to a server through the project's own driver and
// runs one real command, retrying until a deadline, so that "up" means "usable by the tests".
// Usage: node scripts/services/probe.mjs <redis|clickhouse|kafka|mongo> <address> <timeoutSeconds>
// Prints one line (e.g. the server version) on success; exits 1 with the last error otherwise.
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';

const probes = {
  async redis(url) {
    const { Redis } = await import('ioredis');
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 3000,
      commandTimeout: 5000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // ioredis reports the cause (e.g. ECONNREFUSED) as an event, the rejection only says "closed".
    let cause;
    client.on('error', (error) => {
      cause = error;
    });
    try {
      await client.connect().catch((error) => {
        throw cause ?? error;
      });
      const info = await client.info('server');
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
      return `Redis ${version}`;
    } finally {
      client.disconnect();
    }
  },

  async clickhouse(url) {
    const { ClickHouseLogLevel, createClient } = await import('@clickhouse/client');
    const client = createClient({
      url,
      request_timeout: 5000,
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      const result = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
      const rows = await result.json();
      return `ClickHouse ${rows[0]?.v ?? 'unknown'}`;
    } finally {
      await client.close();
    }
  },

  async kafka(brokers) {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({
      clientId: 'vane-services-probe',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.listTopics();
      return `Kafka cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
    } finally {
      await admin.disconnect();
    }
  },

  async mongo(url) {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(url, {
      serverSelectionTimeoutMS: 3000,
      connectTimeoutMS: 3000,
      socketTimeoutMS: 5000,
    });
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      const ferret = info.ferretdbVersion ? ` (FerretDB ${info.ferretdbVersion})` : '';
      return `MongoDB wire ${info.version}${ferret}`;
    } finally {
      await client.close();
    }
  },
};

const [service, address, timeoutArg = '30'] = process.argv.slice(2);
const run = Object.hasOwn(probes, service ?? '') ? probes[service] : undefined;
if (!run || !address) {
  process.stderr.write(
    'usage: probe.mjs <redis|clickhouse|kafka|mongo> <address> <timeoutSeconds>\n',
  );
  process.exit(2);
}

const deadline = Date.now() + Number(timeoutArg) * 1000;
let lastError;
for (;;) {
  try {
    process.stdout.write(`${await run(address)}\n`);
    process.exit(0);
  } catch (error) {
    lastError = error;
  }
  if (Date.now() >= deadline) break;
  await delay(500);
}
const reason = lastError instanceof Error ? lastError.message : String(lastError);
process.stderr.write(`${service} at ${address} is not healthy after ${timeoutArg}s: ${reason}\n`);
process.exit(1);
