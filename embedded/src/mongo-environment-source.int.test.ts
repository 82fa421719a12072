// ELS's EnvironmentSource conformance against the adapters that read MongoDB (FerretDB here):
// ELS's own MongoDB adapter (ELS standalone, and `npm start --mongo-url`) and the embedded store
// adapter over the api-server's MongoDB store. A real api-server on the same database writes the
// fixtures; each run has its own database, dropped afterwards.
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { MongoDocumentStore } from '@vane/api-server';
import { MongoEnvironmentSource } from '@vane/els';
import type { EnvironmentSource } from '@vane/els';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { describeEnvironmentSource } from '../../els/src/environments/environment-source-conformance.js';
import { DocumentStoreEnvironmentSource } from './document-store-environment-source.js';
import { startApiSourceFixtures } from './testing/api-source-fixtures.js';
import type { ApiSourceFixtures } from './testing/api-source-fixtures.js';

let client: MongoClient;
const dbs: Db[] = [];
const stores: MongoDocumentStore[] = [];
const running: ApiSourceFixtures[] = [];
const prefix = uniqueTestName('embedded_source');

beforeAll(async () => {
  client = new MongoClient(testServers().mongoUrl);
  await client.connect();
});

afterAll(async () => {
  for (const api of running) await api.close();
  for (const store of stores) await store.close();
  for (const db of dbs) await db.dropDatabase();
  await client.close();
});

/** One api-server and database per suite, started by its first test; tests use fresh envs. */
function onMongo(read: (db: Db, store: MongoDocumentStore) => EnvironmentSource) {
  let started: Promise<{ source: EnvironmentSource; api: ApiSourceFixtures }> | undefined;
  return async () => {
    started ??= (async () => {
      const db = client.db(`${prefix}_${dbs.length}`);
      dbs.push(db);
      const store = new MongoDocumentStore(db);
      stores.push(store);
      const api = await startApiSourceFixtures(store);
      running.push(api);
      return { source: read(db, store), api };
    })();
    const { source, api } = await started;
    return { source, fixtures: api.fixtures };
  };
}

describeEnvironmentSource(
  'ELS on MongoDB',
  onMongo((db) => new MongoEnvironmentSource(db)),
);
describeEnvironmentSource(
  'embedded document store on MongoDB',
  onMongo((_db, store) => new DocumentStoreEnvironmentSource(store)),
);
