// The published `@openfeature/ofrep-provider` (Node, with `@openfeature/server-sdk`), unmodified,
// against ELS's OFREP endpoints: typed evaluation with reasons and variants, errors mapped to
// OpenFeature error codes, a flag change seen by the next evaluation, and 429 + Retry-After
// honoured (the provider pauses). This provider evaluates one flag per call (dynamic context),
// so it has no ETag or event stream; those are exercised by the web provider in Chromium.
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type { Client } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompatFixture } from '../featbit/testing/compat-fixture.js';
import type { CompatFixture } from '../featbit/testing/compat-fixture.js';

let kit: CompatFixture;
let client: Client;

beforeAll(async () => {
  kit = await startCompatFixture({ ofrep: { rateLimit: 200, rateWindowMs: 60_000 } });
  await OpenFeature.setProviderAndWait(
    'vane',
    new OFREPProvider({ baseUrl: kit.url, headers: [['X-API-Key', kit.serverSecret]] }),
  );
  client = OpenFeature.getClient('vane');
});

afterAll(async () => {
  await OpenFeature.close();
  await kit.stop();
});

const fr = { targetingKey: 'u-1', country: 'FR', plan: 'free', age: 30, email: 'a@example.com' };

describe('@openfeature/ofrep-provider against ELS', () => {
  it('evaluates booleans, strings, numbers and objects with variants and reasons', async () => {
    expect(
      await client.getBooleanDetails('beta', false, { ...fr, targetingKey: 'u-7' }),
    ).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      flagMetadata: { reason: 'targeted', variationId: 'f-beta-on' },
    });
    expect(await client.getStringDetails('color', 'none', fr)).toMatchObject({
      value: 'blue',
      reason: 'TARGETING_MATCH',
    });
    expect(await client.getBooleanDetails('killswitch', true, fr)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    const limit = await client.getNumberValue('limit', -1, {
      ...fr,
      targetingKey: 'u-40',
      age: 70,
    });
    expect(limit).toBe(100);
    expect(await client.getObjectValue('config', {}, fr)).toEqual({ theme: 'dark', size: 3 });
  });

  it('maps errors to OpenFeature error codes and returns the default', async () => {
    expect(await client.getBooleanDetails('missing', true, fr)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getBooleanDetails('simple', false, {})).toMatchObject({
      value: false,
      errorCode: 'TARGETING_KEY_MISSING',
    });
    expect(await client.getNumberDetails('simple', 7, fr)).toMatchObject({
      value: 7,
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('sees a flag change on the next evaluation', async () => {
    expect(await client.getBooleanValue('simple', false, fr)).toBe(true);
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.publishFlag({ ...simple, isEnabled: false });
    await expect.poll(() => client.getBooleanValue('simple', true, fr)).toBe(false);
    kit.publishFlag(simple);
  });

  it('pauses after 429 until Retry-After', async () => {
    const limited = await startCompatFixture({ ofrep: { rateLimit: 1, rateWindowMs: 60_000 } });
    try {
      await OpenFeature.setProviderAndWait(
        'limited',
        new OFREPProvider({ baseUrl: limited.url, headers: [['X-API-Key', limited.serverSecret]] }),
      );
      const c = OpenFeature.getClient('limited');
      expect(await c.getBooleanDetails('simple', false, fr)).toMatchObject({ value: true });
      const refused = await c.getBooleanDetails('simple', false, fr);
      expect(refused).toMatchObject({ value: false, errorCode: 'GENERAL' });
      const paused = await c.getBooleanDetails('simple', false, fr);
      expect(paused.errorMessage).toMatch(/paused due to TooManyRequests until/);
    } finally {
      await limited.stop();
    }
  });
});
