// ELS against real FerretDB and Kafka: flag documents written in the api-server's shape, changes
// published as `FlagChanged` records on a prefixed topic.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { startEls } from './els-server.js';
import type { RunningEls } from './els-server.js';
import { sampleFlag } from './environments/environment-source-conformance.js';
import { MongoEnvironmentSource } from './environments/mongo-environment-source.js';
import { ENVIRONMENTS, FLAGS } from '@vane/server-kit/documents';
import { flagToProto } from '@vane/core/proto';
import { KafkaChangeFeed } from './sync/kafka-change-feed.js';
import { TestSdk } from './testing/test-sdk.js';

// A document with a string `_id`, as the api-server stores them.
type StoredDoc = { _id: string } & Record<string, unknown>;

const name = uniqueTestName('els_server');
const prefix = `${name}.`;
const topics = [topicName(TOPICS.flagChanges, prefix), topicName(TOPICS.segmentChanges, prefix)];
const envId = 'env-int';
let mongo: MongoClient;
let db: Db;
let kafka: Kafka;
let producer: Producer;
let els: RunningEls;
const sdks: TestSdk[] = [];

beforeAll(async () => {
  const servers = testServers();
  mongo = new MongoClient(servers.mongoUrl);
  await mongo.connect();
  db = mongo.db(name);
  await db.collection<StoredDoc>(ENVIRONMENTS.name).insertOne({
    _id: envId,
    key: 'int',
    name: 'int',
    secrets: [
      { id: 's1', name: 'server', kind: 'server', value: 'int-server-secret', createdAt: 1 },
      { id: 's2', name: 'client', kind: 'client', value: 'int-client-secret', createdAt: 1 },
    ],
  });
  const bookkeeping = {
    revision: 1,
    outbox: [],
    segmentIds: [],
    creatorId: 'u',
    updaterId: 'u',
    envId,
  };
  await db.collection<StoredDoc>(FLAGS.name).insertMany([
    { ...sampleFlag('f1', 'live', 100), ...bookkeeping, _id: 'f1' },
    { ...sampleFlag('f2', 'purging', 101), ...bookkeeping, _id: 'f2', deleted: true },
  ]);
  kafka = new Kafka({
    clientId: 'els-int',
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic })), waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  els = await startEls(
    {
      source: new MongoEnvironmentSource(db),
      feed: new KafkaChangeFeed(kafka, pino({ level: 'silent' })),
      logger: pino({ level: 'silent' }),
    },
    { port: 0, topicPrefix: prefix, groupId: `els-${name}` },
  );
});

afterAll(async () => {
  await Promise.all(sdks.map((s) => s.close()));
  await els?.stop();
  await producer?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.deleteGroups([`els-${name}`]).catch(() => undefined);
  await admin.disconnect();
  await db?.dropDatabase();
  await mongo?.close();
});

async function connect(kind: 'server' | 'client'): Promise<TestSdk> {
  const sdk = await TestSdk.connect(els.port, kind, `int-${kind}-secret`);
  sdks.push(sdk);
  return sdk;
}

describe('ELS with FerretDB and Kafka', () => {
  it('serves stored flags and pushes a published change to server and client SDKs', async () => {
    const server = await connect('server');
    const client = await connect('client');
    server.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
    const full = await server.next(10_000);
    if (full.kind?.$case !== 'sync' || full.kind.value.payload?.$case !== 'definitions')
      throw new Error('no FULL');
    expect(full.kind.value.payload.value.flags.map((f) => f.key)).toEqual(['live']);
    client.send({
      kind: {
        $case: 'sync',
        value: { requestId: 1, version: 0, user: { keyId: 'u1', name: '', customProperties: [] } },
      },
    });
    await client.next(10_000);

    const version = full.kind.value.version + 1;
    const flag = flagToProto({ ...sampleFlag('f1', 'live', version), isEnabled: false, envId });
    const value = FlagChanged.encode({
      eventId: randomUUID(),
      envId,
      version,
      change: { $case: 'flag', value: flag },
    }).finish();
    await producer.send({
      topic: topics[0] ?? '',
      messages: [{ key: envId, value: Buffer.from(value) }],
    });

    const pushed = await server.next(20_000);
    expect(pushed.kind).toMatchObject({ $case: 'sync', value: { requestId: 0, version } });
    const result = await client.next(20_000);
    if (result.kind?.$case !== 'sync' || result.kind.value.payload?.$case !== 'evaluations')
      throw new Error('no push');
    expect(result.kind.value.payload.value.flags.map((f) => [f.flagKey, f.variationId])).toEqual([
      ['live', 'off'],
    ]);
  });
});
