// The authenticator trusts a token lookup for TOKEN_CACHE_MS on its injected clock, then reads
// the store again (so a revocation elsewhere takes effect), and checks expiry on the same clock.
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { Unauthenticated } from '@vane/server-kit';
import type { AccessTokenDoc } from '../access-tokens/access-token-doc.js';
import type { Collection } from '../store/document-store.js';
import { Authenticator, TOKEN_CACHE_MS } from './authenticator.js';
import { hashToken } from './token-secret.js';

const TOKEN = 'vane_test-token';

/** A token collection holding one document, counting the lookups. */
function oneToken(doc: Partial<AccessTokenDoc> = {}) {
  let stored: AccessTokenDoc = {
    _id: 't1',
    revision: 1,
    outbox: [],
    name: 'test',
    role: 1,
    allProjects: true,
    projectIds: [],
    hash: hashToken(TOKEN),
    tokenPrefix: TOKEN.slice(0, 9),
    createdAt: 0,
    creatorId: '',
    ...doc,
  };
  const state = { lookups: 0 };
  const tokens = {
    findOne: (filter: { hash: string }) => {
      state.lookups++;
      return Promise.resolve(filter.hash === stored.hash ? stored : undefined);
    },
  } as unknown as Collection<AccessTokenDoc>;
  const update = (patch: Partial<AccessTokenDoc>) => (stored = { ...stored, ...patch });
  return { tokens, state, update };
}

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

async function reason(call: Promise<unknown>): Promise<ErrorReason | undefined> {
  const err: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Unauthenticated);
  return (err as Unauthenticated).reason;
}

describe('Authenticator', () => {
  it('trusts a lookup for TOKEN_CACHE_MS of its clock, then reads the store again', async () => {
    let now = 1_000_000;
    const { tokens, state, update } = oneToken();
    const auth = new Authenticator(tokens, undefined, () => now);
    expect((await auth.authenticate(bearer(TOKEN))).tokenId).toBe('t1');
    update({ revokedAt: now });
    now += TOKEN_CACHE_MS - 1;
    expect((await auth.authenticate(bearer(TOKEN))).tokenId).toBe('t1'); // still cached
    expect(state.lookups).toBe(1);
    now += 1;
    expect(await reason(auth.authenticate(bearer(TOKEN)))).toBe(
      ErrorReason.ERROR_REASON_TOKEN_REVOKED,
    );
    expect(state.lookups).toBe(2);
  });

  it('forgets cached lookups on invalidate()', async () => {
    const { tokens, state } = oneToken();
    const auth = new Authenticator(tokens, undefined, () => 0);
    await auth.authenticate(bearer(TOKEN));
    auth.invalidate();
    await auth.authenticate(bearer(TOKEN));
    expect(state.lookups).toBe(2);
  });

  it('checks expiry on the same clock', async () => {
    let now = 5_000;
    const { tokens } = oneToken({ expiresAt: 6_000 });
    const auth = new Authenticator(tokens, undefined, () => now);
    expect((await auth.authenticate(bearer(TOKEN))).tokenId).toBe('t1');
    now = 6_000;
    expect(await reason(auth.authenticate(bearer(TOKEN)))).toBe(
      ErrorReason.ERROR_REASON_TOKEN_EXPIRED,
    );
  });
});
