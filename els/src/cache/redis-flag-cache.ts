// The Redis adapter of FlagCache. Per environment (a hash tag keeps its keys in one cluster slot):
//   <prefix>env:{<envId>}:meta   hash   version, floor
//   <prefix>env:{<envId>}:items  hash   f:<id> | s:<id> → JSON CacheEntry (tombstones included)
//   <prefix>env:{<envId>}:index  zset   f:<id> | s:<id> scored by version (the updatedAt index)
// A patch since v is ZRANGEBYSCORE (v +inf then HMGET. Writes compare versions inside a Lua
// script, so concurrent ELS instances applying the same change converge.
import type { Redis } from 'ioredis';
import type { EnvironmentContents } from '../environments/environment-source.js';
import { CacheUnavailableError, entriesOf, entryField, entryVersion } from './flag-cache.js';
import type { CacheEntry, CachedChanges, CachedEnvironment, FlagCache } from './flag-cache.js';

// KEYS: meta, items, index. ARGV: field, version, json, field, version, json, …
// Writes each entry newer than the held one; a missing meta means "not cached": nothing written.
const APPLY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local top = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
for i = 1, #ARGV, 3 do
  local v = tonumber(ARGV[i + 1])
  local held = redis.call('ZSCORE', KEYS[3], ARGV[i])
  if not held or tonumber(held) < v then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
    redis.call('ZADD', KEYS[3], v, ARGV[i])
    if v > top then top = v end
  end
end
redis.call('HSET', KEYS[1], 'version', string.format('%.0f', top))
return 1
`;

const CHUNK = 1000;

/** Options of the Redis cache. */
export interface RedisFlagCacheOptions {
  /** Prefix of every key (default `vane:els:`); tests use one of their own. */
  readonly keyPrefix?: string;
}

/** A FlagCache on Redis (ioredis). Build the client with `enableOfflineQueue: false`. */
export class RedisFlagCache implements FlagCache {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisFlagCacheOptions = {},
  ) {
    this.#prefix = options.keyPrefix ?? 'vane:els:';
  }

  /** See FlagCache. */
  read(envId: string): Promise<CachedEnvironment | undefined> {
    return this.changesSince(envId, -1);
  }

  /** See FlagCache. */
  changesSince(envId: string, since: number): Promise<CachedChanges | undefined> {
    const k = this.#keys(envId);
    return this.#guard(async () => {
      const [meta, fields] = await Promise.all([
        this.redis.hmget(k.meta, 'version', 'floor'),
        this.redis.zrangebyscore(k.index, `(${since}`, '+inf'),
      ]);
      const [version, floor] = meta;
      if (version === null || floor === null || version === undefined || floor === undefined) {
        return undefined;
      }
      const entries: CacheEntry[] = [];
      for (let i = 0; i < fields.length; i += CHUNK) {
        const values = await this.redis.hmget(k.items, ...fields.slice(i, i + CHUNK));
        for (const value of values) if (value !== null) entries.push(parse(value));
      }
      return { version: Number(version), floor: Number(floor), entries };
    });
  }

  /** See FlagCache. */
  fill(envId: string, contents: EnvironmentContents, floor: number): Promise<void> {
    const k = this.#keys(envId);
    const entries = entriesOf(contents);
    const version = entries.reduce((top, e) => Math.max(top, entryVersion(e)), floor);
    return this.#guard(async () => {
      const tx = this.redis.multi().del(k.meta, k.items, k.index);
      for (let i = 0; i < entries.length; i += CHUNK) {
        const chunk = entries.slice(i, i + CHUNK);
        tx.hset(k.items, Object.fromEntries(chunk.map((e) => [entryField(e), JSON.stringify(e)])));
        tx.zadd(k.index, ...chunk.flatMap((e) => [entryVersion(e), entryField(e)]));
      }
      tx.hset(k.meta, { version: String(version), floor: String(floor) });
      const results = await tx.exec();
      const failed = results?.find(([err]) => err !== null)?.[0];
      if (results === null || failed) throw failed ?? new Error('transaction aborted');
    });
  }

  /** See FlagCache. */
  apply(envId: string, entries: readonly CacheEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const k = this.#keys(envId);
    const args = entries.flatMap((e) => [
      entryField(e),
      String(entryVersion(e)),
      JSON.stringify(e),
    ]);
    return this.#guard(async () => {
      await this.redis.eval(APPLY, 3, k.meta, k.items, k.index, ...args);
    });
  }

  /** See FlagCache. */
  evict(envId: string): Promise<void> {
    const k = this.#keys(envId);
    return this.#guard(async () => {
      await this.redis.del(k.meta, k.items, k.index);
    });
  }

  /** See FlagCache. */
  ping(): Promise<void> {
    return this.#guard(async () => {
      await this.redis.ping();
    });
  }

  #keys(envId: string): { meta: string; items: string; index: string } {
    const base = `${this.#prefix}env:{${envId}}`;
    return { meta: `${base}:meta`, items: `${base}:items`, index: `${base}:index` };
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw new CacheUnavailableError('Redis request failed', { cause });
    }
  }
}

function parse(value: string): CacheEntry {
  return JSON.parse(value) as CacheEntry;
}
