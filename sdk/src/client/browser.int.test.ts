// The browser SDK in real Chromium (playwright-core, Debian's chromium from the rig): a page
// loads the IIFE bundle, identifies a user, renders a flag, and shows it changing live when the
// flag changes in ELS (a real ELS, in-process). A reload while ELS is down renders from the cache.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureFlag } from '@vane/core';
import { chromiumPath } from '@vane/scripts/rig';
import { ElsHarness, HARNESS_ENV, boolFlag } from '../testing/els-harness.js';
import { bundleBrowserSdk } from './bundle.js';

const vipBanner: FeatureFlag = {
  id: 'id-banner',
  key: 'banner',
  variationType: 'string',
  variations: [
    { id: 'vip', value: 'Welcome back, VIP' },
    { id: 'plain', value: 'Hello' },
  ],
  isEnabled: true,
  disabledVariationId: 'plain',
  targetUsers: [{ keyIds: ['vip-user'], variationId: 'vip' }],
  rules: [],
  fallthrough: {
    includedInExpt: true,
    variations: [{ id: 'plain', rollout: [0, 1], exptRollout: 1 }],
  },
  exptIncludeAllTargets: false,
};

function page(elsUrl: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Vane browser SDK</title>
<script src="/vane-client.js"></script></head>
<body>
<p>state: <span id="state">loading</span></p>
<p>dark mode: <span id="dark-mode">?</span></p>
<p>banner: <span id="banner">?</span></p>
<script>
  const client = new Vane.VaneClient({
    secret: ${JSON.stringify(HARNESS_ENV.client)},
    url: ${JSON.stringify(elsUrl)},
    user: { keyId: 'anonymous-visitor' },
    reconnect: { initialDelayMs: 100, maxDelayMs: 500, goingAwayJitterMs: 100 },
    events: { flushIntervalMs: 200 },
  });
  const render = () => {
    document.getElementById('dark-mode').textContent = client.boolVariation('dark-mode', false) ? 'on' : 'off';
    document.getElementById('banner').textContent = client.stringVariation('banner', 'default');
  };
  render(); // from the localStorage cache on a reload, before any network
  client.on('state', (s) => { document.getElementById('state').textContent = s; });
  client.onFlagChange('dark-mode', render);
  client.onFlagChange('banner', render);
  window.vane = client;
  window.identified = client.identify({ keyId: 'vip-user', name: 'Vera', attributes: { plan: 'pro' } })
    .then(() => { render(); document.body.dataset.identified = 'yes'; });
</script></body></html>`;
}

// The golden vectors of FeatBit's .NET text semantics (core/vectors/v1.json): the browser sends
// each user's attributes (NULs, full-width digits, U+0085…) and renders what ELS evaluated.
interface VectorCase {
  name: string;
  flagKey: string;
  user: { keyId: string; customizedProperties?: { name: string; value: string }[] };
  expected: { value: string | null };
}
const TEXT_SUITES = [
  'operators/MatchRegex',
  'operators/NotMatchRegex',
  'operators/IsTrue',
  'operators/IsFalse',
  'operators/LessThan',
  'operators/BiggerThan',
];
const vectorSuites = (
  JSON.parse(readFileSync(new URL('../../../core/vectors/v1.json', import.meta.url), 'utf8')) as {
    suites: { name: string; flags: FeatureFlag[]; cases: VectorCase[] }[];
  }
).suites.filter((suite) => TEXT_SUITES.includes(suite.name));

let els: ElsHarness;
let http: Server;
let origin = '';
let browser: Browser;

beforeAll(async () => {
  els = await ElsHarness.start();
  els.seed(boolFlag('dark-mode', els.nextVersion()));
  els.seed({ ...vipBanner, version: els.nextVersion() });
  els.seed(boolFlag('esm-flag', els.nextVersion()));
  for (const suite of vectorSuites)
    for (const f of suite.flags) els.seed({ ...f, version: els.nextVersion() });
  const bundle = await bundleBrowserSdk('iife');
  const esm = await bundleBrowserSdk('esm');
  const html = page(els.url);
  const esmHtml = `<!doctype html><html><body><p id="dark-mode">?</p><script type="module">
    import { VaneClient } from '/vane-client.mjs';
    const client = new VaneClient({ secret: ${JSON.stringify(HARNESS_ENV.client)}, url: ${JSON.stringify(els.url)}, user: { keyId: 'esm-user' }, storage: null });
    await client.waitForReady(10000);
    document.getElementById('dark-mode').textContent = String(client.boolVariation('esm-flag', false));
  </script></body></html>`;
  http = createServer((req, res) => {
    if (req.url === '/vane-client.mjs') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(esm);
    } else if (req.url === '/vectors.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><body><script type="module">
    import { VaneClient } from '/vane-client.mjs';
    window.client = new VaneClient({ secret: ${JSON.stringify(HARNESS_ENV.client)}, url: ${JSON.stringify(els.url)}, user: { keyId: 'vectors' }, storage: null });
    await window.client.waitForReady(10000);
    document.body.dataset.ready = 'yes';
  </script></body></html>`);
    } else if (req.url === '/esm.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(esmHtml);
    } else if (req.url === '/vane-client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => http?.close(resolve));
  await els?.stop();
});

const text = (p: Page, id: string): Promise<string | null> => p.textContent(`#${id}`);

describe('browser SDK in Chromium', () => {
  it('identifies a user, renders their flags and shows a change live; a reload renders from cache', async () => {
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(origin);
      await p.waitForSelector('body[data-identified="yes"]', { timeout: 15_000 });
      expect(await text(p, 'state')).toBe('ready');
      expect(await text(p, 'dark-mode')).toBe('on');
      expect(await text(p, 'banner')).toBe('Welcome back, VIP');

      // An admin turns dark mode off: ELS pushes the new result and the page re-renders.
      els.changeFlag(boolFlag('dark-mode', 0, false));
      await p.waitForFunction(
        () => document.getElementById('dark-mode')?.textContent === 'off',
        undefined,
        {
          timeout: 15_000,
        },
      );
      // The VIP is removed from the banner's targets: their result changes too.
      els.changeFlag({ ...vipBanner, targetUsers: [] });
      await p.waitForFunction(
        () => document.getElementById('banner')?.textContent === 'Hello',
        undefined,
        {
          timeout: 15_000,
        },
      );

      // The page's evaluations reached ELS as insight events.
      await p.evaluate(() => (window as unknown as { vane: { flush(): void } }).vane.flush());
      await expect
        .poll(
          async () =>
            (await els.insights()).some(
              (e) => e.kind?.$case === 'flagEvaluation' && e.kind.value.userKeyId === 'vip-user',
            ),
          {
            timeout: 10_000,
          },
        )
        .toBe(true);

      // Reload while ELS is down: identify applies the VIP's cached results at once.
      await els.stop();
      try {
        await p.reload();
        expect(await text(p, 'dark-mode')).toBe('off');
        expect(
          await p.evaluate(() => (window as unknown as { vane: { state: string } }).vane.state),
        ).toBe('initializing');
      } finally {
        await els.resume();
      }
      await p.waitForSelector('body[data-identified="yes"]', { timeout: 15_000 });
      expect(await text(p, 'banner')).toBe('Hello');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('serves the .NET text-semantics vectors to users identified in the browser', async () => {
    const cases = vectorSuites.flatMap((suite) => suite.cases);
    expect(cases.filter((c) => c.name.includes('(.NET:')).length).toBeGreaterThanOrEqual(25);
    const p = await browser.newPage();
    try {
      await p.goto(`${origin}/vectors.html`);
      await p.waitForSelector('body[data-ready="yes"]', { state: 'attached', timeout: 15_000 });
      const served = await p.evaluate(async (list) => {
        const client = (
          window as unknown as {
            client: {
              identify(u: unknown): Promise<void>;
              boolVariation(key: string, fallback: boolean): boolean;
            };
          }
        ).client;
        const out: (string | null)[] = [];
        for (const c of list) {
          const attributes: Record<string, string> = {};
          for (const prop of c.user.customizedProperties ?? []) attributes[prop.name] = prop.value;
          // Paced under ELS's frame rate limit per connection (50/s), which drops what is over.
          await new Promise((resolve) => setTimeout(resolve, 25));
          await client.identify({ keyId: c.user.keyId, attributes });
          // A flag the client does not hold gives each default back.
          const a = client.boolVariation(c.flagKey, true);
          out.push(a === client.boolVariation(c.flagKey, false) ? String(a) : null);
        }
        return out;
      }, cases);
      expect(cases.map((c, i) => [c.name, served[i]])).toEqual(
        cases.map((c) => [c.name, c.expected.value]),
      );
    } finally {
      await p.close();
    }
  });

  it('works as an ES module too (the ESM bundle, imported by a module script)', async () => {
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      await p.goto(`${origin}/esm.html`);
      await p.waitForFunction(
        () => document.getElementById('dark-mode')?.textContent !== '?',
        undefined,
        {
          timeout: 15_000,
        },
      );
      expect(await text(p, 'dark-mode')).toBe('true');
    } finally {
      await context.close();
    }
  });
});
