// ELS killed (SIGKILL, no goodbye) and restarted on the same port, with real FerretDB and Kafka:
// both SDKs go stale, keep serving, reconnect and converge to what changed while ELS was dead.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import type { FeatureFlag } from '@vane/core';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { VaneClient } from '../client/vane-client.js';
import type { WebSocketLike } from '../shared/stream-connection.js';
import { boolFlag } from '../testing/els-harness.js';
import { flagToProto } from '@vane/core/proto';
import { VaneServerClient } from './vane-server-client.js';

type StoredDoc = { _id: string } & Record<string, unknown>;

const name = uniqueTestName('sdk_killed');
const prefix = `${name}.`;
const topics = [topicName(TOPICS.flagChanges, prefix), topicName(TOPICS.segmentChanges, prefix)];
const envId = 'env-killed';
const secrets = { server: 'killed-server-secret', client: 'killed-client-secret' };
const script = fileURLToPath(new URL('../testing/els-process.ts', import.meta.url));
let mongo: MongoClient;
let db: Db;
let kafka: Kafka;
let port: number;
let child: ChildProcess | undefined;
const groups: string[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts the ELS process and resolves once it listens. */
async function startElsProcess(): Promise<void> {
  const servers = testServers();
  const proc = spawn(process.execPath, ['--conditions=@vane/source', '--import', 'tsx', script], {
    env: {
      ...process.env,
      TEST_ELS_MONGO_URL: servers.mongoUrl,
      TEST_ELS_DATABASE: name,
      TEST_ELS_KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      TEST_ELS_TOPIC_PREFIX: prefix,
      TEST_ELS_PORT: String(port),
      // A fresh group per start: a killed member would hold a fixed group until its session ends.
      TEST_ELS_GROUP: `${name}-els-${groups.push(`${name}-els-${groups.length + 1}`)}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ELS did not start: ${stderr}`)), 60_000);
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ELS exited with ${code}: ${stderr}`));
    });
  });
}

async function killEls(): Promise<void> {
  const proc = child;
  child = undefined;
  if (proc === undefined || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

/** Writes a flag as the api-server stores it. */
async function storeFlag(flag: FeatureFlag & { version: number }): Promise<void> {
  const doc = {
    ...flag,
    envId,
    revision: 1,
    outbox: [],
    segmentIds: [],
    creatorId: 'u',
    updaterId: 'u',
  };
  await db
    .collection<StoredDoc>('flags')
    .replaceOne({ _id: flag.id }, { ...doc, _id: flag.id }, { upsert: true });
}

beforeAll(async () => {
  const servers = testServers();
  mongo = new MongoClient(servers.mongoUrl);
  await mongo.connect();
  db = mongo.db(name);
  await db.collection<StoredDoc>('environments').insertOne({
    _id: envId,
    key: 'killed',
    name: 'killed',
    secrets: [
      { id: 's1', name: 'server', kind: 'server', value: secrets.server, createdAt: 1 },
      { id: 's2', name: 'client', kind: 'client', value: secrets.client, createdAt: 1 },
    ],
  });
  await storeFlag(boolFlag('dark-mode', Date.now()));
  kafka = new Kafka({
    clientId: 'sdk-killed',
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic })), waitForLeaders: true });
  await admin.disconnect();
  port = await freePort();
  await startElsProcess();
});

afterAll(async () => {
  await killEls();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.deleteGroups(groups).catch(() => undefined);
  await admin.disconnect();
  await db?.dropDatabase();
  await mongo?.close();
});

describe('ELS killed and restarted', () => {
  it('SDKs reconnect to the restarted ELS and converge, after a live change through Kafka', async () => {
    const url = `ws://127.0.0.1:${port}`;
    const reconnect = { initialDelayMs: 200, maxDelayMs: 1000, goingAwayJitterMs: 200 };
    const server = new VaneServerClient({ secret: secrets.server, url, reconnect });
    const browser = new VaneClient({
      secret: secrets.client,
      url,
      user: { keyId: 'web-user' },
      storage: null,
      reconnect,
      createSocket: (u, p) => new WebSocket(u, p) as unknown as WebSocketLike,
    });
    const user = { keyId: 'node-user' };
    try {
      await Promise.all([server.waitForReady(20_000), browser.waitForReady(20_000)]);
      expect(server.boolVariation('dark-mode', user, false)).toBe(true);
      expect(browser.boolVariation('dark-mode', false)).toBe(true);

      // A change published to Kafka (as the api-server does after writing MongoDB) arrives live.
      const off = { ...boolFlag('dark-mode', Date.now(), false) };
      await storeFlag(off);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: topics[0] ?? '',
        messages: [
          {
            key: envId,
            value: Buffer.from(
              FlagChanged.encode({
                eventId: randomUUID(),
                envId,
                version: off.version,
                change: { $case: 'flag', value: flagToProto({ ...off, envId }) },
              }).finish(),
            ),
          },
        ],
      });
      await producer.disconnect();
      await expect
        .poll(() => server.boolVariation('dark-mode', user, true), { timeout: 30_000 })
        .toBe(false);
      await expect
        .poll(() => browser.boolVariation('dark-mode', true), { timeout: 30_000 })
        .toBe(false);

      // SIGKILL: no close frame; both SDKs notice the dead connection and go stale.
      await killEls();
      await expect
        .poll(() => [server.state, browser.state], { timeout: 30_000 })
        .toEqual(['stale', 'stale']);
      expect(server.boolVariation('dark-mode', user, true)).toBe(false); // last known definitions

      // Changed while ELS is dead (MongoDB only; nobody is listening to Kafka).
      await storeFlag({ ...boolFlag('dark-mode', Date.now(), true) });
      await startElsProcess();
      await expect
        .poll(() => [server.state, browser.state], { timeout: 30_000 })
        .toEqual(['ready', 'ready']);
      expect(server.boolVariationDetail('dark-mode', user, false)).toMatchObject({
        value: true,
        kind: 'Fallthrough',
      });
      expect(browser.boolVariation('dark-mode', false)).toBe(true);
    } finally {
      await Promise.all([server.close(), browser.close()]);
    }
  }, 120_000); // a restarted ELS may wait up to 30 s to join its Kafka consumer group
});
