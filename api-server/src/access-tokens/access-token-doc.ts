// The stored form of an access token: only its SHA-256 hash, never the token itself.
import type { StoredDocument } from '../store/document-store.js';

/** Collection name and unique indexes of access tokens. */
export const ACCESS_TOKENS = {
  name: 'access_tokens',
  unique: [{ name: 'hash', fields: ['hash'] }],
} as const;

/** An admin-API access token. */
export interface AccessTokenDoc extends StoredDocument {
  readonly name: string;
  /** Role enum value of the contract (VIEWER=1 … OWNER=4). */
  readonly role: number;
  readonly allProjects: boolean;
  readonly projectIds: readonly string[];
  /** SHA-256 (hex) of the token. */
  readonly hash: string;
  /** First characters of the token, for display. */
  readonly tokenPrefix: string;
  readonly createdAt: number;
  /** Empty for the bootstrap token. */
  readonly creatorId: string;
  readonly expiresAt?: number;
  readonly revokedAt?: number;
}
