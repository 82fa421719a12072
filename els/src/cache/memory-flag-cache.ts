// An in-memory FlagCache for unit tests and the embedded default; `down` simulates an outage.
import type { EnvironmentContents } from '../environments/environment-source.js';
import { CacheUnavailableError, entriesOf, entryField, entryVersion } from './flag-cache.js';
import type { CacheEntry, CachedChanges, CachedEnvironment, FlagCache } from './flag-cache.js';

interface Env {
  version: number;
  floor: number;
  readonly entries: Map<string, CacheEntry>;
}

/** A FlagCache in maps. */
export class MemoryFlagCache implements FlagCache {
  readonly #envs = new Map<string, Env>();
  /** While true every call rejects with `CacheUnavailableError` (tests of outages). */
  down = false;

  /** See FlagCache. */
  read(envId: string): Promise<CachedEnvironment | undefined> {
    return this.#run(() => {
      const env = this.#envs.get(envId);
      if (env === undefined) return undefined;
      return { version: env.version, floor: env.floor, entries: [...env.entries.values()] };
    });
  }

  /** See FlagCache. */
  changesSince(envId: string, since: number): Promise<CachedChanges | undefined> {
    return this.#run(() => {
      const env = this.#envs.get(envId);
      if (env === undefined) return undefined;
      const entries = [...env.entries.values()]
        .filter((e) => entryVersion(e) > since)
        .sort((a, b) => entryVersion(a) - entryVersion(b));
      return { version: env.version, floor: env.floor, entries };
    });
  }

  /** See FlagCache. */
  fill(envId: string, contents: EnvironmentContents, floor: number): Promise<void> {
    return this.#run(() => {
      const entries = entriesOf(contents);
      this.#envs.set(envId, {
        version: entries.reduce((top, e) => Math.max(top, entryVersion(e)), floor),
        floor,
        entries: new Map(entries.map((e) => [entryField(e), e])),
      });
    });
  }

  /** See FlagCache. */
  apply(envId: string, entries: readonly CacheEntry[]): Promise<void> {
    return this.#run(() => {
      const env = this.#envs.get(envId);
      if (env === undefined) return;
      for (const entry of entries) {
        const field = entryField(entry);
        const held = env.entries.get(field);
        const version = entryVersion(entry);
        if (held !== undefined && entryVersion(held) >= version) continue;
        env.entries.set(field, entry);
        env.version = Math.max(env.version, version);
      }
    });
  }

  /** See FlagCache. */
  evict(envId: string): Promise<void> {
    return this.#run(() => void this.#envs.delete(envId));
  }

  /** See FlagCache. */
  ping(): Promise<void> {
    return this.#run(() => undefined);
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.down) return Promise.reject(new CacheUnavailableError('memory cache is down'));
    return Promise.resolve(work());
  }
}
