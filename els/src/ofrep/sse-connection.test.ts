// The send bound on an event stream, over a real HTTP server and a client socket that never
// reads: once the response holds more unsent bytes than the bound, it is destroyed.
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloseReason } from '../streaming/sdk-connection.js';
import { SseConnection } from './sse-connection.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function streamTo(): Promise<{ res: ServerResponse; port: number }> {
  let onRes: (res: ServerResponse) => void = () => undefined;
  const got = new Promise<ServerResponse>((resolve) => (onRes = resolve));
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    onRes(res);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  socket.pause(); // never reads
  socket.on('error', () => undefined);
  return { res: await got, port };
}

describe('SseConnection', () => {
  it('destroys a response whose unsent bytes exceed the bound, and sends nothing more', async () => {
    const { res } = await streamTo();
    const reasons: CloseReason[] = [];
    const conn = new SseConnection(
      res,
      { id: 1, envId: 'env', kind: 'client', secret: '' },
      {
        maxBufferedBytes: 64 * 1024,
        idleTimeoutMs: 60_000,
        onClose: (_c, reason) => reasons.push(reason),
      },
    );
    expect(conn.idleTimeoutMs).toBe(0);
    const event = `data: ${'x'.repeat(256 * 1024)}\n\n`;
    // The kernel's socket buffers take a few MB first; 400 events are far more than they hold.
    for (let i = 0; i < 400 && conn.open; i++) {
      conn.sendText(event);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(reasons).toEqual(['slow']);
    expect(res.destroyed).toBe(true);
    expect(conn.open).toBe(false);
  });
});
