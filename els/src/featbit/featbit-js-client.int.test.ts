// The published `@featbit/js-client-sdk` (its UMD bundle, unmodified) in real Chromium against
// ELS: initialisation over FeatBit's streaming protocol, variations equal to Vane's evaluator,
// identify, a live flag change, and track/flag events reaching Vane's topics through the
// cross-origin `/api/public/insight/track` endpoint.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileEnvironment } from '@vane/core';
import type { EndUser } from '@vane/core';
import { betaSegment, startCompatFixture } from './testing/compat-fixture.js';
import type { CompatFixture } from './testing/compat-fixture.js';
import { openBrowserPage } from './testing/browser-page.js';
import type { BrowserPage } from './testing/browser-page.js';

const require = createRequire(import.meta.url);
// The package's exports hide package.json; its CommonJS entry is dist/cjs/index.js.
const sdkDir = join(dirname(require.resolve('@featbit/js-client-sdk')), '..', '..');
const bundle = readFileSync(join(sdkDir, 'dist/umd/featbit-js-client-sdk.js'));

// What the page runs: globals from the UMD bundle; the test drives `window.fb`.
const PAGE = `<!doctype html><html><head><script src="/featbit-js-client-sdk.js"></script></head>
<body><script>
window.toSdkUser = (u) => {
  let b = new UserBuilder(u.keyId).name(u.name);
  for (const p of u.customizedProperties) b = b.custom(p.name, p.value);
  return b.build();
};
window.startFb = async (secret, elsUrl, user) => {
  window.fb = new FbClientBuilder()
    .sdkKey(secret)
    .streamingUri(elsUrl.replace('http', 'ws'))
    .eventsUri(elsUrl)
    .user(window.toSdkUser(user))
    .build();
  await window.fb.waitForInitialization();
  return true;
};
window.startFbPolling = async (secret, elsUrl, user) => {
  window.fbPoll = new FbClientBuilder()
    .sdkKey(secret)
    .dataSyncMode(DataSyncModeEnum.POLLING)
    .pollingUri(elsUrl)
    .pollingInterval(200)
    .eventsUri(elsUrl)
    .user(window.toSdkUser(user))
    .build();
  await window.fbPoll.waitForInitialization();
  return true;
};
</script></body></html>`;

interface FbWindow {
  fb: {
    boolVariation(k: string, d: boolean): boolean;
    stringVariation(k: string, d: string): string;
    numberVariation(k: string, d: number): number;
    identify(u: unknown): Promise<void>;
    track(name: string, value?: number): void;
    flush(): Promise<boolean>;
  };
  toSdkUser(u: EndUser): unknown;
  startFb(secret: string, url: string, user: EndUser): Promise<boolean>;
  fbPoll: FbWindow['fb'];
  startFbPolling(secret: string, url: string, user: EndUser): Promise<boolean>;
}

const alice: EndUser = {
  keyId: 'u-1',
  name: 'alice',
  customizedProperties: [
    { name: 'country', value: 'DE' },
    { name: 'plan', value: 'pro' },
    { name: 'age', value: '31' },
    { name: 'email', value: 'alice@example.com' },
  ],
};
const zed: EndUser = {
  keyId: 'u-93',
  name: 'zed',
  customizedProperties: [
    { name: 'country', value: 'FR' },
    { name: 'plan', value: 'free' },
    { name: 'age', value: '70' },
    { name: 'email', value: 'zed@example.com' },
  ],
};

let kit: CompatFixture;
let browser: BrowserPage;

beforeAll(async () => {
  kit = await startCompatFixture();
  browser = await openBrowserPage({
    '/': { type: 'text/html', body: PAGE },
    '/featbit-js-client-sdk.js': { type: 'text/javascript', body: bundle },
  });
});

afterAll(async () => {
  await browser?.close();
  await kit?.stop();
});

// Every flag's value in the browser, as a string, for comparison with Vane's evaluator.
async function browserValues(): Promise<Record<string, string>> {
  return browser.page.evaluate(() => {
    const fb = (globalThis as unknown as FbWindow).fb;
    return {
      simple: String(fb.boolVariation('simple', false)),
      killswitch: String(fb.boolVariation('killswitch', true)),
      beta: String(fb.boolVariation('beta', false)),
      color: fb.stringVariation('color', 'none'),
      limit: String(fb.numberVariation('limit', -1)),
      config: fb.stringVariation('config', 'none'),
    };
  });
}

function vaneValues(user: EndUser): Record<string, string> {
  const env = compileEnvironment({ flags: kit.flags, segments: [betaSegment(1)] });
  return Object.fromEntries(
    kit.flags.map((f) => [f.key, env.evaluate(f.key, user).variation?.value ?? '']),
  );
}

describe('@featbit/js-client-sdk in Chromium against ELS', () => {
  it('initialises over /streaming and serves the variations Vane evaluates', async () => {
    const started = await browser.page.evaluate(
      ([secret, url, user]) => (globalThis as unknown as FbWindow).startFb(secret, url, user),
      [kit.clientSecret, kit.url, alice] as const,
    );
    expect(started).toBe(true);
    const values = await browserValues();
    expect(values).toEqual(vaneValues(alice));
    expect(values.beta).toBe('true');
  });

  it('identify switches the user and re-evaluates', async () => {
    await browser.page.evaluate(async (user) => {
      const w = globalThis as unknown as FbWindow;
      await w.fb.identify(w.toSdkUser(user));
    }, zed);
    const values = await browserValues();
    expect(values).toEqual(vaneValues(zed));
    expect(values.color).toBe('blue');
    expect(values.limit).toBe('100');
  });

  it('receives a live flag change', async () => {
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.publishFlag({ ...simple, isEnabled: false });
    await expect
      .poll(() =>
        browser.page.evaluate(() =>
          (globalThis as unknown as FbWindow).fb.boolVariation('simple', true),
        ),
      )
      .toBe(false);
    kit.publishFlag(simple);
    await expect
      .poll(() =>
        browser.page.evaluate(() =>
          (globalThis as unknown as FbWindow).fb.boolVariation('simple', false),
        ),
      )
      .toBe(true);
  });

  it('track and evaluations reach the insight topic; the user reaches the end-user topic', async () => {
    await browser.page.evaluate(async () => {
      const fb = (globalThis as unknown as FbWindow).fb;
      fb.track('checkout', 4);
      await fb.flush();
    });
    await expect
      .poll(() =>
        kit
          .insights()
          .some(
            (e) =>
              e.kind?.$case === 'metric' &&
              e.kind.value.eventName === 'checkout' &&
              e.kind.value.userKeyId === 'u-93',
          ),
      )
      .toBe(true);
    const metric = kit.insights().find((e) => e.kind?.$case === 'metric');
    expect(metric?.kind?.value).toMatchObject({ numericValue: 4, appType: 'Browser-Client-SDK' });
    expect(
      kit
        .insights()
        .some(
          (e) =>
            e.kind?.$case === 'flagEvaluation' &&
            e.kind.value.flagKey === 'color' &&
            e.kind.value.variationId === 'blue' &&
            e.kind.value.userKeyId === 'u-93',
        ),
    ).toBe(true);
    expect(kit.endUsers().map((e) => e.user?.keyId)).toEqual(
      expect.arrayContaining(['u-1', 'u-93']),
    );
  });

  it('works in polling mode too (client/latest-all), picking up a change', async () => {
    const started = await browser.page.evaluate(
      ([secret, url, user]) =>
        (globalThis as unknown as FbWindow).startFbPolling(secret, url, user),
      [kit.clientSecret, kit.url, alice] as const,
    );
    expect(started).toBe(true);
    const color = () =>
      browser.page.evaluate(() =>
        (globalThis as unknown as FbWindow).fbPoll.stringVariation('color', 'none'),
      );
    expect(await color()).toBe(vaneValues(alice).color);
    const flag = kit.flags.find((f) => f.key === 'color');
    if (!flag) throw new Error('fixture');
    kit.publishFlag({ ...flag, isEnabled: false });
    await expect.poll(color).toBe('red');
  });
});
