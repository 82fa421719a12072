import { describe, expect, it } from 'vitest';
import { CacheUnavailableError } from './flag-cache.js';
import { describeFlagCache } from './flag-cache-conformance.js';
import { MemoryFlagCache } from './memory-flag-cache.js';

describeFlagCache('memory', () => Promise.resolve(new MemoryFlagCache()));

describe('MemoryFlagCache', () => {
  it('rejects every call with CacheUnavailableError while down', async () => {
    const cache = new MemoryFlagCache();
    cache.down = true;
    await expect(cache.read('e')).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});
