import { MongoClient } from 'mongodb';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentStoreConformance, thing } from './document-store-conformance.js';
import type { Thing } from './document-store-conformance.js';
import { MongoDocumentStore } from './mongo-document-store.js';

// One database per fixture, all under this file's prefix; each is dropped when its test ends.
const prefix = uniqueTestName('store');
let client: MongoClient;
let fixtures = 0;

beforeAll(async () => {
  client = new MongoClient(testServers().mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
});

afterAll(async () => {
  if (!client) return;
  // Anything a failed cleanup left behind.
  const { databases } = await client.db('admin').admin().listDatabases();
  for (const { name } of databases) {
    if (name.startsWith(prefix)) await client.db(name).dropDatabase();
  }
  await client.close();
});

documentStoreConformance('MongoDB (FerretDB in the rig)', async () => {
  fixtures += 1;
  const db = client.db(`${prefix}_${fixtures}`);
  const store = new MongoDocumentStore(db);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.dropDatabase();
    },
  };
});

describe('MongoDocumentStore specifics', () => {
  it('creates the declared unique indexes, and ready() waits for them', async () => {
    const db = client.db(`${prefix}_indexes`);
    const store = new MongoDocumentStore(db);
    store.collection('things', [
      { name: 'key_env', fields: ['key', 'env'] },
      { name: 'name_unique', fields: ['name'] },
    ]);
    await store.ready();
    const indexes = await db.collection('things').indexes();
    expect(indexes.filter((i) => i.unique).map((i) => [i.name, i.key])).toEqual([
      ['key_env', { key: 1, env: 1 }],
      ['name_unique', { name: 1 }],
    ]);
    // Declaring the same collection again adds only new indexes.
    store.collection('things', [{ name: 'env_only', fields: ['env', 'n'] }]);
    await store.ready();
    expect((await db.collection('things').indexes()).map((i) => i.name)).toContain('env_only');
    await db.dropDatabase();
  });

  it('rejects ready() with the cause when an index cannot be built', async () => {
    const db = client.db(`${prefix}_badindex`);
    await db
      .collection<Thing>('things')
      .insertMany([thing('a', { key: 'k' }), thing('b', { key: 'k' })]);
    const store = new MongoDocumentStore(db);
    const things = store.collection<Thing>('things', [{ name: 'key_only', fields: ['key'] }]);
    await expect(store.ready()).rejects.toThrow();
    await expect(things.insert(thing('c'))).rejects.toThrow();
    await db.collection<Thing>('things').deleteOne({ _id: 'b' });
    await store.ready();
    await things.insert(thing('c'));
    await db.dropDatabase();
  });

  it('claims each version once, readable as a time, and continues from an existing counter', async () => {
    const db = client.db(`${prefix}_counters`);
    // A counter as earlier releases kept it: the chain of claims continues above it.
    await db.collection<{ _id: string; value: number }>('counters').insertOne({
      _id: 'env:old',
      value: 5_000,
    });
    const store = new MongoDocumentStore(db);
    const floor = Date.now();
    const version = await store.nextVersion('env:x', floor);
    expect(version).toBe(floor);
    expect(
      await db.collection<{ _id: string }>('version_claims').findOne({ _id: 'env:x>0' }),
    ).toMatchObject({
      counter: 'env:x',
      value: floor,
    });
    expect(await store.nextVersion('env:x', 0)).toBe(floor + 1);
    expect(await store.nextVersion('env:old', 0)).toBe(5_001);
    await store.close();
    await db.dropDatabase();
  });

  it('never returns a version twice, or out of order, to stores on separate connections', async () => {
    // Two api-server instances: separate clients (connection pools) on one database. FerretDB's
    // updates do not re-check their filter, so this holds only because claims are inserts.
    const name = `${prefix}_two_clients`;
    const clients = [client, new MongoClient(testServers().mongoUrl)];
    await clients[1]!.connect();
    const stores = clients.map((c) => new MongoDocumentStore(c.db(name)));
    const calls: { value: number; start: number; end: number }[] = [];
    const floor = Date.now();
    await Promise.all(
      stores.flatMap((store) =>
        // Four callers per store, 25 calls each; a floor below the counter, so values collide.
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 25; i += 1) {
            const start = performance.now();
            const value = await store.nextVersion('env:shared', floor);
            calls.push({ value, start, end: performance.now() });
          }
        }),
      ),
    );
    expect(new Set(calls.map((c) => c.value)).size).toBe(200);
    // A call that began after another ended got a greater version.
    const byEnd = [...calls].sort((a, b) => a.end - b.end);
    for (const later of calls) {
      for (const earlier of byEnd) {
        if (earlier.end >= later.start) break;
        expect(later.value).toBeGreaterThan(earlier.value);
      }
    }
    await Promise.all(stores.map((store) => store.close()));
    await clients[1]!.close();
    await client.db(name).dropDatabase();
  });

  it('reports ping false when the client is closed', async () => {
    const other = new MongoClient(testServers().mongoUrl, { serverSelectionTimeoutMS: 500 });
    await other.connect();
    const store = new MongoDocumentStore(other.db(`${prefix}_ping`));
    expect(await store.ping()).toBe(true);
    await other.close();
    expect(await store.ping()).toBe(false);
  });
});
