// Test fixture: an api-server on port 0 over the in-memory store and bus (no shared servers), with
// the owner's promise clients and a project with one environment ready.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { MemoryBroker } from '@vane/server-kit';
import type { ApiServerDeps, RunningApiServer } from '../api-server.js';
import { startApiServer } from '../api-server.js';
import type { ChangePublisher } from '../bus/change-publisher.js';
import { MemoryChangePublisher, MemoryMessageSource } from '../bus/memory-bus.js';
import type { DocumentStore } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { adminClients } from './api-fixture.js';
import type { AdminClients } from './api-fixture.js';

/** One memory-backed api-server and the owner's clients. */
export interface MemoryApi {
  readonly server: RunningApiServer;
  readonly address: string;
  readonly owner: AdminClients;
  /** Id of a ready project `p` and its environment `prod`. */
  readonly projectId: string;
  readonly envId: string;
  close(): Promise<void>;
}

/**
 * Starts an api-server on a fresh memory store (or `store`) and the in-process bus (or
 * `publisher`), with optional extra adapters.
 */
export async function startMemoryApi(
  options: {
    store?: DocumentStore;
    publisher?: ChangePublisher;
    analytics?: ApiServerDeps['analytics'];
  } = {},
): Promise<MemoryApi> {
  const broker = new MemoryBroker();
  const ownerToken = `owner-${randomBytes(24).toString('base64url')}`;
  const server = await startApiServer(
    {
      store: options.store ?? (await MemoryDocumentStore.open()),
      publisher: options.publisher ?? new MemoryChangePublisher(broker),
      source: new MemoryMessageSource(broker),
      logger: pino({ level: 'silent' }),
      analytics: options.analytics,
    },
    { grpcPort: 0, httpPort: 0, bootstrapToken: ownerToken },
  );
  const address = `127.0.0.1:${server.grpcPort}`;
  const owner = adminClients(address, ownerToken);
  const { project } = await owner.projects.createProject({ key: 'p', name: 'P', description: '' });
  const { environment } = await owner.environments.createEnvironment({
    projectId: project!.id,
    key: 'prod',
    name: 'Prod',
    description: '',
  });
  return {
    server,
    address,
    owner,
    projectId: project!.id,
    envId: environment!.id,
    async close() {
      owner.close();
      await server.stop();
    },
  };
}
