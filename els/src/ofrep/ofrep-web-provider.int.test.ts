// The published `@openfeature/ofrep-web-provider` with `@openfeature/web-sdk` (bundled unmodified
// with esbuild) in real Chromium against ELS's OFREP endpoints, cross-origin: bulk evaluation,
// a flag change delivered through the SSE `eventStreams` entry (`refetchEvaluation`), and the
// ETag/304 path when a change does not alter this context's results.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompatFixture } from '../featbit/testing/compat-fixture.js';
import type { CompatFixture } from '../featbit/testing/compat-fixture.js';
import { openBrowserPage } from '../featbit/testing/browser-page.js';
import type { BrowserPage } from '../featbit/testing/browser-page.js';

const ENTRY = `
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
globalThis.changes = 0;
globalThis.startOfrep = async (baseUrl, apiKey, context) => {
  await OpenFeature.setContext(context);
  OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, () => { globalThis.changes++; });
  await OpenFeature.setProviderAndWait(
    new OFREPWebProvider({ baseUrl, headers: [['X-API-Key', apiKey]], cacheMode: 'disabled' }),
  );
  globalThis.client = OpenFeature.getClient();
  return true;
};
`;

interface OfWindow {
  changes: number;
  client: {
    getBooleanValue(k: string, d: boolean): boolean;
    getStringValue(k: string, d: string): string;
    getNumberValue(k: string, d: number): number;
    getObjectValue(k: string, d: object): unknown;
    getStringDetails(k: string, d: string): { reason?: string; variant?: string };
  };
  startOfrep(url: string, key: string, ctx: Record<string, unknown>): Promise<boolean>;
}

let kit: CompatFixture;
let browser: BrowserPage;
const requests: string[] = [];
const bulkStatuses: number[] = [];

beforeAll(async () => {
  kit = await startCompatFixture();
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  browser = await openBrowserPage({
    '/': {
      type: 'text/html',
      body: '<!doctype html><html><head><script src="/app.js"></script></head><body></body></html>',
    },
    '/app.js': {
      type: 'text/javascript',
      body: Buffer.from(bundled.outputFiles[0]?.contents ?? []),
    },
  });
  browser.page.on('request', (r: Request) => requests.push(`${r.method()} ${r.url()}`));
  browser.page.on('response', (r: Response) => {
    if (r.url().includes('/ofrep/v1/evaluate/flags') && r.request().method() === 'POST') {
      bulkStatuses.push(r.status());
    }
  });
});

afterAll(async () => {
  await browser?.close();
  await kit?.stop();
});

describe('@openfeature/ofrep-web-provider in Chromium against ELS', () => {
  it('evaluates the bulk result for its context', async () => {
    const started = await browser.page.evaluate(
      ([url, key]) =>
        (globalThis as unknown as OfWindow).startOfrep(url, key, {
          targetingKey: 'u-40',
          country: 'FR',
          plan: 'free',
          age: 70,
          email: 'x@example.com',
        }),
      [kit.url, kit.clientSecret] as const,
    );
    expect(started).toBe(true);
    const values = await browser.page.evaluate(() => {
      const c = (globalThis as unknown as OfWindow).client;
      return {
        color: c.getStringValue('color', 'none'),
        colorDetails: c.getStringDetails('color', 'none'),
        beta: c.getBooleanValue('beta', true),
        limit: c.getNumberValue('limit', -1),
        config: c.getObjectValue('config', {}),
      };
    });
    expect(values).toMatchObject({
      color: 'blue',
      colorDetails: { reason: 'TARGETING_MATCH', variant: 'blue' },
      beta: false,
      limit: 100,
      config: { theme: 'dark', size: 3 },
    });
    expect(bulkStatuses).toEqual([200]);
    await expect.poll(() => requests.some((r) => r.includes('/ofrep/v1/events?token='))).toBe(true);
  });

  it('receives a change through SSE and re-fetches', async () => {
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.publishFlag({ ...simple, isEnabled: false });
    await expect
      .poll(() =>
        browser.page.evaluate(() =>
          (globalThis as unknown as OfWindow).client.getBooleanValue('simple', true),
        ),
      )
      .toBe(false);
    // The re-fetch carries the event's freshness hints (ADR-0008), so it came from SSE.
    expect(requests.some((r) => r.startsWith('POST') && r.includes('flagConfigEtag='))).toBe(true);
    expect(await browser.page.evaluate(() => (globalThis as unknown as OfWindow).changes)).toBe(1);
  });

  it('takes the 304 path when a change leaves its results as they were', async () => {
    const before = bulkStatuses.length;
    const beta = kit.flags.find((f) => f.key === 'beta');
    if (!beta) throw new Error('fixture');
    kit.publishFlag({ ...beta, description: 'only the description changed' });
    await expect.poll(() => bulkStatuses.slice(before)).toEqual([304]);
    expect(await browser.page.evaluate(() => (globalThis as unknown as OfWindow).changes)).toBe(1);
    expect(
      await browser.page.evaluate(() =>
        (globalThis as unknown as OfWindow).client.getBooleanValue('simple', true),
      ),
    ).toBe(false);
  });
});
