// When each access token was last used (`AccessToken.last_used_at`). Stored apart from the token,
// in its own unaudited collection, so that use neither floods the audit log nor bumps the token's
// revision; and refreshed at most once a minute per token per api-server, so that authenticating
// a call costs no store write except the first call of a token in each minute.
import type { Logger } from 'pino';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { UsageRecorder } from '../auth/authenticator.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import { DuplicateKeyError } from '../store/document-store.js';
import type { Collection, StoredDocument } from '../store/document-store.js';
import { NotFound } from '@vane/server-kit';

/** Collection of last-use times, one document per token that has authenticated (id = token id). */
export const TOKEN_USAGE = { name: 'access_token_usage' } as const;

/** The last-use time of one token. */
export interface TokenUsageDoc extends StoredDocument {
  /** Milliseconds since the epoch. */
  readonly lastUsedAt: number;
}

/** The stored last-use time is refreshed at most this often per token (the contract's minute). */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Records and reads last-use times; see the module comment. */
export class TokenUsage implements UsageRecorder {
  /** Token id → the last-use time this process knows to be stored (or is storing). */
  readonly #known = new Map<string, number>();

  constructor(
    private readonly usage: Collection<TokenUsageDoc>,
    private readonly writer: ChangeWriter,
    private readonly logger?: Logger,
  ) {}

  /** Notes that the token authenticated at `now`; writes only when the stored time is stale. */
  async touch(tokenId: string, now: number): Promise<void> {
    const known = this.#known.get(tokenId);
    if (known !== undefined && now - known < LAST_USED_RESOLUTION_MS) return;
    if (this.#known.size > 10_000) this.#known.clear();
    this.#known.set(tokenId, now); // concurrent calls of this token skip while this one writes
    try {
      await this.#store(tokenId, now);
    } catch (err) {
      this.#known.delete(tokenId);
      this.logger?.warn({ err, tokenId }, 'could not record the last use of an access token');
    }
  }

  /** The stored last-use times of these tokens (ids never used are absent). */
  async lastUsed(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const { items } = await this.usage.list({
      filter: { _id: { in: [...ids] } },
      orderBy: '_id',
      limit: ids.length,
    });
    return new Map(items.map((d) => [d._id, d.lastUsedAt]));
  }

  async #store(tokenId: string, now: number): Promise<void> {
    const ref = { type: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, display: tokenId };
    const meta = { actorId: tokenId, action: 'used' };
    const stale = (at: number) => now - at >= LAST_USED_RESOLUTION_MS;
    const stored = await this.usage.get(tokenId);
    if (!stored) {
      try {
        await this.writer.create<TokenUsageDoc>(
          this.usage,
          ref,
          () => ({ _id: tokenId, lastUsedAt: now }),
          meta,
          (err) => err,
        );
      } catch (err) {
        // A concurrent first use (another instance) won the insert; its time is as good as ours.
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      return;
    }
    if (!stale(stored.lastUsedAt)) {
      this.#known.set(tokenId, stored.lastUsedAt);
      return;
    }
    await this.writer.update(
      this.usage,
      tokenId,
      ref,
      0,
      (cur) => (stale(cur.lastUsedAt) ? { ...cur, lastUsedAt: now } : cur),
      meta,
      () => new NotFound(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, tokenId, 'access token usage'),
    );
  }
}
