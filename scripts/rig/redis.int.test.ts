import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers, uniqueTestName } from './test-env.js';

const prefix = `${uniqueTestName('rig_redis')}:`;

describe('Redis (real server from scripts/services.sh)', () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(testServers().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const info = await redis.info('server');
    console.log(`Redis version: ${/redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'}`);
  });

  afterAll(async () => {
    if (!redis) return;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });

  it('stores a string and reads it back, with expiry', async () => {
    const key = `${prefix}greeting`;
    expect(await redis.set(key, 'hello vane', 'EX', 60)).toBe('OK');
    expect(await redis.get(key)).toBe('hello vane');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await redis.get(`${prefix}missing`)).toBeNull();
  });

  it('returns a sorted-set range by score in score order', async () => {
    const key = `${prefix}scores`;
    await redis.zadd(key, 30, 'c', 10, 'a', 20, 'b', 40, 'd');
    expect(await redis.zrangebyscore(key, 15, 35)).toEqual(['b', 'c']);
    expect(await redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES')).toEqual([
      'a',
      '10',
      'b',
      '20',
      'c',
      '30',
      'd',
      '40',
    ]);
    expect(await redis.zcount(key, '(10', 40)).toBe(3);
  });

  it('delivers a published message to a subscriber (pub/sub round trip)', async () => {
    const channel = `${prefix}events`;
    const subscriber = redis.duplicate();
    try {
      const received = new Promise<{ channel: string; message: string }>((resolve) => {
        subscriber.on('message', (from: string, message: string) =>
          resolve({ channel: from, message }),
        );
      });
      expect(await subscriber.subscribe(channel)).toBe(1);
      expect(await redis.publish(channel, 'flag-updated:checkout')).toBe(1);
      await expect(received).resolves.toEqual({ channel, message: 'flag-updated:checkout' });
    } finally {
      subscriber.disconnect();
    }
  });
});
