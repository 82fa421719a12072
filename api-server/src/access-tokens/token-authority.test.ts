import { describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type { Principal } from '../auth/principal.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import type { AccessTokenDoc } from './access-token-doc.js';
import {
  authorityFilter,
  isRootOwner,
  rootOwnersFilter,
  usableFilter,
  withinAuthority,
} from './token-authority.js';

const caller = (role: Role, projectIds?: string[]): Principal => ({
  tokenId: 'caller',
  tokenName: 'caller',
  role,
  allProjects: projectIds === undefined,
  projectIds: projectIds ?? [],
});

let n = 0;
const doc = (role: Role, projectIds?: string[], extra: Partial<AccessTokenDoc> = {}) =>
  ({
    _id: `t${(n += 1)}`,
    revision: 1,
    outbox: [],
    name: 'n',
    role,
    allProjects: projectIds === undefined,
    projectIds: projectIds ?? [],
    hash: `h${n}`,
    tokenPrefix: 'vane_abcd',
    createdAt: n,
    creatorId: '',
    ...extra,
  }) satisfies AccessTokenDoc;

describe('withinAuthority', () => {
  const adminA = caller(Role.ROLE_ADMIN, ['a']);
  const adminAll = caller(Role.ROLE_ADMIN);

  it('covers tokens of at most the caller’s role inside its projects', () => {
    expect(withinAuthority(adminA, doc(Role.ROLE_ADMIN, ['a']))).toBe(true);
    expect(withinAuthority(adminA, doc(Role.ROLE_VIEWER, ['a']))).toBe(true);
    expect(
      withinAuthority(caller(Role.ROLE_ADMIN, ['a', 'b']), doc(Role.ROLE_VIEWER, ['b', 'a'])),
    ).toBe(true);
  });

  it('excludes a higher role, another project, a wider list and all projects', () => {
    expect(withinAuthority(adminA, doc(Role.ROLE_OWNER, ['a']))).toBe(false);
    expect(withinAuthority(adminA, doc(Role.ROLE_VIEWER, ['b']))).toBe(false);
    expect(withinAuthority(adminA, doc(Role.ROLE_VIEWER, ['a', 'b']))).toBe(false);
    expect(withinAuthority(adminA, doc(Role.ROLE_VIEWER))).toBe(false);
  });

  it('lets an all-projects caller cover every scope, but not a higher role', () => {
    expect(withinAuthority(adminAll, doc(Role.ROLE_ADMIN, ['x']))).toBe(true);
    expect(withinAuthority(adminAll, doc(Role.ROLE_EDITOR))).toBe(true);
    expect(withinAuthority(adminAll, doc(Role.ROLE_OWNER))).toBe(false);
  });
});

describe('store filters', () => {
  it('match, on the memory store, what the predicates say', async () => {
    const store = await MemoryDocumentStore.open();
    const tokens = store.collection<AccessTokenDoc>('tokens');
    const docs = [
      doc(Role.ROLE_OWNER),
      doc(Role.ROLE_OWNER, ['a']),
      doc(Role.ROLE_OWNER, undefined, { revokedAt: 5 }),
      doc(Role.ROLE_OWNER, undefined, { expiresAt: 50 }),
      doc(Role.ROLE_OWNER, undefined, { expiresAt: 200 }),
      doc(Role.ROLE_ADMIN, ['a']),
      doc(Role.ROLE_VIEWER, ['a', 'b']),
      doc(Role.ROLE_EDITOR, ['b']),
    ];
    for (const d of docs) await tokens.insert(d);
    const ids = async (filter: Parameters<typeof tokens.list>[0]['filter']) =>
      (await tokens.list({ filter, orderBy: '_id', limit: 100 })).items.map((d) => d._id).sort();
    const expected = (keep: (d: AccessTokenDoc) => boolean) =>
      docs
        .filter(keep)
        .map((d) => d._id)
        .sort();

    const now = 100;
    expect(await ids(rootOwnersFilter(now))).toEqual(expected((d) => isRootOwner(d, now)));
    expect(await ids(usableFilter(now))).toEqual(
      expected((d) => d.revokedAt === undefined && (d.expiresAt ?? Infinity) > now),
    );
    const adminA = caller(Role.ROLE_ADMIN, ['a']);
    // A superset for scoped callers: withinAuthority removes the token that spans b too.
    const candidates = await ids(authorityFilter(adminA));
    expect(
      candidates.filter((id) =>
        withinAuthority(
          adminA,
          docs.find((d) => d._id === id)!,
        ),
      ),
    ).toEqual(expected((d) => withinAuthority(adminA, d)));
    expect(await ids(authorityFilter(caller(Role.ROLE_ADMIN)))).toEqual(
      expected((d) => d.role <= Number(Role.ROLE_ADMIN)),
    );
    await store.close();
  });
});
