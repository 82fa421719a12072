// ELS's shared connection layer applied to FeatBit's `/streaming` and OFREP's event stream,
// through a real ELS on port 0: the send bound (a FeatBit SDK that never reads is closed with
// 4009), the connection caps counted over every protocol, and the frame rate limits.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ElsOptions } from '../els-server.js';
import { metricValue } from '../streaming/testing/metrics-text.js';
import { RawWsClient } from '../streaming/testing/raw-ws-client.js';
import { COMPAT_ENV, nextVersion, startCompatFixture } from './testing/compat-fixture.js';
import type { CompatFixture } from './testing/compat-fixture.js';

const require = createRequire(import.meta.url);
const { generateConnectionToken } =
  require('@featbit/node-server-sdk/dist/cjs/data-sync/utils.js') as {
    generateConnectionToken: (secret: string) => string;
  };

let kit: CompatFixture | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await kit?.stop();
  kit = undefined;
});

async function start(options: Partial<ElsOptions>): Promise<CompatFixture> {
  kit = await startCompatFixture(options);
  return kit;
}

const path = (type: string, secret: string) =>
  `/streaming?type=${type}&token=${generateConnectionToken(secret)}`;

interface Opened {
  readonly ws: WebSocket;
  readonly messages: string[];
  readonly closed: Promise<number>;
  readonly opened: Promise<void>;
}

function featbit(k: CompatFixture, type = 'server'): Opened {
  const ws = new WebSocket(`${k.url.replace('http', 'ws')}${path(type, k.serverSecret)}`);
  sockets.push(ws);
  const messages: string[] = [];
  ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
  return {
    ws,
    messages,
    closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))),
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
  };
}

async function vaneStream(k: CompatFixture): Promise<Opened> {
  const ws = new WebSocket(`${k.url.replace('http', 'ws')}/sdk/v1/stream?kind=server`, [
    'vane.sync.v1',
    `vane.secret.${k.serverSecret}`,
  ]);
  sockets.push(ws);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await opened;
  return {
    ws,
    messages: [],
    closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))),
    opened,
  };
}

// An open connection is in the registry once it answers a ping.
async function pinged(c: Opened): Promise<void> {
  await c.opened;
  const before = c.messages.length;
  c.ws.send(JSON.stringify({ messageType: 'ping', data: {} }));
  await expect.poll(() => c.messages.length > before).toBe(true);
}

describe('send bound on FeatBit connections', () => {
  it('closes a FeatBit SDK that sends data-sync and never reads with 4009', async () => {
    const k = await start({ maxBufferedBytes: 1024 * 1024 });
    const simple = k.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    k.source.putFlag(COMPAT_ENV, {
      ...simple,
      id: 'big',
      key: 'big',
      description: 'x'.repeat(400_000),
      version: nextVersion(),
    });
    const port = Number(new URL(k.url).port);
    const raw = await RawWsClient.open(port, path('server', k.serverSecret));
    const frames = 80;
    const sync = JSON.stringify({ messageType: 'data-sync', data: { timestamp: 0 } });
    for (let i = 0; i < frames; i++) raw.sendText(sync);
    const slow = 'vane_els_closed_connections_total{protocol="featbit",reason="slow"}';
    await expect.poll(() => metricValue(port, slow), { timeout: 15_000 }).toBe(1);
    const read = await raw.readToClose();
    expect(read.closeCode).toBe(4009);
    expect(read.messages.length).toBeGreaterThan(0);
    expect(read.messages.length).toBeLessThan(frames);
  });
});

describe('connection caps over every protocol', () => {
  it('counts FeatBit and Vane connections of an environment together (4029 over the cap)', async () => {
    const k = await start({ maxConnectionsPerEnv: 2 });
    await pinged(featbit(k));
    await vaneStream(k);
    const third = featbit(k);
    expect(await third.closed).toBe(4029);
    const sse = await sseStatus(k);
    expect(sse).toBe(429);
  });

  it('refuses a FeatBit connection over the instance cap with 1013', async () => {
    const k = await start({ maxConnections: 1 });
    await vaneStream(k);
    expect(await featbit(k).closed).toBe(1013);
  });
});

describe('frame rate limits on FeatBit connections', () => {
  it('drops frames over the budget and closes a flooding connection with 4029', async () => {
    const k = await start({
      rateLimits: { connectionFramesPerSecond: 1, connectionBurst: 3, closeAfterDropped: 2 },
    });
    const c = featbit(k);
    await c.opened;
    for (let i = 0; i < 10; i++) c.ws.send(JSON.stringify({ messageType: 'ping', data: {} }));
    expect(await c.closed).toBe(4029);
    // At most the burst was handled (the close may come before its answers are written).
    expect(c.messages.length).toBeLessThanOrEqual(3);
  });

  it('bounds a data-sync flood: dropped frames build no payload', async () => {
    const k = await start({
      rateLimits: { connectionFramesPerSecond: 1, connectionBurst: 5, closeAfterDropped: 40 },
    });
    const c = featbit(k);
    await c.opened;
    const sync = JSON.stringify({ messageType: 'data-sync', data: { timestamp: 0 } });
    for (let i = 0; i < 50; i++) c.ws.send(sync);
    expect(await c.closed).toBe(4029);
    const port = Number(new URL(k.url).port);
    const full = 'vane_els_featbit_syncs_total{type="server",event="full"}';
    // At most the burst (5) of the 50 requests produced a payload.
    expect(await metricValue(port, full)).toBeLessThanOrEqual(5);
    expect(c.messages.length).toBeLessThanOrEqual(5);
  });
});

// Opens an OFREP event stream of the kit's environment; resolves with the HTTP status.
async function sseStatus(k: CompatFixture): Promise<number> {
  const bulk = await fetch(`${k.url}/ofrep/v1/evaluate/flags`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': k.serverSecret },
    body: JSON.stringify({ context: { targetingKey: 'u' } }),
  });
  const body = (await bulk.json()) as { eventStreams: { endpoint: { requestUri: string } }[] };
  const uri = body.eventStreams[0]?.endpoint.requestUri ?? '';
  const controller = new AbortController();
  const res = await fetch(`${k.url}${uri}`, { signal: controller.signal });
  controller.abort();
  return res.status;
}
