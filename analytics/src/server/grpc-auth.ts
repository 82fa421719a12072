// The optional shared internal token of the analytics API (contract: InsightsService header).
import { timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { Unauthenticated } from '../errors/domain-errors.js';

/** Checks `authorization: Bearer <token>` when a token is configured; throws Unauthenticated. */
export function checkInternalToken(metadata: Metadata, token: string | undefined): void {
  if (token === undefined) return;
  const header = metadata.get('authorization')[0];
  if (typeof header !== 'string' || header.trim() === '') throw new Unauthenticated(true);
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Unauthenticated(false);
  }
}
