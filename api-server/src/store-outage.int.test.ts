// A store outage as a caller sees it: the api-server reaches the rig's FerretDB through a TCP proxy
// that the test cuts, so the real driver loses its real server. The contract answers UNAVAILABLE
// (`ERROR_REASON_UNAVAILABLE`, retry with backoff), not INTERNAL, and calls work again afterwards.
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBroker } from '@vane/server-kit';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { testServers } from '@vane/scripts/rig';
import { startApiServer } from './api-server.js';
import { TOKEN_CACHE_MS } from './auth/authenticator.js';
import type { RunningApiServer } from './api-server.js';
import { MemoryChangePublisher, MemoryMessageSource } from './bus/memory-bus.js';
import { MongoDocumentStore } from './store/mongo-document-store.js';
import { adminClients, grpcError } from './testing/api-fixture.js';
import type { AdminClients } from './testing/api-fixture.js';

/** A TCP proxy to `target` that can be cut (every connection dropped, new ones refused) and restored. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    cut: () => {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore: () => {
      up = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
let mongo: MongoClient;
let server: RunningApiServer;
let store: MongoDocumentStore;
let owner: AdminClients;
/** How far the api-server's token clock runs ahead of the real one. */
let clockAhead = 0;
const dbName = `vane_test_outage_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  proxy = await cuttableProxy(new URL(testServers().mongoUrl));
  mongo = new MongoClient(proxy.url, { serverSelectionTimeoutMS: 1500, retryReads: false });
  await mongo.connect();
  const broker = new MemoryBroker();
  const ownerToken = `owner-${randomBytes(24).toString('base64url')}`;
  store = new MongoDocumentStore(mongo.db(dbName));
  server = await startApiServer(
    {
      store,
      publisher: new MemoryChangePublisher(broker),
      source: new MemoryMessageSource(broker),
      logger: pino({ level: 'silent' }),
    },
    { grpcPort: 0, httpPort: 0, bootstrapToken: ownerToken, now: () => Date.now() + clockAhead },
  );
  owner = adminClients(`127.0.0.1:${server.grpcPort}`, ownerToken);
});

afterAll(async () => {
  owner?.close();
  await server?.stop();
  proxy?.restore();
  await store?.close();
  await mongo
    ?.db(dbName)
    .dropDatabase()
    .catch(() => undefined);
  await mongo?.close();
  await proxy?.close();
});

describe('a store outage', () => {
  it('answers UNAVAILABLE with ERROR_REASON_UNAVAILABLE, and works again once the store is back', async () => {
    const { project } = await owner.projects.createProject({
      key: 'outage',
      name: 'Outage',
      description: '',
    });
    // Past the authenticator's short token cache, so that the call itself needs the store.
    clockAhead += TOKEN_CACHE_MS + 1;
    proxy.cut();
    const failed = await grpcError(owner.projects.getProject({ id: project!.id }));
    expect(failed.code).toBe(status.UNAVAILABLE);
    expect(failed.info?.reason).toBe(ErrorReason.ERROR_REASON_UNAVAILABLE);
    expect(failed.message).toMatch(/unavailable/);

    proxy.restore();
    await expect
      .poll(
        async () =>
          (await owner.projects.getProject({ id: project!.id }).catch(() => undefined))?.project
            ?.key,
        { timeout: 20_000, interval: 500 },
      )
      .toBe('outage');
  });
});
