// The server SDK against a real ELS (startEls on in-memory adapters, port 0).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeatureFlag } from '@vane/core';
import { ElsHarness, HARNESS_ENV, boolFlag } from '../testing/els-harness.js';
import { VaneServerClient } from './vane-server-client.js';
import type { ClientState } from './vane-server-client.js';

const alice = { keyId: 'alice', name: 'Alice', attributes: { country: 'FR', age: 30 } };

function stringFlag(key: string): FeatureFlag {
  return {
    id: `id-${key}`,
    key,
    variationType: 'string',
    variations: [
      { id: 'a', value: 'alpha' },
      { id: 'b', value: 'beta' },
    ],
    isEnabled: true,
    disabledVariationId: 'a',
    targetUsers: [{ keyIds: ['bob'], variationId: 'b' }],
    rules: [
      {
        id: 'r1',
        name: 'French',
        includedInExpt: true,
        conditions: [{ property: 'country', op: 'Equal', value: 'FR' }],
        variations: [{ id: 'b', rollout: [0, 1], exptRollout: 1 }],
      },
    ],
    fallthrough: {
      includedInExpt: true,
      variations: [{ id: 'a', rollout: [0, 1], exptRollout: 1 }],
    },
    exptIncludeAllTargets: false,
  };
}
const numberFlag: FeatureFlag = {
  ...stringFlag('limit'),
  id: 'id-limit',
  variationType: 'number',
  variations: [
    { id: 'a', value: '10' },
    { id: 'b', value: '2.5' },
  ],
};
const jsonFlag: FeatureFlag = {
  ...stringFlag('layout'),
  id: 'id-layout',
  variationType: 'json',
  variations: [
    { id: 'a', value: '{"columns":2}' },
    { id: 'b', value: '{"columns":3}' },
  ],
};

let els: ElsHarness;
const clients: VaneServerClient[] = [];
const fast = { initialDelayMs: 50, maxDelayMs: 200, goingAwayJitterMs: 50 };

function client(
  extra: Partial<ConstructorParameters<typeof VaneServerClient>[0]> = {},
): VaneServerClient {
  const c = new VaneServerClient({
    secret: HARNESS_ENV.server,
    url: els.url,
    reconnect: fast,
    events: { flushIntervalMs: 100 },
    ...extra,
  });
  clients.push(c);
  return c;
}

function next<T>(register: (resolve: (v: T) => void) => () => void, timeoutMs = 5000): Promise<T> {
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
  els.seed(stringFlag('greeting'));
  els.seed(numberFlag);
  els.seed(jsonFlag);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await els.stop();
});

describe('VaneServerClient', () => {
  it('becomes ready with a FULL sync and evaluates every type locally, with reasons', async () => {
    const sdk = client();
    expect(sdk.state).toBe('initializing');
    expect(sdk.boolVariationDetail('dark-mode', alice, false)).toMatchObject({
      value: false,
      kind: 'ClientNotReady',
    });
    await sdk.waitForReady(5000);
    expect(sdk.state).toBe('ready');
    expect(sdk.version).toBeGreaterThan(0);
    expect(sdk.boolVariation('dark-mode', alice, false)).toBe(true);
    expect(sdk.stringVariationDetail('greeting', alice, 'x')).toEqual({
      flagKey: 'greeting',
      value: 'beta',
      variationId: 'b',
      kind: 'RuleMatch',
      reason: 'French',
    });
    expect(sdk.stringVariationDetail('greeting', { keyId: 'bob' }, 'x')).toMatchObject({
      value: 'beta',
      kind: 'TargetMatch',
    });
    expect(sdk.stringVariationDetail('greeting', { keyId: 'carol' }, 'x')).toMatchObject({
      value: 'alpha',
      kind: 'Fallthrough',
      reason: 'default',
    });
    expect(sdk.numberVariation('limit', alice, 0)).toBe(2.5);
    expect(sdk.jsonVariation('layout', { keyId: 'z' }, {})).toEqual({ columns: 2 });
  });

  it('returns the default with WrongType, FlagNotFound or Error and never throws', async () => {
    const sdk = client();
    await sdk.waitForReady(5000);
    expect(sdk.stringVariationDetail('dark-mode', alice, 'd')).toMatchObject({
      value: 'd',
      kind: 'WrongType',
      variationId: null,
    });
    expect(sdk.boolVariationDetail('greeting', alice, true)).toMatchObject({
      value: true,
      kind: 'WrongType',
    });
    expect(sdk.numberVariationDetail('layout', alice, 7)).toMatchObject({
      value: 7,
      kind: 'WrongType',
    });
    expect(sdk.jsonVariationDetail('limit', alice, null)).toMatchObject({
      value: null,
      kind: 'WrongType',
    });
    expect(sdk.boolVariationDetail('nope', alice, true)).toMatchObject({
      value: true,
      kind: 'FlagNotFound',
    });
    // Bad arguments from untyped callers.
    const bad = sdk as unknown as {
      boolVariationDetail(k: unknown, u: unknown, d: boolean): unknown;
    };
    expect(bad.boolVariationDetail('dark-mode', undefined, false)).toMatchObject({
      value: false,
      kind: 'Error',
    });
    expect(bad.boolVariationDetail('dark-mode', { keyId: '  ' }, false)).toMatchObject({
      kind: 'Error',
    });
    expect(bad.boolVariationDetail(42, alice, false)).toMatchObject({ kind: 'FlagNotFound' });
    expect(sdk.track(alice, '', 1)).toBe(false);
    expect(sdk.track(alice, 'ok', Number.NaN)).toBe(false);
  });

  it('applies a pushed change and a deletion, and reports the changed keys', async () => {
    const sdk = client();
    await sdk.waitForReady(5000);
    const changed = next<readonly string[]>((r) => sdk.on('change', (c) => r(c.flagKeys)));
    const stored = els.changeFlag(boolFlag('dark-mode', 0, false));
    expect(await changed).toEqual(['dark-mode']);
    expect(sdk.boolVariationDetail('dark-mode', alice, true)).toMatchObject({
      value: false,
      kind: 'Off',
    });
    expect(sdk.version).toBe(stored.version);

    const deleted = next<readonly string[]>((r) => sdk.on('change', (c) => r(c.flagKeys)));
    els.deleteFlag(stored);
    expect(await deleted).toEqual(['dark-mode']);
    expect(sdk.boolVariationDetail('dark-mode', alice, true).kind).toBe('FlagNotFound');
  });

  it('goes stale when ELS stops, reconnects to the restarted ELS and converges with a PATCH', async () => {
    const sdk = client();
    await sdk.waitForReady(5000);
    const states: ClientState[] = [];
    sdk.on('state', (s) => states.push(s));
    const stale = next((r) => sdk.on('stale', r));
    await els.stop();
    await stale;
    expect(sdk.state).toBe('stale');
    // Served from the last definitions while disconnected.
    expect(sdk.boolVariation('dark-mode', alice, false)).toBe(true);

    // Changed while ELS was down (the store has it; nobody was told).
    els.seed({ ...boolFlag('dark-mode', els.nextVersion(), false) });
    const ready = next((r) => sdk.on('ready', r), 10_000);
    await els.resume();
    await ready;
    expect(states).toEqual(['stale', 'ready']);
    expect(sdk.boolVariationDetail('dark-mode', alice, true)).toMatchObject({
      value: false,
      kind: 'Off',
    });
  });

  it('stops for good on a wrong secret: closed state, error event, waitForReady rejects', async () => {
    const sdk = client({ secret: 'wrong-secret' });
    const error = next<Error>((r) => sdk.on('error', r));
    await expect(sdk.waitForReady(5000)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await error).message).toContain('4001');
    expect(sdk.state).toBe('closed');
    expect(sdk.boolVariationDetail('dark-mode', alice, false).kind).toBe('FlagNotFound');
  });

  it('times out waitForReady while ELS is unreachable, and keeps retrying', async () => {
    await els.stop();
    const sdk = client();
    await expect(sdk.waitForReady(300)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(sdk.state).toBe('initializing');
    await els.resume();
    await sdk.waitForReady(5000);
    expect(sdk.boolVariation('dark-mode', alice, false)).toBe(true);
  });

  it('rejects invalid options and bootstrap data with a clear error', () => {
    expect(() => new VaneServerClient({ secret: 'bad secret!' })).toThrow(/secret/);
    expect(() => new VaneServerClient({ secret: 's', url: 'http://els:7080' })).toThrow(/ws:\/\//);
    expect(() => new VaneServerClient({ offline: true, bootstrap: '{' })).toThrow(/not JSON/);
    expect(() => new VaneServerClient({ offline: true, bootstrap: '{"flags":{}}' })).toThrow(
      /flags must be an array/,
    );
    expect(
      () => new VaneServerClient({ offline: true, bootstrap: { flags: [{ key: 'x' }] } as never }),
    ).toThrow(/flags\[0\]/);
  });

  it('serves bootstrap data offline, and a bootstrap version gets a PATCH online', async () => {
    const online = client();
    await online.waitForReady(5000);
    const dump = JSON.stringify(online.toBootstrap());

    const offline = client({ offline: true, bootstrap: dump });
    expect(offline.state).toBe('ready');
    await offline.waitForReady(1);
    expect(offline.stringVariation('greeting', alice, 'x')).toBe('beta');
    expect(offline.track(alice, 'ignored')).toBe(false);

    const empty = client({ offline: true });
    expect(empty.boolVariationDetail('dark-mode', alice, false).kind).toBe('FlagNotFound');

    // Changed after the dump: the bootstrapped SDK catches up from its version.
    els.changeFlag(boolFlag('dark-mode', 0, false));
    const boot = client({ bootstrap: dump });
    expect(boot.boolVariation('dark-mode', alice, false)).toBe(true); // bootstrap, before sync
    await next((r) => boot.on('change', r));
    expect(boot.boolVariation('dark-mode', alice, true)).toBe(false);
  });

  it('sends evaluation and metric events in batches; close() flushes them', async () => {
    const sdk = client({ events: { flushIntervalMs: 60_000, maxBatchSize: 1000 } });
    await sdk.waitForReady(5000);
    sdk.boolVariation('dark-mode', alice, false);
    sdk.stringVariation('greeting', { keyId: 'bob' }, 'x');
    sdk.stringVariation('dark-mode', alice, 'wrong type: no event');
    expect(sdk.track(alice, 'checkout', 42.5, { route: '/cart' })).toBe(true);
    await sdk.close();
    expect(sdk.state).toBe('closed');
    const insights = await els.insights();
    const summary = insights.map((e) =>
      e.kind?.$case === 'flagEvaluation'
        ? ['eval', e.kind.value.flagKey, e.kind.value.variationId, e.kind.value.userKeyId]
        : [
            'metric',
            e.kind?.value.eventName,
            e.kind?.$case === 'metric' ? e.kind.value.numericValue : 0,
          ],
    );
    expect(summary).toEqual(
      expect.arrayContaining([
        ['eval', 'dark-mode', 'on', 'alice'],
        ['eval', 'greeting', 'b', 'bob'],
        ['metric', 'checkout', 42.5],
      ]),
    );
    expect(summary).toHaveLength(3);
  });

  it('bounds the event queue, dropping the oldest', async () => {
    await els.stop();
    const sdk = client({
      events: { maxQueueSize: 5, flushIntervalMs: 60_000 },
      closeTimeoutMs: 100,
    });
    for (let i = 0; i < 8; i++) sdk.track(alice, `e${i}`);
    expect(sdk.droppedEvents).toBe(3);
  });
});
