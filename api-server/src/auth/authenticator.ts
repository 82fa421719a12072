// Turns the `authorization: Bearer <token>` metadata of a call into a Principal, or throws
// UNAUTHENTICATED. Tokens are looked up by their hash; the plaintext is never stored or logged.
import type { Metadata } from '@grpc/grpc-js';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import type { AccessTokenDoc } from '../access-tokens/access-token-doc.js';
import type { Collection } from '../store/document-store.js';
import type { Principal } from './principal.js';
import { hashToken } from './token-secret.js';
import { Unauthenticated } from '@vane/server-kit';

/** How long a looked-up token is trusted before it is read again (revocation delay), in ms. */
export const TOKEN_CACHE_MS = 2000;

/** Learns of every successful authentication (to maintain `last_used_at`). */
export interface UsageRecorder {
  /** Notes that the token authenticated a call at `now`; never throws. */
  touch(tokenId: string, now: number): Promise<void>;
}

const NO_USAGE: UsageRecorder = { touch: async () => {} };

/** Authenticates calls against the access-token collection. */
export class Authenticator {
  readonly #cache = new Map<string, { doc: AccessTokenDoc | undefined; until: number }>();

  constructor(
    private readonly tokens: Collection<AccessTokenDoc>,
    private readonly usage: UsageRecorder = NO_USAGE,
    /** The clock of the lookup cache and of expiry; tests pass a fake one and advance it. */
    private readonly now: () => number = Date.now,
  ) {}

  /** The principal of a call's metadata; throws UNAUTHENTICATED with the precise reason. */
  async authenticate(metadata: Metadata): Promise<Principal> {
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || header.trim() === '') {
      throw new Unauthenticated(
        ErrorReason.ERROR_REASON_TOKEN_MISSING,
        'missing access token: send metadata "authorization: Bearer <token>"',
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new Unauthenticated(
        ErrorReason.ERROR_REASON_TOKEN_INVALID,
        'malformed authorization metadata: expected "Bearer <token>"',
      );
    }
    const doc = await this.#lookup(hashToken(match[1]));
    const now = this.now();
    if (!doc)
      throw new Unauthenticated(ErrorReason.ERROR_REASON_TOKEN_INVALID, 'unknown access token');
    if (doc.revokedAt !== undefined) {
      throw new Unauthenticated(
        ErrorReason.ERROR_REASON_TOKEN_REVOKED,
        'the access token was revoked',
      );
    }
    if (doc.expiresAt !== undefined && doc.expiresAt <= now) {
      throw new Unauthenticated(
        ErrorReason.ERROR_REASON_TOKEN_EXPIRED,
        'the access token has expired',
      );
    }
    await this.usage.touch(doc._id, now);
    return {
      tokenId: doc._id,
      tokenName: doc.name,
      role: doc.role,
      allProjects: doc.allProjects,
      projectIds: doc.projectIds,
    };
  }

  /** Forgets cached lookups (after a revocation in this process). */
  invalidate(): void {
    this.#cache.clear();
  }

  async #lookup(hash: string): Promise<AccessTokenDoc | undefined> {
    const now = this.now();
    const cached = this.#cache.get(hash);
    if (cached && cached.until > now) return cached.doc;
    const doc = await this.tokens.findOne({ hash });
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { doc, until: now + TOKEN_CACHE_MS });
    return doc;
  }
}
