// Both SDKs against a misbehaving server (a bare `ws` server on port 0): malformed frames are
// ignored without harm, a silent connection is replaced, and an UNAVAILABLE answer is retried.
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFrame, ServerFrame, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import { VaneClient } from '../client/vane-client.js';
import { VaneServerClient } from '../server/vane-server-client.js';
import { flagToProto } from '@vane/core/proto';
import { boolFlag } from '../testing/els-harness.js';
import type { WebSocketLike } from './stream-connection.js';

type Handler = (socket: WebSocket, frame: ClientFrame, connection: number) => void;

const servers: WebSocketServer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function fakeEls(onFrame: Handler): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (protocols) => (protocols.has('vane.sync.v1') ? 'vane.sync.v1' : false),
  });
  servers.push(server);
  server.on('connection', (socket) => {
    const n = ++connections;
    socket.on('message', (data: Buffer) =>
      onFrame(socket, ClientFrame.decode(new Uint8Array(data)), n),
    );
  });
  await new Promise((r) => server.once('listening', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `ws://127.0.0.1:${address.port}`, connections: () => connections };
}

const definitionsFull = (requestId: number): Uint8Array =>
  ServerFrame.encode({
    kind: {
      $case: 'sync',
      value: {
        requestId,
        kind: SyncKind.SYNC_KIND_FULL,
        version: 42,
        payload: {
          $case: 'definitions',
          value: {
            flags: [flagToProto(boolFlag('f', 42))],
            segments: [],
            deletedFlags: [],
            deletedSegments: [],
          },
        },
      },
    },
  }).finish();

const evaluationsFull = (requestId: number, userKeyId: string): Uint8Array =>
  ServerFrame.encode({
    kind: {
      $case: 'sync',
      value: {
        requestId,
        kind: SyncKind.SYNC_KIND_FULL,
        version: 42,
        payload: {
          $case: 'evaluations',
          value: {
            userKeyId,
            flags: [
              {
                flagKey: 'f',
                variationId: 'on',
                value: 'true',
                variationType: 1,
                reasonKind: 5,
                reason: 'default',
                sendToExperiment: false,
                version: 42,
              },
            ],
            deletedFlags: [],
          },
        },
      },
    },
  }).finish();

const GARBAGE = [new Uint8Array([0x0a, 0xff, 0xff, 0xff]), new Uint8Array([0x0f]), 'not binary'];

function server(url: string, extra = {}): VaneServerClient {
  const c = new VaneServerClient({
    secret: 's',
    url,
    reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    events: { enabled: false },
    ...extra,
  });
  closers.push(() => c.close());
  return c;
}

describe('SDKs against a misbehaving server', () => {
  it('server SDK ignores malformed frames and still syncs', async () => {
    const els = await fakeEls((socket, frame) => {
      if (frame.kind?.$case !== 'sync') return;
      for (const g of GARBAGE) socket.send(g);
      socket.send(definitionsFull(frame.kind.value.requestId));
    });
    const sdk = server(els.url);
    await sdk.waitForReady(5000);
    expect(sdk.boolVariation('f', { keyId: 'u' }, false)).toBe(true);
    expect(sdk.version).toBe(42);
  });

  it('client SDK ignores malformed frames and results for another user', async () => {
    const els = await fakeEls((socket, frame) => {
      if (frame.kind?.$case !== 'sync') return;
      for (const g of GARBAGE) socket.send(g);
      socket.send(evaluationsFull(0, 'someone-else'));
      socket.send(evaluationsFull(frame.kind.value.requestId, 'me'));
    });
    const sdk = new VaneClient({
      secret: 's',
      url: els.url,
      user: { keyId: 'me' },
      storage: null,
      events: { enabled: false },
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    });
    closers.push(() => sdk.close());
    const changes: (readonly string[])[] = [];
    sdk.on('change', (c) => changes.push(c.flagKeys));
    await sdk.waitForReady(5000);
    expect(sdk.boolVariationDetail('f', false)).toMatchObject({ value: true, kind: 'Fallthrough' });
    expect(changes).toEqual([['f']]);
  });

  it('after a dropped connection, both SDKs re-sync with the newest version they hold', async () => {
    const versions: [string, number][] = [];
    const els = await fakeEls((socket, frame, connection) => {
      if (frame.kind?.$case !== 'sync') return;
      const { requestId, version, user } = frame.kind.value;
      versions.push([user ? 'client' : 'server', version]);
      socket.send(user ? evaluationsFull(requestId, user.keyId) : definitionsFull(requestId));
      if (connection <= 2) setTimeout(() => socket.terminate(), 20); // abrupt loss (1006)
    });
    const sdk = server(els.url);
    const browser = new VaneClient({
      secret: 's',
      url: els.url,
      user: { keyId: 'me' },
      storage: null,
      events: { enabled: false },
      reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    });
    closers.push(() => browser.close());
    await expect.poll(() => versions.length, { timeout: 5000 }).toBeGreaterThanOrEqual(4);
    expect(
      versions
        .filter(([k]) => k === 'server')
        .map(([, v]) => v)
        .slice(0, 2),
    ).toEqual([0, 42]);
    expect(
      versions
        .filter(([k]) => k === 'client')
        .map(([, v]) => v)
        .slice(0, 2),
    ).toEqual([0, 42]);
    await sdk.waitForReady(1000);
  });

  it('replaces a connection that stays silent for two ping periods', async () => {
    const els = await fakeEls(() => undefined); // accepts, never answers
    server(els.url, { pingIntervalMs: 50 });
    await expect.poll(() => els.connections(), { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  });

  it('resends a rate-limited track batch with the same event ids', async () => {
    const batches: string[][] = [];
    const els = await fakeEls((socket, frame) => {
      if (frame.kind?.$case === 'sync') socket.send(definitionsFull(frame.kind.value.requestId));
      if (frame.kind?.$case !== 'track') return;
      const { requestId, users } = frame.kind.value;
      batches.push(users.flatMap((u) => u.metrics.map((m) => m.eventId)));
      const refuse = batches.length === 1;
      socket.send(
        ServerFrame.encode({
          kind: refuse
            ? {
                $case: 'error',
                value: {
                  requestId,
                  code: StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
                  message: 'slow down',
                  retryAfterMs: 10,
                  closing: false,
                },
              }
            : { $case: 'trackAck', value: { requestId, accepted: 1, rejected: [] } },
        }).finish(),
      );
    });
    const sdk = server(els.url, { events: { flushIntervalMs: 50 } });
    await sdk.waitForReady(5000);
    sdk.track({ keyId: 'u' }, 'once');
    sdk.flush();
    await expect.poll(() => batches.length, { timeout: 5000 }).toBe(2);
    expect(batches[1]).toEqual(batches[0]);
    await sdk.close();
    expect(sdk.droppedEvents).toBe(0);
  });

  it('retries the sync after an UNAVAILABLE answer, on the same connection', async () => {
    const els = await fakeEls((socket, frame, connection) => {
      if (frame.kind?.$case !== 'sync') return;
      if (frame.kind.value.requestId === 1)
        socket.send(
          ServerFrame.encode({
            kind: {
              $case: 'error',
              value: {
                requestId: 1,
                code: StreamErrorCode.STREAM_ERROR_CODE_UNAVAILABLE,
                message: 'store down',
                retryAfterMs: 10,
                closing: false,
              },
            },
          }).finish(),
        );
      else socket.send(definitionsFull(frame.kind.value.requestId));
      expect(connection).toBe(1);
    });
    const sdk = server(els.url);
    await sdk.waitForReady(5000);
    expect(els.connections()).toBe(1);
  });
});
