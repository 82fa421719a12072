import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import { MemoryEnvironmentSource } from '../environments/memory-environment-source.js';
import type { EnvironmentSource } from '../environments/environment-source.js';
import { ENV, startElsFixture } from '../testing/els-fixture.js';
import type { ElsFixture } from '../testing/els-fixture.js';
import { SecretCache } from './secret-cache.js';

function counting(source: MemoryEnvironmentSource): {
  source: EnvironmentSource;
  reads: () => number;
} {
  let reads = 0;
  return {
    source: {
      findSecret: (secret) => {
        reads += 1;
        return source.findSecret(secret);
      },
      loadEnvironment: (envId) => source.loadEnvironment(envId),
      ping: () => source.ping(),
    },
    reads: () => reads,
  };
}

describe('SecretCache', () => {
  it('reuses answers (found or not) for the TTL, and shares concurrent lookups', async () => {
    const memory = new MemoryEnvironmentSource();
    memory.putSecret('s', { envId: 'e', kind: 'server' });
    const { source, reads } = counting(memory);
    let now = 0;
    const cache = new SecretCache(source, { ttlMs: 1000, now: () => now });
    const both = await Promise.all([cache.find('s'), cache.find('s')]);
    expect(both).toEqual([
      { envId: 'e', kind: 'server' },
      { envId: 'e', kind: 'server' },
    ]);
    expect(await cache.find('unknown')).toBeUndefined();
    expect(await cache.find('unknown')).toBeUndefined();
    expect(reads()).toBe(2);
    memory.removeSecret('s');
    expect(await cache.find('s')).toEqual({ envId: 'e', kind: 'server' });
    now = 1001;
    expect(await cache.find('s')).toBeUndefined();
    expect(reads()).toBe(3);
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const memory = new MemoryEnvironmentSource();
    memory.putSecret('s', { envId: 'e', kind: 'client' });
    const cache = new SecretCache(
      {
        findSecret: (secret) =>
          fail ? Promise.reject(new Error('down')) : memory.findSecret(secret),
        loadEnvironment: (envId) => memory.loadEnvironment(envId),
        ping: () => memory.ping(),
      },
      { ttlMs: 60_000 },
    );
    await expect(cache.find('s')).rejects.toThrow('down');
    fail = false;
    expect(await cache.find('s')).toEqual({ envId: 'e', kind: 'client' });
  });
});

describe('secret revocation while connected', () => {
  let fx: ElsFixture | undefined;
  afterEach(async () => {
    await fx?.stop();
  });

  it('closes the connections of a revoked secret with UNAUTHENTICATED and 4001, and only those', async () => {
    fx = await startElsFixture({ secretRecheckMs: 100, secretCacheMs: 60_000 });
    fx.source.putSecret('second-server-secret', { envId: ENV.id, kind: 'server' });
    const revoked = await fx.connect('server');
    const kept = await fx.connect('server', 'second-server-secret');
    fx.source.removeSecret(ENV.server);
    const frame = await revoked.next(3000);
    expect(frame.kind?.$case === 'error' && frame.kind.value).toMatchObject({
      code: StreamErrorCode.STREAM_ERROR_CODE_UNAUTHENTICATED,
      closing: true,
    });
    expect((await revoked.closed).code).toBe(CloseCode.CLOSE_CODE_UNAUTHENTICATED);
    kept.send({ kind: { $case: 'ping', value: { clientTimeMs: 7 } } });
    expect((await kept.next()).kind?.$case).toBe('pong');
    // The re-check refreshed the cache: a new connection with the revoked secret is refused.
    const again = await fx.connect('server');
    expect((await again.closed).code).toBe(CloseCode.CLOSE_CODE_UNAUTHENTICATED);
  });
});
