// The browser SDK in Node against a real ELS (startEls on in-memory adapters), with `ws` as the
// WebSocket and a Map as localStorage. The same code runs in Chromium in `browser.int.test.ts`.
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeatureFlag } from '@vane/core';
import { ElsHarness, HARNESS_ENV, boolFlag } from '../testing/els-harness.js';
import { VaneClient } from './vane-client.js';
import type { CacheStorage, VaneClientOptions } from './vane-client.js';
import type { WebSocketLike } from '../shared/stream-connection.js';

class MapStorage implements CacheStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

/** `banner` is "gold" for plan=pro users, "plain" otherwise. */
const banner: FeatureFlag = {
  id: 'id-banner',
  key: 'banner',
  variationType: 'string',
  variations: [
    { id: 'gold', value: 'gold' },
    { id: 'plain', value: 'plain' },
  ],
  isEnabled: true,
  disabledVariationId: 'plain',
  targetUsers: [],
  rules: [
    {
      id: 'r',
      name: 'pro plan',
      includedInExpt: true,
      conditions: [{ property: 'plan', op: 'Equal', value: 'pro' }],
      variations: [{ id: 'gold', rollout: [0, 1], exptRollout: 1 }],
    },
  ],
  fallthrough: {
    includedInExpt: true,
    variations: [{ id: 'plain', rollout: [0, 1], exptRollout: 1 }],
  },
  exptIncludeAllTargets: false,
};

let els: ElsHarness;
const clients: VaneClient[] = [];

function client(extra: Partial<VaneClientOptions> = {}): VaneClient {
  const c = new VaneClient({
    secret: HARNESS_ENV.client,
    url: els.url,
    user: { keyId: 'alice', attributes: { plan: 'free' } },
    storage: null,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, goingAwayJitterMs: 50 },
    events: { flushIntervalMs: 100 },
    createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    ...extra,
  });
  clients.push(c);
  return c;
}

function nextEvent<T>(
  register: (resolve: (v: T) => void) => () => void,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for event')), timeoutMs);
    const off = register((v) => {
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

beforeEach(async () => {
  els = await ElsHarness.start();
  els.seed(boolFlag('dark-mode', els.nextVersion()));
  els.seed({ ...banner, version: els.nextVersion() });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await els.stop();
});

describe('VaneClient (browser SDK)', () => {
  it('gets server-evaluated results for its user, with reasons and typed values', async () => {
    const sdk = client();
    expect(sdk.boolVariationDetail('dark-mode', false).kind).toBe('ClientNotReady');
    await sdk.waitForReady(5000);
    expect(sdk.boolVariation('dark-mode', false)).toBe(true);
    expect(sdk.stringVariationDetail('banner', 'x')).toEqual({
      flagKey: 'banner',
      value: 'plain',
      variationId: 'plain',
      kind: 'Fallthrough',
      reason: 'default',
    });
    expect(sdk.numberVariationDetail('banner', 3)).toMatchObject({ value: 3, kind: 'WrongType' });
    expect(sdk.boolVariationDetail('missing', true)).toMatchObject({
      value: true,
      kind: 'FlagNotFound',
    });
    expect(sdk.flagKeys().sort()).toEqual(['banner', 'dark-mode']);
  });

  it('identify switches the user and resolves with their results; listeners see the change', async () => {
    const sdk = client();
    await sdk.waitForReady(5000);
    const changes: string[] = [];
    sdk.onFlagChange('banner', (k) => changes.push(k));
    await sdk.identify({ keyId: 'bob', attributes: { plan: 'pro' } });
    expect(sdk.userKey).toBe('bob');
    expect(sdk.stringVariationDetail('banner', 'x')).toMatchObject({
      value: 'gold',
      kind: 'RuleMatch',
      reason: 'pro plan',
    });
    expect(changes).toEqual(['banner']);
    await expect(sdk.identify({ keyId: ' ' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('receives a live change for its flag only when its result changes', async () => {
    const sdk = client();
    await sdk.waitForReady(5000);
    const changed = nextEvent<string>((r) => sdk.onFlagChange('dark-mode', r));
    els.changeFlag(boolFlag('dark-mode', 0, false));
    expect(await changed).toBe('dark-mode');
    expect(sdk.boolVariationDetail('dark-mode', true)).toMatchObject({ value: false, kind: 'Off' });
  });

  it('renders from the per-user cache before connecting, and catches up with a PATCH', async () => {
    const storage = new MapStorage();
    const first = client({ storage });
    await first.waitForReady(5000);
    await first.close();
    expect(storage.map.size).toBe(1);

    await els.stop(); // a reload while ELS is unreachable
    const reload = client({ storage });
    expect(reload.state).toBe('initializing');
    expect(reload.boolVariation('dark-mode', false)).toBe(true);
    expect(reload.result('dark-mode')?.cached).toBe(true);
    // Another user has nothing cached.
    const other = client({ storage, user: { keyId: 'zed' } });
    expect(other.boolVariationDetail('dark-mode', false).kind).toBe('ClientNotReady');

    els.changeFlag(boolFlag('dark-mode', 0, false));
    await els.resume();
    await reload.waitForReady(5000);
    expect(reload.boolVariation('dark-mode', true)).toBe(false);
    expect(reload.result('dark-mode')?.cached).toBeUndefined();
  });

  it('goes stale while ELS is down, reconnects and converges', async () => {
    const sdk = client();
    await sdk.waitForReady(5000);
    const stale = nextEvent((r) => sdk.on('stale', r));
    await els.stop();
    await stale;
    expect(sdk.boolVariation('dark-mode', false)).toBe(true);
    els.seed({ ...boolFlag('dark-mode', els.nextVersion(), false) });
    const ready = nextEvent((r) => sdk.on('ready', r), 10_000);
    await els.resume();
    await ready;
    expect(sdk.boolVariation('dark-mode', true)).toBe(false);
  });

  it('sends evaluations and metrics for the right user; close() flushes', async () => {
    const sdk = client({ events: { flushIntervalMs: 60_000 } });
    await sdk.waitForReady(5000);
    sdk.boolVariation('dark-mode', false);
    expect(sdk.track('signup', 2)).toBe(true);
    expect(sdk.track('', 2)).toBe(false);
    await sdk.identify({ keyId: 'bob', attributes: { plan: 'pro' } });
    sdk.stringVariation('banner', 'x');
    await sdk.close();
    const events = (await els.insights()).map((e) =>
      e.kind?.$case === 'flagEvaluation'
        ? `eval ${e.kind.value.flagKey}=${e.kind.value.variationId} ${e.kind.value.userKeyId}`
        : `metric ${e.kind?.value.eventName} ${e.kind?.value.userKeyId}`,
    );
    expect(events.sort()).toEqual([
      'eval banner=gold bob',
      'eval dark-mode=on alice',
      'metric signup alice',
    ]);
  });

  it('stops for good with a server secret (4003) or an unknown one (4001)', async () => {
    const wrongKind = client({ secret: HARNESS_ENV.server });
    await expect(wrongKind.waitForReady(5000)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const unknown = client({ secret: 'nope' });
    const error = nextEvent<Error>((r) => unknown.on('error', r));
    expect((await error).message).toContain('4001');
    expect(unknown.state).toBe('closed');
    expect(() => client({ secret: '' })).toThrow(/secret/);
    expect(() => client({ url: 'https://els' })).toThrow(/ws:\/\//);
    expect(() => client({ user: { keyId: '' } })).toThrow(/keyId/);
  });
});
