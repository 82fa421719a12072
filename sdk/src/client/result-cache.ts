// The per-user result cache in Web Storage: a reload (or an identify of a known user) renders
// at once from it, and its version makes the next sync a PATCH when the user is unchanged.
import type { WireResult, WireUser } from './wire.js';

/** The part of the Web Storage API the cache uses (`localStorage` by default). */
export interface CacheStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A result held for the current user; `cached` until confirmed by ELS. */
export interface HeldResult extends WireResult {
  readonly cached?: boolean;
}

/** Results and version per environment and user; every failure just means "no cache". */
export class ResultCache {
  readonly #prefix: string;

  constructor(
    private readonly storage: CacheStorage | null,
    secret: string,
  ) {
    let h = 5381;
    for (const ch of secret) h = (h * 33 + ch.charCodeAt(0)) | 0;
    this.#prefix = `vane:${(h >>> 0).toString(36)}:`;
  }

  /** The cached results of `user` (marked `cached`), and the version if the user is unchanged. */
  load(user: WireUser): { results: Map<string, HeldResult>; version: number } {
    const results = new Map<string, HeldResult>();
    let version = 0;
    try {
      const raw = this.storage?.getItem(this.#prefix + user.keyId);
      if (raw) {
        const c = JSON.parse(raw) as { u: string; v: number; r: WireResult[] };
        for (const r of c.r) results.set(r.flagKey, { ...r, cached: true });
        // The version is only valid for exactly this user (same attributes).
        if (c.u === JSON.stringify(user)) version = c.v;
      }
    } catch {
      // unreadable cache: start empty
    }
    return { results, version };
  }

  /** Stores the results of `user` at `version`. */
  save(user: WireUser, version: number, results: ReadonlyMap<string, HeldResult>): void {
    try {
      const r = [...results.values()].map(({ cached: _cached, ...rest }) => rest);
      this.storage?.setItem(
        this.#prefix + user.keyId,
        JSON.stringify({ u: JSON.stringify(user), v: version, r }),
      );
    } catch {
      // storage full or denied: the cache is an optimisation only
    }
  }
}
