// The edge's reverse proxy on its own: server-sent events pass through unbuffered, request bodies
// and headers reach the upstream, WebSocket upgrades are spliced, and an unreachable upstream is a
// clear 502 for HTTP and for upgrades.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpProxy } from './http-proxy.js';

const servers: Server[] = [];
let releaseEvents: () => void = () => {};
let upstreamPort: number;
let proxyUrl: string;
let deadProxyUrl: string;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function proxyServer(proxy: HttpProxy): Server {
  const server = createServer((req, res) => proxy.web(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    proxy.upgrade(req, socket, head),
  );
  return server;
}

beforeAll(async () => {
  const upstream = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/ofrep/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      // The second event only after the test saw the first one through the proxy.
      releaseEvents = () => res.end('data: second\n\n');
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'els' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body,
          auth: req.headers.authorization,
          forwardedFor: req.headers['x-forwarded-for'],
        }),
      );
    });
  });
  const wss = new WebSocketServer({ server: upstream });
  wss.on('connection', (ws, req) => {
    ws.send(`hello ${req.url} ${req.headers['sec-websocket-protocol']}`);
    ws.on('message', (m: Buffer) => ws.send(`echo ${m.toString()}`));
  });
  upstreamPort = await listen(upstream);
  const logger = pino({ level: 'silent' });
  proxyUrl = `127.0.0.1:${await listen(proxyServer(new HttpProxy('127.0.0.1', upstreamPort, logger)))}`;
  // A port nothing listens on: bind one, note it, close it.
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  const deadPort = (gone.address() as AddressInfo).port;
  await new Promise((r) => gone.close(r));
  deadProxyUrl = `127.0.0.1:${await listen(proxyServer(new HttpProxy('127.0.0.1', deadPort, logger)))}`;
});

afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

describe('edge HTTP proxy', () => {
  it('forwards method, path, body and headers, and returns status and headers', async () => {
    const res = await fetch(`http://${proxyUrl}/ofrep/v1/evaluate/flags/x?a=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"context":{}}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('els');
    expect(await res.json()).toEqual({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags/x?a=1',
      body: '{"context":{}}',
      auth: 'Bearer k',
      forwardedFor: '127.0.0.1',
    });
  });

  it('passes server-sent events through as they come', async () => {
    const res = await fetch(`http://${proxyUrl}/ofrep/v1/events`);
    const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    releaseEvents();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('data: second\n\n');
  });

  it('splices WebSocket upgrades', async () => {
    const ws = new WebSocket(`ws://${proxyUrl}/sdk/v1/stream?kind=server`, ['vane.sync.v1']);
    const messages: string[] = [];
    const two = new Promise<void>((resolve) =>
      ws.on('message', (m: Buffer) => {
        messages.push(m.toString());
        if (messages.length === 2) resolve();
      }),
    );
    await new Promise<void>((r) => ws.once('open', () => r()));
    expect(ws.protocol).toBe('vane.sync.v1');
    ws.send('ping');
    await two;
    expect(messages).toEqual(['hello /sdk/v1/stream?kind=server vane.sync.v1', 'echo ping']);
    ws.close();
  });

  it('answers 502 when the upstream is down, for HTTP and for upgrades', async () => {
    const res = await fetch(`http://${deadProxyUrl}/ofrep/v1/evaluate/flags`, { method: 'POST' });
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/not reachable/);
    const ws = new WebSocket(`ws://${deadProxyUrl}/sdk/v1/stream`);
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_req, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(502);
  });
});
