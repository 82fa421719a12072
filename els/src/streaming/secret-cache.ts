// Secret lookups with a short-lived cache (the store is asked once per secret per TTL instead of
// once per connection), and the periodic re-check that closes connections whose secret was
// revoked or rotated while they were open, whatever their protocol.
import type { Logger } from 'pino';
import type { EnvironmentSource, SecretGrant } from '../environments/environment-source.js';
import type { ConnectionRegistry } from './connection-registry.js';
import type { SdkConnection } from './sdk-connection.js';

interface Cached {
  readonly grant: SecretGrant | undefined;
  readonly until: number;
}

/** Options of the cache. */
export interface SecretCacheOptions {
  /** How long an answer is reused, in ms (0 disables the cache). */
  readonly ttlMs: number;
  /** Most secrets remembered; the oldest are forgotten first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** `findSecret` with a TTL cache; concurrent lookups of one secret share one store read. */
export class SecretCache {
  readonly #entries = new Map<string, Cached>();
  readonly #inflight = new Map<string, Promise<SecretGrant | undefined>>();
  readonly #now: () => number;

  constructor(
    private readonly source: EnvironmentSource,
    private readonly options: SecretCacheOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  /** The grant of a secret (cached); rejects when the store is unavailable and nothing is cached. */
  async find(secret: string): Promise<SecretGrant | undefined> {
    const hit = this.#entries.get(secret);
    if (hit !== undefined && hit.until > this.#now()) return hit.grant;
    return this.fresh(secret);
  }

  /** Asks the store (bypassing the cache) and remembers the answer. */
  fresh(secret: string): Promise<SecretGrant | undefined> {
    const pending = this.#inflight.get(secret);
    if (pending !== undefined) return pending;
    const lookup = this.source.findSecret(secret).then(
      (grant) => {
        this.#inflight.delete(secret);
        this.#remember(secret, grant);
        return grant;
      },
      (err: unknown) => {
        this.#inflight.delete(secret);
        throw err;
      },
    );
    this.#inflight.set(secret, lookup);
    return lookup;
  }

  #remember(secret: string, grant: SecretGrant | undefined): void {
    if (this.options.ttlMs <= 0) return;
    this.#entries.delete(secret);
    this.#entries.set(secret, { grant, until: this.#now() + this.options.ttlMs });
    const max = this.options.maxEntries ?? 10_000;
    while (this.#entries.size > max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }
}

/**
 * Re-checks the secrets of open connections of every protocol against the store and closes those
 * whose secret no longer grants the same environment and kind (reason `revoked`: each protocol's
 * code). A store failure changes nothing (retried next time). Resolves with the number closed.
 */
export async function recheckSecrets(
  connections: ConnectionRegistry,
  secrets: SecretCache,
  logger: Logger,
): Promise<number> {
  const bySecret = new Map<string, SdkConnection[]>();
  for (const conn of connections.all()) {
    if (conn.secret === '') continue;
    const list = bySecret.get(conn.secret) ?? [];
    list.push(conn);
    bySecret.set(conn.secret, list);
  }
  let closed = 0;
  for (const [secret, conns] of bySecret) {
    let grant: SecretGrant | undefined;
    try {
      grant = await secrets.fresh(secret);
    } catch (err) {
      logger.warn({ err }, 'secret re-check failed; keeping connections');
      return closed;
    }
    for (const conn of conns) {
      if (grant !== undefined && grant.envId === conn.envId && grant.kind === conn.kind) continue;
      conn.closeFor('revoked');
      closed += 1;
    }
  }
  if (closed > 0) logger.info({ closed }, 'closed connections whose secret was revoked');
  return closed;
}
