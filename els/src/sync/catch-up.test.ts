// The cache path (fill on miss, load from cache, repair after an outage) and the catch-up from
// the store, over the memory adapters.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryFlagCache } from '../cache/memory-flag-cache.js';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { MemoryEnvironmentSource } from '../environments/memory-environment-source.js';
import { startEls } from '../els-server.js';
import { ENV, startElsFixture } from '../testing/els-fixture.js';
import { TestSdk } from '../testing/test-sdk.js';
import type { ChangeFeed, FeedObserver } from './change-feed.js';
import type { ElsFixture } from '../testing/els-fixture.js';
import type { AppliedChange } from './environment-snapshot.js';
import { SnapshotRegistry } from './snapshot-registry.js';

const logger = pino({ level: 'silent' });

function registry(source: MemoryEnvironmentSource, cache?: MemoryFlagCache, now = 1000) {
  return new SnapshotRegistry(
    source,
    { tombstoneLimit: 100, now: () => now, ...(cache ? { cache } : {}) },
    logger,
  );
}

describe('snapshots through the cache', () => {
  it('fills the cache on a miss; the next instance loads from it with its floor', async () => {
    const source = new MemoryEnvironmentSource();
    source.putFlag('env', sampleFlag('f1', 'one', 10));
    const cache = new MemoryFlagCache();
    await registry(source, cache, 500).get('env');
    expect(await cache.read('env')).toMatchObject({ version: 500, floor: 500 });
    const second = await registry(source, cache, 9000).get('env');
    expect(second.floor).toBe(500);
    expect(second.canPatch(500)).toBe(true);
  });

  it('reconciles a stale cache copy with the store on load: newer items and purged deletions', async () => {
    const source = new MemoryEnvironmentSource();
    source.putFlag('env', sampleFlag('f1', 'kept', 10));
    source.putFlag('env', sampleFlag('f2', 'purged', 11));
    source.putFlag('env', sampleFlag('f3', 'tombstoned', 12));
    const cache = new MemoryFlagCache();
    await registry(source, cache, 100).get('env');
    // While no ELS runs: f1 changes, f2 is deleted and purged, f3 deleted (tombstone kept).
    source.putFlag('env', { ...sampleFlag('f1', 'kept', 200), isEnabled: false });
    source.removeFlag('env', 'f2');
    source.removeFlag('env', 'f3', 201);
    const fresh = registry(source, cache, 9000);
    const snapshot = await fresh.get('env');
    expect(snapshot.compiled.getFlag('kept')?.isEnabled).toBe(false);
    expect(snapshot.compiled.getFlag('purged')).toBeUndefined();
    expect(snapshot.compiled.getFlag('tombstoned')).toBeUndefined();
    const patch = snapshot.definitionsSince(100);
    expect(patch.kind).toBe('patch');
    expect(patch.deletedFlags.map((t) => [t.key, t.version]).sort()).toEqual([
      ['purged', 202],
      ['tombstoned', 201],
    ]);
    // …and the cache now holds it too (written through).
    await new Promise((r) => setTimeout(r, 10));
    const cached = await cache.changesSince('env', 100);
    expect(cached?.entries.map((e) => e.type).sort()).toEqual([
      'deleted-flag',
      'deleted-flag',
      'flag',
    ]);
  });

  it('serves from the store while the cache is down, then repairs it: no stale copy afterwards', async () => {
    const source = new MemoryEnvironmentSource();
    source.putFlag('env', sampleFlag('f1', 'one', 10));
    const cache = new MemoryFlagCache();
    const first = registry(source, cache);
    await first.get('env');
    cache.down = true;
    first.apply({
      type: 'flag',
      envId: 'env',
      version: 30,
      flag: { ...sampleFlag('f1', 'one', 30), isEnabled: false },
    });
    source.putFlag('env', { ...sampleFlag('f1', 'one', 30), isEnabled: false });
    await new Promise((r) => setTimeout(r, 10));
    expect(first.loader.cacheUp).toBe(false);
    expect(first.loader.staleInCache).toBe(1);
    // Another environment loads from the store while the cache is down.
    source.putFlag('env-2', sampleFlag('f9', 'nine', 5));
    expect((await first.get('env-2')).compiled.getFlag('nine')).toBeDefined();
    expect(await first.loader.repair((id) => first.peek(id)?.contents())).toBe(0);
    cache.down = false;
    expect(await first.loader.repair((id) => first.peek(id)?.contents())).toBe(2);
    expect(first.loader.staleInCache).toBe(0);
    const entry = (await cache.read('env'))?.entries.find((e) => e.type === 'flag');
    expect(entry?.type === 'flag' && [entry.flag.version, entry.flag.isEnabled]).toEqual([
      30,
      false,
    ]);
    const other = await registry(source, cache, 9999).get('env');
    expect(other.compiled.getFlag('one')?.isEnabled).toBe(false);
  });

  it('catches a loaded environment up from the store and announces what changed', async () => {
    const source = new MemoryEnvironmentSource();
    source.putFlag('env', sampleFlag('f1', 'one', 10));
    source.putSegment('env', sampleSegment('s1', 11));
    const reg = registry(source);
    await reg.get('env');
    const applied: AppliedChange[] = [];
    reg.onChange((c) => applied.push(c));
    source.putFlag('env', sampleFlag('f2', 'two', 2000));
    source.removeSegment('env', 's1', 2001);
    expect(await reg.catchUp('env')).toEqual({ applied: 2 });
    expect(applied.map((c) => [c.version, c.flags.length, c.deletedSegments.length])).toEqual([
      [2000, 1, 0],
      [2001, 0, 1],
    ]);
    expect(await reg.catchUp('env')).toEqual({ applied: 0 });
  });
});

describe('catch-up on a running ELS', () => {
  let fx: ElsFixture | undefined;
  afterEach(async () => {
    await fx?.stop();
  });

  it('pushes a change that never came through the feed to a connected server SDK', async () => {
    fx = await startElsFixture({ catchUpIntervalMs: 100 });
    const sdk = await fx.connect('server');
    sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
    const full = await sdk.next();
    expect(full.kind?.$case).toBe('sync');
    fx.source.putFlag(ENV.id, { ...sampleFlag('flag-new', 'missed-by-feed', Date.now() + 5000) });
    const push = await sdk.next(3000);
    const payload = push.kind?.$case === 'sync' ? push.kind.value.payload : undefined;
    expect(payload?.$case).toBe('definitions');
    if (payload?.$case === 'definitions') {
      expect(payload.value.flags.map((f) => f.key)).toEqual(['missed-by-feed']);
    }
  });

  it('catches up as soon as the feed rejoins its broker (after a Kafka outage)', async () => {
    const source = new MemoryEnvironmentSource();
    source.putSecret('secret', { envId: 'env', kind: 'server' });
    source.putFlag('env', sampleFlag('f1', 'one', 10));
    let observer: FeedObserver | undefined;
    const feed: ChangeFeed = {
      subscribe: (_topics, _group, _handler, seen) => {
        observer = seen;
        return Promise.resolve({ close: () => Promise.resolve() });
      },
    };
    // The periodic run is an hour away: only the rejoin can trigger this catch-up.
    const els = await startEls({ source, feed, logger }, { port: 0, catchUpIntervalMs: 3_600_000 });
    const sdk = await TestSdk.connect(els.port, 'server', 'secret');
    try {
      sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
      await sdk.next();
      observer?.onStatus?.(false);
      source.putFlag('env', sampleFlag('f2', 'published-during-outage', Date.now() + 1000));
      observer?.onStatus?.(true);
      const push = await sdk.next(3000);
      const payload = push.kind?.$case === 'sync' ? push.kind.value.payload : undefined;
      expect(payload?.$case === 'definitions' && payload.value.flags.map((f) => f.key)).toEqual([
        'published-during-outage',
      ]);
    } finally {
      await sdk.close();
      await els.stop();
    }
  });
});
