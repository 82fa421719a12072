// The providers' events and reason mapping beyond the spec scenarios, against a real ELS.
import { OpenFeature as ServerOpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature, ProviderEvents as WebEvents } from '@openfeature/web-sdk';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureFlag } from '@vane/core';
import type { CacheStorage } from '../client/vane-client.js';
import type { WebSocketLike } from '../shared/stream-connection.js';
import { ElsHarness, HARNESS_ENV, boolFlag } from '../testing/els-harness.js';
import { VaneServerProvider } from './server-provider.js';
import { VaneWebProvider } from './web-provider.js';

const split: FeatureFlag = {
  ...boolFlag('split', 1),
  fallthrough: {
    includedInExpt: true,
    variations: [
      { id: 'on', rollout: [0, 0.5], exptRollout: 1 },
      { id: 'off', rollout: [0.5, 1], exptRollout: 1 },
    ],
  },
};
const reconnect = { initialDelayMs: 50, maxDelayMs: 200, goingAwayJitterMs: 20 };
const socket = (url: string, protocols: string[]): WebSocketLike =>
  new WebSocket(url, protocols) as unknown as WebSocketLike;
let els: ElsHarness;

beforeAll(async () => {
  els = await ElsHarness.start();
  els.seed(boolFlag('dark-mode', els.nextVersion()));
  els.seed({ ...split, version: els.nextVersion() });
});
afterAll(async () => {
  await ServerOpenFeature.close();
  await WebOpenFeature.close();
  await els.stop();
});

function once(register: (handler: () => void) => void): Promise<void> {
  return new Promise((resolve) => register(resolve));
}

describe('VaneServerProvider', () => {
  it('maps reasons (STATIC, SPLIT, DISABLED) and a missing targeting key', async () => {
    await ServerOpenFeature.setProviderAndWait(
      'reasons',
      new VaneServerProvider({
        secret: HARNESS_ENV.server,
        url: els.url,
        reconnect,
        anonymousKey: null,
      }),
    );
    const client = ServerOpenFeature.getClient('reasons');
    expect(
      await client.getBooleanDetails('dark-mode', false, { targetingKey: 'u1' }),
    ).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'STATIC',
    });
    expect((await client.getBooleanDetails('split', false, { targetingKey: 'u1' })).reason).toBe(
      'SPLIT',
    );
    expect(await client.getBooleanDetails('dark-mode', false, {})).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });

  it('emits CONFIGURATION_CHANGED with the keys, then STALE and READY across an ELS restart', async () => {
    await ServerOpenFeature.setProviderAndWait(
      'events',
      new VaneServerProvider({ secret: HARNESS_ENV.server, url: els.url, reconnect }),
    );
    const client = ServerOpenFeature.getClient('events');
    const changed = new Promise<string[] | undefined>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, (e) => resolve(e?.flagsChanged)),
    );
    els.changeFlag(boolFlag('dark-mode', 0, false));
    expect(await changed).toEqual(['dark-mode']);
    expect(await client.getBooleanDetails('dark-mode', true, { targetingKey: 'u' })).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });

    const stale = once((h) => client.addHandler(ProviderEvents.Stale, h));
    await els.stop();
    await stale;
    expect(client.providerStatus).toBe('STALE');
    const ready = once((h) => client.addHandler(ProviderEvents.Ready, h));
    await els.resume();
    await ready;
    expect(client.providerStatus).toBe('READY');

    // OpenFeature tracking becomes a metric event, delivered on close.
    client.track('checkout', { targetingKey: 'tracker' }, { value: 12.5 });
    await ServerOpenFeature.clearProviders(); // closes the provider: flushes its events
    const metrics = (await els.insights()).flatMap((e) =>
      e.kind?.$case === 'metric'
        ? [[e.kind.value.eventName, e.kind.value.numericValue, e.kind.value.userKeyId]]
        : [],
    );
    expect(metrics).toEqual([['checkout', 12.5, 'tracker']]);
  });
});

describe('VaneWebProvider', () => {
  it('reports CACHED for results restored from localStorage, and follows context changes', async () => {
    const map = new Map<string, string>();
    const storage: CacheStorage = {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
    };
    const options = {
      secret: HARNESS_ENV.client,
      url: els.url,
      reconnect,
      storage,
      createSocket: socket,
    };
    await WebOpenFeature.setContext('web1', { targetingKey: 'carol' });
    await WebOpenFeature.setProviderAndWait('web1', new VaneWebProvider(options));
    const first = WebOpenFeature.getClient('web1');
    const served = first.getBooleanDetails('split', true);
    expect(served.reason).toBe('DEFAULT');
    await WebOpenFeature.clearProviders();

    // A "reload" while ELS is down: the provider cannot finish initializing, but a provider built
    // on the cached client serves the cached results with reason CACHED.
    await els.stop();
    const provider = new VaneWebProvider({ ...options, initTimeoutMs: 100 });
    await WebOpenFeature.setContext('web2', { targetingKey: 'carol' });
    await WebOpenFeature.setProviderAndWait('web2', provider).catch(() => undefined);
    const cached = provider.resolveBooleanEvaluation('split', true, { targetingKey: 'carol' });
    expect(cached.reason).toBe('CACHED');
    expect(cached.variant).toBe(served.variant);
    const ready = once((h) => WebOpenFeature.getClient('web2').addHandler(WebEvents.Ready, h));
    await els.resume();
    await ready;
    expect(WebOpenFeature.getClient('web2').getBooleanDetails('split', true).reason).toBe(
      'DEFAULT',
    );

    await WebOpenFeature.setContext('web2', { targetingKey: 'dave' });
    expect(provider.client?.userKey).toBe('dave');
  });
});

describe('provider errors after initialization', () => {
  it('emits PROVIDER_ERROR with PROVIDER_FATAL when ELS revokes the secret (4001)', async () => {
    // A stand-in ELS that syncs, then closes with 4001 as ELS does for a revoked secret.
    const fake = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      handleProtocols: () => 'vane.sync.v1',
    });
    fake.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const frame = ClientFrame.decode(new Uint8Array(data));
        if (frame.kind?.$case !== 'sync') return;
        socket.send(
          ServerFrame.encode({
            kind: {
              $case: 'sync',
              value: {
                requestId: frame.kind.value.requestId,
                kind: SyncKind.SYNC_KIND_FULL,
                version: 1,
                payload: {
                  $case: 'definitions',
                  value: { flags: [], segments: [], deletedFlags: [], deletedSegments: [] },
                },
              },
            },
          }).finish(),
        );
        setTimeout(() => socket.close(4001, 'secret revoked'), 50);
      });
    });
    await new Promise((r) => fake.once('listening', r));
    const address = fake.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const client = ServerOpenFeature.getClient('revoked');
      const error = new Promise<string | undefined>((resolve) =>
        client.addHandler(ProviderEvents.Error, (e) => resolve(e?.errorCode as string | undefined)),
      );
      await ServerOpenFeature.setProviderAndWait(
        'revoked',
        new VaneServerProvider({ secret: 's', url: `ws://127.0.0.1:${address.port}`, reconnect }),
      );
      expect(client.providerStatus).toBe('READY');
      expect(await error).toBe('PROVIDER_FATAL');
      expect(client.providerStatus).toBe('FATAL');
    } finally {
      for (const c of fake.clients) c.terminate();
      await new Promise((r) => fake.close(r));
    }
  });
});
