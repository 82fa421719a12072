// Access-token secrets: how they look, and how they are stored (hashed, never in clear).
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every Vane access token, so that secret scanners can recognise them. */
export const TOKEN_PREFIX = 'vane_';

/** A new random access token (256 bits of entropy). */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token: its SHA-256, hex. High-entropy tokens need no slow hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters of a token, safe to show so people can tell tokens apart. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 4);
}
