// FeatBit's protocol against an in-process ELS, with a raw `ws` client and fetch: handshake and
// close codes, frames, data-sync, pushes, the HTTP endpoints and their bad-input paths.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { EnvironmentSource } from '../environments/environment-source.js';
import { SourceUnavailableError } from '../environments/environment-source.js';
import {
  COMPAT_ENV,
  betaSegment,
  featbitSecret,
  startCompatFixture,
} from './testing/compat-fixture.js';
import type { CompatFixture } from './testing/compat-fixture.js';

const require = createRequire(import.meta.url);
const { generateConnectionToken } =
  require('@featbit/node-server-sdk/dist/cjs/data-sync/utils.js') as {
    generateConnectionToken: (secret: string) => string;
  };

interface Msg {
  messageType: string;
  data: Record<string, unknown> & {
    eventType?: string;
    featureFlags?: Record<string, unknown>[];
    segments?: Record<string, unknown>[];
    userKeyId?: string;
  };
}

class Client {
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse((data as Buffer).toString('utf8')) as Msg);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(messageType: string, data: unknown): void {
    this.ws.send(JSON.stringify({ messageType, data }));
  }

  async next(predicate: (m: Msg) => boolean = () => true, ms = 3000): Promise<Msg> {
    const found = await vi.waitFor(
      () => {
        const match = this.messages.find(predicate);
        if (!match) throw new Error('no matching message');
        return match;
      },
      { timeout: ms, interval: 10 },
    );
    this.messages.splice(this.messages.indexOf(found), 1);
    return found;
  }
}

let kit: CompatFixture;
let ws: string;
const clients: Client[] = [];
const open = async (type: string, secret: string, token?: string): Promise<Client> => {
  const c = await Client.open(
    `${ws}/streaming?type=${type}&token=${token ?? generateConnectionToken(secret)}`,
  );
  clients.push(c);
  return c;
};

beforeAll(async () => {
  kit = await startCompatFixture({ featbit: { maxFrameBytes: 4096, maxMalformedFrames: 3 } });
  ws = kit.url.replace('http', 'ws');
});

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await kit.stop();
});

describe('FeatBit streaming handshake', () => {
  it.each([
    ['no type', (s: string) => `token=${generateConnectionToken(s)}`],
    ['relay-proxy type', (s: string) => `type=relay-proxy&token=${generateConnectionToken(s)}`],
    ['no token', () => 'type=server'],
    ['a malformed token', () => 'type=server&token=not-a-token'],
    [
      'an unknown secret',
      () => `type=server&token=${generateConnectionToken(featbitSecret(COMPAT_ENV))}`,
    ],
    [
      'a client secret on type=server',
      (_s: string) => `type=server&token=${generateConnectionToken(kit.clientSecret)}`,
    ],
    ['a token 10 minutes old', (s: string) => `type=server&token=${oldToken(s, 600_000)}`],
  ])('accepts, then closes 4003 for %s', async (_name, query) => {
    const c = await Client.open(`${ws}/streaming?${query(kit.serverSecret)}`);
    expect((await c.closed).code).toBe(4003);
  });

  it('closes 1011 (the SDK reconnects) when the secret store is down', async () => {
    const failing: EnvironmentSource = {
      findSecret: () => Promise.reject(new SourceUnavailableError('down')),
      loadEnvironment: () => Promise.reject(new SourceUnavailableError('down')),
      ping: () => Promise.reject(new SourceUnavailableError('down')),
    };
    const { startEls } = await import('../els-server.js');
    const { MemoryChangeFeed } = await import('../sync/change-feed.js');
    const { MemoryBroker } = await import('@vane/server-kit');
    const { pino } = await import('pino');
    const els = await startEls(
      {
        source: failing,
        feed: new MemoryChangeFeed(new MemoryBroker()),
        logger: pino({ level: 'silent' }),
      },
      { port: 0 },
    );
    try {
      const c = await Client.open(
        `ws://127.0.0.1:${els.port}/streaming?type=server&token=${generateConnectionToken(kit.serverSecret)}`,
      );
      expect(await c.closed).toEqual({ code: 1011, reason: 'flag store unavailable' });
      const res = await fetch(`http://127.0.0.1:${els.port}/api/public/sdk/server/latest-all`, {
        headers: { authorization: kit.serverSecret },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await els.stop();
    }
  });
});

// A token whose time is `ageMs` in the past (the SDK's algorithm, restated, with a fixed time).
function oldToken(secret: string, ageMs: number): string {
  const letters = 'QBWSPHDXZU';
  const enc = (n: number, len: number) =>
    `000000000000${n}`
      .slice(-len)
      .split('')
      .map((d) => letters[Number(d)])
      .join('');
  const ts = String(Date.now() - ageMs);
  return `${enc(3, 3)}${enc(ts.length, 2)}${secret.slice(0, 3)}${enc(Number(ts), ts.length)}${secret.slice(3)}`;
}

describe('FeatBit streaming frames', () => {
  it('answers ping with pong {} and echoes echo', async () => {
    const c = await open('server', kit.serverSecret);
    c.send('ping', null);
    expect(await c.next()).toEqual({ messageType: 'pong', data: {} });
    c.send('ECHO', { hello: 1 });
    expect(await c.next()).toEqual({ messageType: 'echo', data: { hello: 1 } });
  });

  it('sends a server FULL in FeatBit JSON for timestamp 0, and a PATCH for any other cursor', async () => {
    const c = await open('server', kit.serverSecret);
    c.send('data-sync', { timestamp: 0 });
    const full = await c.next();
    expect(full.messageType).toBe('data-sync');
    expect(full.data.eventType).toBe('full');
    const flags = full.data.featureFlags ?? [];
    expect(flags.map((f) => f.key).sort()).toEqual(
      ['beta', 'color', 'config', 'killswitch', 'limit', 'simple'].sort(),
    );
    const color = flags.find((f) => f.key === 'color');
    expect(color).toMatchObject({
      id: 'f-color',
      envId: COMPAT_ENV,
      variationType: 'string',
      isEnabled: true,
      isArchived: false,
      exptIncludeAllTargets: false,
      fallthrough: { dispatchKey: null, includedInExpt: true },
    });
    expect(typeof color?.updatedAt).toBe('string');
    expect(full.data.segments?.[0]).toMatchObject({ id: 'seg-beta', included: ['u-1', 'u-2'] });
    const newest = Math.max(
      ...flags.map((f) => Date.parse(String(f.updatedAt))),
      ...(full.data.segments ?? []).map((s) => Date.parse(String(s.updatedAt))),
    );
    // FeatBit's server answers every non-zero cursor with a PATCH: one ahead of the server gets
    // an empty one (a FULL would be refused by the SDKs, as not newer than what they hold).
    c.send('data-sync', { timestamp: newest + 60_000 });
    const ahead = await c.next();
    expect(ahead.data).toEqual({ eventType: 'patch', featureFlags: [], segments: [] });
    c.send('data-sync', { timestamp: newest - 1 });
    const behind = await c.next();
    expect(behind.data.eventType).toBe('patch');
    expect(behind.data.featureFlags?.length).toBeLessThanOrEqual(1);
    expect(
      [...(behind.data.featureFlags ?? []), ...(behind.data.segments ?? [])].map((i) =>
        Date.parse(String(i.updatedAt)),
      ),
    ).toEqual([newest]);
  });

  it('answers a data-sync with the current version with an empty PATCH', async () => {
    const c = await open('client', kit.clientSecret);
    const user = { keyId: 'u-1', name: 'u', customizedProperties: [] };
    c.send('data-sync', { timestamp: 0, user });
    const full = await c.next();
    const version = Math.max(...(full.data.featureFlags ?? []).map((f) => Number(f.timestamp)));
    c.send('data-sync', { timestamp: version, user });
    expect((await c.next()).data).toEqual({
      eventType: 'patch',
      userKeyId: 'u-1',
      featureFlags: [],
    });
  });

  it('ignores malformed frames, then closes 4003 after too many', async () => {
    const c = await open('server', kit.serverSecret);
    c.ws.send('{not json');
    c.ws.send(JSON.stringify({ messageType: 'ping' }));
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send('ping', null);
    expect(await c.next()).toEqual({ messageType: 'pong', data: {} });
    c.ws.send('[]');
    expect((await c.closed).code).toBe(4003);
  });

  it('closes 1009 on an oversized frame', async () => {
    const c = await open('server', kit.serverSecret);
    c.send('data-sync', { timestamp: 0, padding: 'x'.repeat(8000) });
    expect((await c.closed).code).toBe(1009);
  });

  it('closes 4003 when a client data-sync has no valid user', async () => {
    const c = await open('client', kit.clientSecret);
    c.send('data-sync', { timestamp: 0, user: { keyId: '  ' } });
    const closed = await c.closed;
    expect(closed.code).toBe(4003);
    expect(closed.reason).toContain('keyId');
  });
});

describe('FeatBit pushes', () => {
  it('pushes flag and segment changes, and an archived PATCH or "flag archived" on deletion', async () => {
    const server = await open('server', kit.serverSecret);
    const client = await open('client', kit.clientSecret);
    server.send('data-sync', { timestamp: 0 });
    await server.next();
    const user = {
      keyId: 'u-9',
      name: 'nine',
      customizedProperties: [{ name: 'email', value: 'x@y.z' }],
    };
    client.send('data-sync', { timestamp: 0, user });
    const full = await client.next();
    expect(full.data.userKeyId).toBe('u-9');
    expect(full.data.featureFlags?.find((f) => f.id === 'beta')).toMatchObject({
      variation: 'false',
      matchReason: 'default',
      variationOptions: [
        { id: 'f-beta-on', value: 'true' },
        { id: 'f-beta-off', value: 'false' },
      ],
    });

    kit.publishSegment(betaSegment(0, ['u-1', 'u-2', 'u-9']), ['f-beta']);
    const segPush = await server.next();
    expect(segPush.data).toMatchObject({ eventType: 'patch', featureFlags: [] });
    expect(segPush.data.segments?.[0]?.included).toEqual(['u-1', 'u-2', 'u-9']);
    const clientPush = await client.next();
    expect(clientPush.data).toMatchObject({ eventType: 'patch', userKeyId: 'u-9' });
    expect(clientPush.data.featureFlags).toEqual([
      expect.objectContaining({ id: 'beta', variation: 'true', matchReason: 'beta segment' }),
    ]);

    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.publishFlag({ ...simple, isEnabled: false });
    const flagPush = await server.next();
    expect(flagPush.data.featureFlags?.map((f) => [f.key, f.isEnabled])).toEqual([
      ['simple', false],
    ]);
    expect((await client.next()).data.featureFlags).toEqual([
      expect.objectContaining({ id: 'simple', variation: 'false', matchReason: 'flag disabled' }),
    ]);

    const deletedAt = kit.publishFlag(simple, true);
    const afterDelete = await server.next();
    // FeatBit has no delete event: the deletion is a PATCH with the flag archived, newer.
    expect(afterDelete.data).toMatchObject({ eventType: 'patch', segments: [] });
    expect(afterDelete.data.featureFlags).toEqual([
      expect.objectContaining({
        id: simple.id,
        key: 'simple',
        isArchived: true,
        updatedAt: new Date(deletedAt).toISOString(),
      }),
    ]);
    expect((await client.next()).data.featureFlags).toEqual([
      expect.objectContaining({
        id: 'simple',
        variation: null,
        variationId: null,
        matchReason: 'flag archived',
      }),
    ]);
  });
});

describe('FeatBit secret revocation', () => {
  it('closes open connections with 4003 once their secret is revoked', async () => {
    const revocable = await startCompatFixture({
      secretCacheMs: 0,
      secretRecheckMs: 50,
    });
    try {
      const c = await Client.open(
        `${revocable.url.replace('http', 'ws')}/streaming?type=client&token=${generateConnectionToken(revocable.clientSecret)}`,
      );
      c.send('data-sync', { timestamp: 0, user: { keyId: 'r' } });
      await c.next();
      c.send('ping', null);
      expect(await c.next()).toEqual({ messageType: 'pong', data: {} });
      revocable.source.removeSecret(revocable.clientSecret);
      expect(await c.closed).toEqual({ code: 4003, reason: 'secret revoked' });
    } finally {
      await revocable.stop();
    }
  });
});

describe('FeatBit HTTP endpoints', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${kit.url}${path}`, { headers });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${kit.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('serves server latest-all: FULL, then an empty 200 when nothing changed, without ETag', async () => {
    const res = await get('/api/public/sdk/server/latest-all?timestamp=0', {
      authorization: kit.serverSecret,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeNull();
    const body = (await res.json()) as Msg;
    expect(body.messageType).toBe('data-sync');
    expect(body.data.eventType).toBe('full');
    const client = await open('client', kit.clientSecret);
    client.send('data-sync', { timestamp: 0, user: { keyId: 'v' } });
    const version = Math.max(
      ...((await client.next()).data.featureFlags ?? []).map((f) => Number(f.timestamp)),
    );
    const empty = await get(`/api/public/sdk/server/latest-all?timestamp=${version}`, {
      authorization: kit.serverSecret,
    });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('refuses missing, unknown and wrong-kind secrets', async () => {
    expect((await get('/api/public/sdk/server/latest-all')).status).toBe(401);
    expect((await get('/api/public/sdk/server/latest-all', { authorization: 'nope' })).status).toBe(
      401,
    );
    expect(
      (await get('/api/public/sdk/server/latest-all', { authorization: kit.clientSecret })).status,
    ).toBe(403);
    expect(
      (await post('/api/public/sdk/client/latest-all', '{}', { authorization: kit.serverSecret }))
        .status,
    ).toBe(403);
    expect((await post('/api/public/sdk/server/latest-all', '')).status).toBe(405);
  });

  it('evaluates client latest-all for the posted user; 400 for a bad user or bad JSON', async () => {
    const res = await post(
      '/api/public/sdk/client/latest-all?timestamp=0',
      JSON.stringify({ keyId: 'u-7', name: 'seven', customizedProperties: [] }),
      { authorization: kit.clientSecret },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Msg;
    expect(body.data.userKeyId).toBe('u-7');
    expect(body.data.featureFlags?.find((f) => f.id === 'beta')).toMatchObject({
      variation: 'true',
      matchReason: 'targeted',
    });
    const bad = await post('/api/public/sdk/client/latest-all', '{"keyId":""}', {
      authorization: kit.clientSecret,
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      success: false,
      errors: ['user.keyId must be a non-blank string'],
    });
    const notJson = await post('/api/public/sdk/client/latest-all', '{oops', {
      authorization: kit.clientSecret,
    });
    expect(notJson.status).toBe(400);
  });

  it('publishes tracked insights to the insight and end-user topics; skips invalid items', async () => {
    const before = kit.insights().length;
    const payload = [
      {
        user: {
          keyId: 'track-1',
          name: 'T',
          customizedProperties: [{ name: 'plan', value: 'pro' }],
        },
        variations: [
          {
            featureFlagKey: 'beta',
            sendToExperiment: true,
            timestamp: 1_700_000_000_000,
            variation: { id: 'f-beta-on', value: 'true' },
          },
          { featureFlagKey: '', variation: {} },
        ],
      },
      {
        user: { keyId: 'track-1', name: 'T', customizedProperties: [] },
        metrics: [
          {
            route: 'index/metric',
            timestamp: 1_700_000_000_001,
            numericValue: 2.5,
            appType: 'NodeJS-Server-SDK',
            eventName: 'checkout',
            type: 'CustomEvent',
          },
        ],
      },
      { user: { keyId: '' }, variations: [] },
      'garbage',
    ];
    const res = await post('/api/public/insight/track', JSON.stringify(payload), {
      authorization: kit.serverSecret,
    });
    expect(res.status).toBe(200);
    await expect.poll(() => kit.insights().length).toBe(before + 2);
    const added = kit.insights().slice(before);
    expect(added[0]?.kind).toMatchObject({
      $case: 'flagEvaluation',
      value: {
        flagKey: 'beta',
        variationId: 'f-beta-on',
        sendToExperiment: true,
        userKeyId: 'track-1',
      },
    });
    expect(added[0]?.timestamp?.getTime()).toBe(1_700_000_000_000);
    expect(added[1]?.kind).toMatchObject({
      $case: 'metric',
      value: { eventName: 'checkout', numericValue: 2.5, userKeyId: 'track-1' },
    });
    expect(kit.endUsers().some((e) => e.user?.keyId === 'track-1' && e.envId === COMPAT_ENV)).toBe(
      true,
    );
  });

  it('answers 413 to an oversized track body and 204 to a CORS preflight', async () => {
    const big = JSON.stringify([
      { user: { keyId: 'x' }, metrics: [], pad: 'x'.repeat(5 * 1024 * 1024) },
    ]);
    const res = await post('/api/public/insight/track', big, { authorization: kit.serverSecret });
    expect(res.status).toBe(413);
    const deep = `[{"user":{"keyId":"x","customizedProperties":${'['.repeat(5000)}${']'.repeat(5000)}}}]`;
    const nested = await post('/api/public/insight/track', deep, {
      authorization: kit.serverSecret,
    });
    expect(nested.status).toBe(400);
    const pre = await fetch(`${kit.url}/api/public/insight/track`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
  });
});

describe('FeatBit metrics', () => {
  it('exposes connections, closes by code, syncs and HTTP requests on /metrics', async () => {
    const c = await open('server', kit.serverSecret);
    c.send('data-sync', { timestamp: 0 });
    await c.next();
    const text = await (await fetch(`${kit.url}/metrics`)).text();
    expect(Number(/^vane_els_featbit_connections (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^vane_els_featbit_closed_total\{code="4003"\} [1-9]\d*$/m);
    expect(text).toMatch(/^vane_els_featbit_syncs_total\{type="server",event="full"\} [1-9]\d*$/m);
    expect(text).toMatch(
      /^vane_els_featbit_http_requests_total\{endpoint="insight\/track",status="200"\} [1-9]\d*$/m,
    );
  });
});
