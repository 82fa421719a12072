// The optional shared internal token of the analytics API (contract: InsightsService header).
import { timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { Unauthenticated } from '@vane/server-kit';
import type { Authenticate } from '@vane/server-kit';

/**
 * The authentication of every analytics call: none when `token` is undefined, else
 * `authorization: Bearer <token>` is required (Unauthenticated, TOKEN_MISSING or TOKEN_INVALID).
 */
export function internalTokenAuth(token: string | undefined): Authenticate<void> {
  const expected = token === undefined ? undefined : Buffer.from(token);
  return (metadata: Metadata) => {
    if (expected === undefined) return;
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || header.trim() === '') {
      throw new Unauthenticated(
        ErrorReason.ERROR_REASON_TOKEN_MISSING,
        'authorization: Bearer <token> metadata is required',
      );
    }
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const given = Buffer.from(match?.[1] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Unauthenticated(
        ErrorReason.ERROR_REASON_TOKEN_INVALID,
        'the bearer token is invalid',
      );
    }
  };
}
