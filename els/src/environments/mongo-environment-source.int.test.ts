import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { describeEnvironmentSource } from './environment-source-conformance.js';
import { MONGO_COLLECTIONS, MongoEnvironmentSource } from './mongo-environment-source.js';

let client: MongoClient;
const dbs: Db[] = [];
const prefix = uniqueTestName('els_source');

beforeAll(async () => {
  client = new MongoClient(testServers().mongoUrl);
  await client.connect();
});

afterAll(async () => {
  for (const db of dbs) await db.dropDatabase();
  await client.close();
});

describeEnvironmentSource('mongo', () => {
  const db = client.db(`${prefix}_${dbs.length}`);
  dbs.push(db);
  // The api-server's tombstone frees the key by appending `\u0000deleted:<id>`.
  const tombstoneKey = (key: string, id: string, deleted: boolean | undefined) =>
    deleted === true ? { key: `${key}\u0000deleted:${id}` } : {};
  const meta = (id: string, deleted: boolean | undefined) => ({
    _id: id,
    revision: 1,
    outbox: [],
    creatorId: 'u',
    updaterId: 'u',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...(deleted === true ? { deleted: true } : {}),
  });
  return Promise.resolve({
    source: new MongoEnvironmentSource(db),
    fixtures: {
      secret: async (envId, secret, kind) => {
        const secretDoc = { id: secret, name: secret, kind, value: secret, createdAt: 1 };
        await db
          .collection<{ _id: string }>(MONGO_COLLECTIONS.environments)
          .updateOne(
            { _id: envId },
            { $push: { secrets: secretDoc }, $setOnInsert: { key: envId, name: envId } },
            { upsert: true },
          );
      },
      flag: async (envId, flag, options) => {
        const doc = {
          ...flag,
          ...meta(flag.id, options?.deleted),
          ...tombstoneKey(flag.key, flag.id, options?.deleted),
          envId,
          segmentIds: [],
        };
        await db.collection<{ _id: string }>(MONGO_COLLECTIONS.flags).insertOne(doc);
      },
      segment: async (envId, segment, options) => {
        const doc = {
          ...segment,
          ...meta(segment.id, options?.deleted),
          ...tombstoneKey(segment.key ?? segment.id, segment.id, options?.deleted),
          envId,
        };
        await db.collection<{ _id: string }>(MONGO_COLLECTIONS.segments).insertOne(doc);
      },
    },
  });
});
