// RedisFlagCache against the rig's real Redis, under a key prefix of its own (removed afterwards).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { sampleFlag } from '../environments/environment-source-conformance.js';
import { CacheUnavailableError } from './flag-cache.js';
import { describeFlagCache } from './flag-cache-conformance.js';
import { RedisFlagCache } from './redis-flag-cache.js';

const prefix = `${uniqueTestName('els_cache')}:`;
let redis: Redis;
let count = 0;

beforeAll(() => {
  redis = new Redis(testServers().redisUrl, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
});

describeFlagCache('redis', () =>
  Promise.resolve(new RedisFlagCache(redis, { keyPrefix: `${prefix}${++count}:` })),
);

describe('RedisFlagCache', () => {
  it('keeps an environment in three keys of one hash slot, indexed by version', async () => {
    const cache = new RedisFlagCache(redis, { keyPrefix: `${prefix}layout:` });
    await cache.fill('env-x', { flags: [sampleFlag('f1', 'one', 1234567890123)], segments: [] }, 7);
    const base = `${prefix}layout:env:{env-x}`;
    expect(await redis.hgetall(`${base}:meta`)).toEqual({ version: '1234567890123', floor: '7' });
    expect(await redis.zrange(`${base}:index`, '0', '-1', 'WITHSCORES')).toEqual([
      'f:f1',
      '1234567890123',
    ]);
    expect(await redis.hkeys(`${base}:items`)).toEqual(['f:f1']);
  });

  it('rejects with CacheUnavailableError when Redis cannot be reached', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const cache = new RedisFlagCache(dead);
    await expect(cache.read('env')).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(cache.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
    dead.disconnect();
  });
});
