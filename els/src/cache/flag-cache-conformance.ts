// The behaviour every FlagCache adapter must show; run by each adapter's test file.
import { describe, expect, it } from 'vitest';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { entryField, entryVersion } from './flag-cache.js';
import type { CacheEntry, FlagCache } from './flag-cache.js';

function summary(entries: readonly CacheEntry[]): [string, string, number][] {
  return entries
    .map((e): [string, string, number] => [e.type, entryField(e), entryVersion(e)])
    .sort((a, b) => a[2] - b[2]);
}

/** Registers the conformance tests; `create` returns an empty cache of its own. */
export function describeFlagCache(name: string, create: () => Promise<FlagCache>): void {
  describe(`FlagCache conformance: ${name}`, () => {
    it('misses until filled, then reads back what was filled', async () => {
      const cache = await create();
      expect(await cache.read('env-a')).toBeUndefined();
      expect(await cache.changesSince('env-a', 0)).toBeUndefined();
      const flag = { ...sampleFlag('f1', 'one', 10), rules: [] };
      await cache.fill('env-a', { flags: [flag], segments: [sampleSegment('s1', 12, ['u'])] }, 11);
      const read = await cache.read('env-a');
      expect(read).toMatchObject({ version: 12, floor: 11 });
      expect(summary(read!.entries)).toEqual([
        ['flag', 'f:f1', 10],
        ['segment', 's:s1', 12],
      ]);
      expect(read!.entries.find((e) => e.type === 'flag')).toEqual({ type: 'flag', flag });
      expect(await cache.read('env-other')).toBeUndefined();
    });

    it('an empty environment is a hit, not a miss', async () => {
      const cache = await create();
      await cache.fill('env-empty', { flags: [], segments: [] }, 5);
      expect(await cache.read('env-empty')).toEqual({ version: 5, floor: 5, entries: [] });
    });

    it('applies only entries newer than the held ones, tombstones included', async () => {
      const cache = await create();
      await cache.fill('env-b', { flags: [sampleFlag('f1', 'one', 10)], segments: [] }, 10);
      await cache.apply('env-b', [
        { type: 'flag', flag: sampleFlag('f1', 'stale', 9) },
        { type: 'flag', flag: sampleFlag('f2', 'two', 20) },
        { type: 'deleted-segment', deleted: { id: 's9', key: 'nine', version: 21 } },
      ]);
      await cache.apply('env-b', [
        { type: 'deleted-flag', deleted: { id: 'f1', key: 'one', version: 22 } },
      ]);
      await cache.apply('env-b', [{ type: 'flag', flag: sampleFlag('f1', 'late-redelivery', 15) }]);
      const read = await cache.read('env-b');
      expect(read?.version).toBe(22);
      expect(summary(read!.entries)).toEqual([
        ['flag', 'f:f2', 20],
        ['deleted-segment', 's:s9', 21],
        ['deleted-flag', 'f:f1', 22],
      ]);
    });

    it('answers a patch since a version with the newer entries only', async () => {
      const cache = await create();
      await cache.fill(
        'env-c',
        { flags: [sampleFlag('f1', 'one', 10), sampleFlag('f2', 'two', 20)], segments: [] },
        20,
      );
      await cache.apply('env-c', [{ type: 'segment', segment: sampleSegment('s1', 30) }]);
      const patch = await cache.changesSince('env-c', 20);
      expect(patch).toMatchObject({ version: 30, floor: 20 });
      expect(summary(patch!.entries)).toEqual([['segment', 's:s1', 30]]);
      expect((await cache.changesSince('env-c', 30))?.entries).toEqual([]);
      expect(summary((await cache.changesSince('env-c', 0))!.entries).length).toBe(3);
    });

    it('ignores changes to an environment that is not cached, and fill replaces', async () => {
      const cache = await create();
      await cache.apply('env-d', [{ type: 'flag', flag: sampleFlag('f1', 'one', 10) }]);
      expect(await cache.read('env-d')).toBeUndefined();
      await cache.fill('env-d', { flags: [sampleFlag('f1', 'one', 10)], segments: [] }, 10);
      await cache.fill('env-d', { flags: [sampleFlag('f2', 'two', 11)], segments: [] }, 40);
      expect(summary((await cache.read('env-d'))!.entries)).toEqual([['flag', 'f:f2', 11]]);
      await cache.evict('env-d');
      expect(await cache.read('env-d')).toBeUndefined();
      await expect(cache.ping()).resolves.toBeUndefined();
    });
  });
}
