// ELS's EnvironmentSource conformance against the adapter `npm start` uses by default: the
// embedded store read in process, its fixtures written by a real api-server on the same store.
import { afterAll } from 'vitest';
import { MemoryDocumentStore } from '@vane/api-server';
import { describeEnvironmentSource } from '../../els/src/environments/environment-source-conformance.js';
import { DocumentStoreEnvironmentSource } from './document-store-environment-source.js';
import { startApiSourceFixtures } from './testing/api-source-fixtures.js';
import type { ApiSourceFixtures } from './testing/api-source-fixtures.js';

let started: Promise<{ store: MemoryDocumentStore; api: ApiSourceFixtures }> | undefined;

afterAll(async () => {
  if (started) await (await started).api.close();
});

// One api-server for the suite; each test writes into environments of its own.
describeEnvironmentSource('embedded document store', async () => {
  started ??= (async () => {
    const store = await MemoryDocumentStore.open();
    return { store, api: await startApiSourceFixtures(store) };
  })();
  const { store, api } = await started;
  return { source: new DocumentStoreEnvironmentSource(store), fixtures: api.fixtures };
});
