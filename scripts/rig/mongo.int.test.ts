import { MongoClient, MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers, uniqueTestName } from './test-env.js';

interface FlagDoc {
  key: string;
  env: string;
  enabled: boolean;
  version: number;
  tags: string[];
}

const databaseName = uniqueTestName('rig_mongo');

describe('MongoDB wire protocol (FerretDB natively, mongo in compose)', () => {
  let client: MongoClient;
  let db: Db;
  let flags: Collection<FlagDoc>;

  beforeAll(async () => {
    client = new MongoClient(testServers().mongoUrl, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret =
      typeof info.ferretdbVersion === 'string' ? `, FerretDB ${info.ferretdbVersion}` : '';
    console.log(`MongoDB wire version ${String(info.version)}${ferret}`);
    db = client.db(databaseName);
    flags = db.collection<FlagDoc>('flags');
  });

  afterAll(async () => {
    if (!client) return;
    await db.dropDatabase();
    await client.close();
  });

  it('inserts documents and finds them with a filter', async () => {
    const result = await flags.insertMany([
      { key: 'checkout', env: 'prod', enabled: true, version: 1, tags: ['payments'] },
      { key: 'checkout', env: 'dev', enabled: false, version: 1, tags: ['payments'] },
      { key: 'search', env: 'prod', enabled: false, version: 3, tags: ['discovery', 'beta'] },
    ]);
    expect(result.insertedCount).toBe(3);

    const prod = await flags
      .find({ env: 'prod' }, { projection: { _id: 0 } })
      .sort({ key: 1 })
      .toArray();
    expect(prod).toEqual([
      { key: 'checkout', env: 'prod', enabled: true, version: 1, tags: ['payments'] },
      { key: 'search', env: 'prod', enabled: false, version: 3, tags: ['discovery', 'beta'] },
    ]);
    expect(await flags.countDocuments({ tags: 'beta', version: { $gte: 2 } })).toBe(1);
  });

  it('updates a document with $set and $inc', async () => {
    const update = await flags.updateOne(
      { key: 'search', env: 'prod' },
      { $set: { enabled: true }, $inc: { version: 1 } },
    );
    expect(update.matchedCount).toBe(1);
    expect(update.modifiedCount).toBe(1);
    const updated = await flags.findOne({ key: 'search', env: 'prod' }, { projection: { _id: 0 } });
    expect(updated).toMatchObject({ enabled: true, version: 4 });
  });

  it('rejects a unique index violation with duplicate-key error 11000', async () => {
    await flags.createIndex({ key: 1, env: 1 }, { unique: true, name: 'key_env_unique' });
    const error: unknown = await flags
      .insertOne({ key: 'checkout', env: 'prod', enabled: false, version: 9, tags: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
    expect(await flags.countDocuments({ key: 'checkout', env: 'prod' })).toBe(1);
  });
});
