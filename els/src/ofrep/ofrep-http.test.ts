// OFREP against an in-process ELS with fetch: every response is validated against the vendored
// OFREP OpenAPI document; auth, reasons, errors, ETag/304, CORS, 429 and the SSE stream.
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompatFixture } from '../featbit/testing/compat-fixture.js';
import type { CompatFixture } from '../featbit/testing/compat-fixture.js';
import { ofrepResponseErrors } from './ofrep-openapi.js';

let kit: CompatFixture;

beforeAll(async () => {
  kit = await startCompatFixture({ ofrep: { rateLimit: 1000 } });
});
afterAll(() => kit.stop());

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function ofrep(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'x-api-key': kit.serverSecret },
): Promise<Reply> {
  const res = await fetch(`${kit.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (res.status !== 413) {
    expect(ofrepResponseErrors(path, 'POST', res.status, parsed)).toEqual([]);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

const ctx = (targetingKey: string, extra: Record<string, unknown> = {}) => ({
  context: { targetingKey, ...extra },
});

describe('OFREP single-flag evaluation', () => {
  it('returns typed values, variants and OpenFeature reasons', async () => {
    const user = ctx('u-7', { country: 'DE', plan: 'free', age: 20, email: 'u7@example.com' });
    const single = async (key: string) =>
      (await ofrep(`/ofrep/v1/evaluate/flags/${key}`, user)).body;
    expect(await single('beta')).toMatchObject({
      key: 'beta',
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      metadata: { reason: 'targeted', variationId: 'f-beta-on' },
    });
    expect(await single('killswitch')).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(await single('simple')).toMatchObject({ value: true, reason: 'STATIC' });
    expect(await single('config')).toMatchObject({ value: { theme: 'dark', size: 3 } });
    const color = (await single('color')) as { value: string; reason: string };
    expect(['red', 'yellow']).toContain(color.value);
    expect(color.reason).toBe('SPLIT');
    const limit = (await single('limit')) as { value: number };
    expect([10, 20, 30.5]).toContain(limit.value);
    expect(
      (await ofrep('/ofrep/v1/evaluate/flags/color', ctx('u-1', { country: 'FR' }))).body,
    ).toMatchObject({ value: 'blue', reason: 'TARGETING_MATCH', metadata: { reason: 'french' } });
  });

  it('accepts X-API-Key and Authorization: Bearer; 401 without or with an unknown key', async () => {
    const path = '/ofrep/v1/evaluate/flags/simple';
    expect(
      (await ofrep(path, ctx('a'), { authorization: `Bearer ${kit.clientSecret}` })).status,
    ).toBe(200);
    expect((await ofrep(path, ctx('a'), { 'x-api-key': kit.clientSecret })).status).toBe(200);
    expect((await ofrep(path, ctx('a'), {})).status).toBe(401);
    expect((await ofrep(path, ctx('a'), { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await ofrep(path, ctx('a'), { authorization: kit.serverSecret })).status).toBe(401);
  });

  it('maps errors: 404 FLAG_NOT_FOUND, 400 TARGETING_KEY_MISSING / INVALID_CONTEXT / PARSE_ERROR', async () => {
    expect(await ofrep('/ofrep/v1/evaluate/flags/nope', ctx('a'))).toMatchObject({
      status: 404,
      body: { key: 'nope', errorCode: 'FLAG_NOT_FOUND' },
    });
    expect(await ofrep('/ofrep/v1/evaluate/flags/simple', {})).toMatchObject({
      status: 400,
      body: { key: 'simple', errorCode: 'TARGETING_KEY_MISSING' },
    });
    expect(await ofrep('/ofrep/v1/evaluate/flags/simple', { context: 'x' })).toMatchObject({
      status: 400,
      body: { errorCode: 'INVALID_CONTEXT' },
    });
    expect(
      await ofrep('/ofrep/v1/evaluate/flags/simple', { context: { targetingKey: 5 } }),
    ).toMatchObject({ status: 400, body: { errorCode: 'INVALID_CONTEXT' } });
    expect(await ofrep('/ofrep/v1/evaluate/flags/simple', '{"context":')).toMatchObject({
      status: 400,
      body: { key: 'simple', errorCode: 'PARSE_ERROR' },
    });
    expect(await ofrep('/ofrep/v1/evaluate/flags', '{"context":')).toMatchObject({
      status: 400,
      body: { errorCode: 'PARSE_ERROR' },
    });
    // A 10 KB body nested 5,000 deep is bad input (400), not a crash (it was a 500).
    const deep = `{"context":{"targetingKey":"d","x":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    expect(deep.length).toBeGreaterThan(10_000);
    expect(await ofrep('/ofrep/v1/evaluate/flags/simple', deep)).toMatchObject({
      status: 400,
      body: { key: 'simple', errorCode: 'PARSE_ERROR' },
    });
    expect(await ofrep('/ofrep/v1/evaluate/flags', deep)).toMatchObject({
      status: 400,
      body: { errorCode: 'PARSE_ERROR' },
    });
    // Brackets inside strings are text, not nesting.
    expect(
      await ofrep('/ofrep/v1/evaluate/flags/simple', ctx('d', { x: '['.repeat(2000) })),
    ).toMatchObject({ status: 200 });
    const big = await ofrep(
      '/ofrep/v1/evaluate/flags/simple',
      ctx('a', { pad: 'x'.repeat(70_000) }),
    );
    expect(big.status).toBe(413);
  });
});

describe('OFREP bulk evaluation', () => {
  it('sends every flag with a per-context ETag, answers 304, and changes the ETag on change', async () => {
    const path = '/ofrep/v1/evaluate/flags';
    const first = await ofrep(path, ctx('bulk-1', { country: 'FR' }));
    expect(first.status).toBe(200);
    const body = first.body as { flags: { key: string }[]; eventStreams: unknown[] };
    expect(body.flags.map((f) => f.key).sort()).toEqual([
      'beta',
      'color',
      'config',
      'killswitch',
      'limit',
      'simple',
    ]);
    expect(body.eventStreams).toHaveLength(1);
    expect(body.eventStreams[0]).toMatchObject({ type: 'sse', inactivityDelaySec: 120 });
    expect(JSON.stringify(body.eventStreams[0])).toMatch(
      /"requestUri":"\/ofrep\/v1\/events\?token=/,
    );
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await ofrep(path, ctx('bulk-1', { country: 'FR' }), {
      'x-api-key': kit.serverSecret,
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const other = await ofrep(path, ctx('bulk-1', { country: 'DE' }), {
      'x-api-key': kit.serverSecret,
      'if-none-match': etag,
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);

    const config = kit.flags.find((f) => f.key === 'config');
    if (!config) throw new Error('fixture');
    kit.publishFlag({ ...config, isEnabled: false });
    await expect
      .poll(
        async () =>
          (
            await ofrep(path, ctx('bulk-1', { country: 'FR' }), {
              'x-api-key': kit.serverSecret,
              'if-none-match': etag,
            })
          ).status,
      )
      .toBe(200);
    kit.publishFlag(config);
  });

  it('answers CORS preflights and exposes ETag', async () => {
    const pre = await fetch(`${kit.url}/ofrep/v1/evaluate/flags`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,if-none-match,x-api-key',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['content-type', 'if-none-match', 'authorization', 'x-api-key']) {
      expect(allowed).toContain(h);
    }
    const res = await ofrep('/ofrep/v1/evaluate/flags', ctx('c'), {
      'x-api-key': kit.clientSecret,
      origin: 'http://app.example',
    });
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
  });
});

describe('OFREP limits and events', () => {
  it('answers 429 with Retry-After when the rate limit is reached', async () => {
    const limited = await startCompatFixture({ ofrep: { rateLimit: 2, rateWindowMs: 60_000 } });
    try {
      const call = () =>
        fetch(`${limited.url}/ofrep/v1/evaluate/flags/simple`, {
          method: 'POST',
          headers: { 'x-api-key': limited.serverSecret, 'content-type': 'application/json' },
          body: JSON.stringify(ctx('r')),
        });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(
        ofrepResponseErrors('/ofrep/v1/evaluate/flags/simple', 'POST', 429, undefined),
      ).toEqual([]);
      const retry = Number(refused.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
    } finally {
      await limited.stop();
    }
  });

  it('streams refetchEvaluation over SSE when a flag changes; 401 for a forged token', async () => {
    const bulk = await ofrep('/ofrep/v1/evaluate/flags', ctx('sse'));
    const uri = (bulk.body as { eventStreams: { endpoint: { requestUri: string } }[] })
      .eventStreams[0]?.endpoint.requestUri;
    const forged = await fetch(`${kit.url}${(uri ?? '').slice(0, -3)}abc`);
    expect(forged.status).toBe(401);
    let text = '';
    const req = get(`${kit.url}${uri ?? ''}`);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const readUntil = (needle: string) => expect.poll(() => text.includes(needle)).toBe(true);
    await readUntil(': connected');
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    const version = kit.publishFlag({ ...simple, name: 'renamed' });
    await readUntil('refetchEvaluation');
    const event = /id: (\d+)\nevent: message\ndata: (.*)\n\n/.exec(text);
    expect(event?.[1]).toBe(String(version));
    expect(JSON.parse(event?.[2] ?? '{}')).toEqual({
      type: 'refetchEvaluation',
      etag: String(version),
      lastModified: Math.floor(version / 1000),
    });
    req.destroy();
  });
});

describe('OFREP event streams and secret revocation', () => {
  it('gives one stream URL per secret, closes open streams when it is revoked, and opens none after', async () => {
    const revocable = await startCompatFixture({ secretCacheMs: 0, secretRecheckMs: 50 });
    try {
      const uriFor = async (secret: string): Promise<string> => {
        const res = await fetch(`${revocable.url}/ofrep/v1/evaluate/flags`, {
          method: 'POST',
          headers: { 'x-api-key': secret, 'content-type': 'application/json' },
          body: JSON.stringify(ctx('rev')),
        });
        const body = (await res.json()) as { eventStreams: { endpoint: { requestUri: string } }[] };
        return body.eventStreams[0]!.endpoint.requestUri;
      };
      const uri = await uriFor(revocable.clientSecret);
      // The same secret gets the same URL (providers keep their stream); another secret another.
      expect(await uriFor(revocable.clientSecret)).toBe(uri);
      expect(await uriFor(revocable.serverSecret)).not.toBe(uri);
      // The token carries the secret sealed, never in clear.
      expect(uri).not.toContain(revocable.clientSecret);
      const req = get(`${revocable.url}${uri}`);
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
      });
      expect(res.statusCode).toBe(200);
      const ended = new Promise<void>((resolve) => {
        res.on('end', resolve);
        res.on('close', resolve);
      });
      res.resume();
      revocable.source.removeSecret(revocable.clientSecret);
      await ended;
      const again = await fetch(`${revocable.url}${uri}`);
      expect(again.status).toBe(401);
      expect(await again.text()).toBe('secret revoked\n');
    } finally {
      await revocable.stop();
    }
  });
});

describe('OFREP end users', () => {
  it('publishes the evaluated context as an end user', async () => {
    await ofrep('/ofrep/v1/evaluate/flags/simple', ctx('ofrep-user', { plan: 'pro', seats: 3 }));
    await expect
      .poll(() => kit.endUsers().find((e) => e.user?.keyId === 'ofrep-user')?.user)
      .toEqual({
        keyId: 'ofrep-user',
        name: '',
        customProperties: [
          { name: 'plan', value: 'pro' },
          { name: 'seats', value: '3' },
        ],
      });
  });
});

describe('OFREP metrics', () => {
  it('counts requests by endpoint and status', async () => {
    await ofrep('/ofrep/v1/evaluate/flags/simple', ctx('m'));
    await ofrep('/ofrep/v1/evaluate/flags/nope', ctx('m'));
    await expect
      .poll(async () => (await fetch(`${kit.url}/metrics`)).text())
      .toMatch(/^vane_els_ofrep_requests_total\{endpoint="single",status="404"\} [1-9]\d*$/m);
    const text = await (await fetch(`${kit.url}/metrics`)).text();
    expect(text).toMatch(
      /^vane_els_ofrep_requests_total\{endpoint="single",status="200"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^vane_els_ofrep_streams \d+$/m);
  });
});
