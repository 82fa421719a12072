import { beforeEach, describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import type { EndUser } from '@vane/gen/node/vane/model/v1/end_user';
import type { Principal } from '../auth/principal.js';
import { SYSTEM } from '../auth/principal.js';
import { ChangeWriter } from '../changes/change-writer.js';
import { envAccess } from '../environments/env-access.js';
import { ENVIRONMENTS, FLAGS, SEGMENTS } from '@vane/server-kit/documents';
import type { EnvironmentDoc, FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import type { AdminService } from '../grpc/admin-service.js';
import type { Collection } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import type { EndUserServiceServer } from '@vane/gen/node/vane/admin/v1/end_user_service';
import { END_USERS } from './end-user-doc.js';
import type { EndUserDoc } from './end-user-doc.js';
import { endUserService } from './end-user-service.js';
import { InvalidArgument, NotFound, PermissionDenied } from '@vane/server-kit';

const principal = (role: Role, projectIds?: string[]): Principal => ({
  tokenId: `token-${role}`,
  tokenName: 'test',
  role,
  allProjects: projectIds === undefined,
  projectIds: projectIds ?? [],
});
const VIEWER = { principal: principal(Role.ROLE_VIEWER) };
const EDITOR = { principal: principal(Role.ROLE_EDITOR) };
const OTHER_PROJECT = { principal: principal(Role.ROLE_OWNER, ['proj-2']) };
const ENV = 'env-1';

function env(id: string): EnvironmentDoc {
  return {
    _id: id,
    revision: 1,
    outbox: [],
    projectId: 'proj-1',
    key: id,
    name: id,
    description: '',
    secrets: [],
    createdAt: 0,
    updatedAt: 0,
    creatorId: '',
    updaterId: '',
  };
}

function flag(key: string, patch: Partial<FlagDoc> = {}): FlagDoc {
  return {
    _id: `flag-${key}`,
    id: `flag-${key}`,
    revision: 1,
    outbox: [],
    envId: ENV,
    key,
    name: `Flag ${key}`,
    variationType: 'boolean',
    variations: [
      { id: 'on', name: 'On', value: 'true' },
      { id: 'off', name: 'Off', value: 'false' },
    ],
    isEnabled: true,
    disabledVariationId: 'off',
    targetUsers: [],
    rules: [],
    fallthrough: {
      includedInExpt: true,
      variations: [{ id: 'off', rollout: [0, 1], exptRollout: 1 }],
    },
    exptIncludeAllTargets: false,
    isArchived: false,
    prerequisites: [],
    segmentIds: [],
    version: 1,
    creatorId: '',
    updaterId: '',
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    ...patch,
  };
}

const user = (keyId: string, name = '', props: Record<string, string> = {}): EndUser => ({
  keyId,
  name,
  customProperties: Object.entries(props).map(([n, value]) => ({ name: n, value })),
});

let clock: number;
let endUsers: Collection<EndUserDoc>;
let flags: Collection<FlagDoc>;
let service: AdminService<EndUserServiceServer>;

beforeEach(async () => {
  const store = await MemoryDocumentStore.open();
  const environments = store.collection<EnvironmentDoc>(ENVIRONMENTS.name, ENVIRONMENTS.unique);
  await environments.insert(env(ENV));
  endUsers = store.collection<EndUserDoc>(END_USERS.name, END_USERS.unique);
  flags = store.collection<FlagDoc>(FLAGS.name, FLAGS.unique);
  clock = 1_000_000;
  const writer = new ChangeWriter(store, { recorded: async () => {} }, () => (clock += 1000));
  service = endUserService({
    endUsers,
    flags,
    segments: store.collection<SegmentDoc>(SEGMENTS.name, SEGMENTS.unique),
    envAccess: envAccess(environments),
    writer,
  });
});

describe('UpsertEndUser and GetEndUser', () => {
  it('creates a user, then replaces its name and properties as a whole', async () => {
    const created = await service.upsertEndUser(
      { envId: ENV, user: user('u1', 'Ann', { plan: 'free', country: 'DE' }) },
      EDITOR,
    );
    expect(created.user).toMatchObject({
      envId: ENV,
      user: { keyId: 'u1', name: 'Ann' },
      firstSeenAt: new Date(1_001_000),
      lastSeenAt: new Date(1_001_000),
    });
    await service.upsertEndUser({ envId: ENV, user: user('u1', '', { plan: 'pro' }) }, EDITOR);
    const { user: got } = await service.getEndUser({ envId: ENV, keyId: 'u1' }, VIEWER);
    expect(got?.user).toEqual({
      keyId: 'u1',
      name: '',
      customProperties: [{ name: 'plan', value: 'pro' }],
    });
    expect(got?.firstSeenAt).toEqual(new Date(1_001_000));
    expect(got!.lastSeenAt!.getTime()).toBeGreaterThan(1_001_000);
    const stored = await endUsers.get(`${ENV}:u1`);
    expect(stored).toMatchObject({ revision: 2, props: { plan: 'pro' } });
    expect(stored?.outbox.map((r) => [r.action, r.actorId])).toEqual([
      ['created', 'token-2'],
      ['updated', 'token-2'],
    ]);
  });

  it('rejects invalid users with every violation named', async () => {
    const bad = user('  ', '', {});
    bad.customProperties = [
      { name: 'keyId', value: 'x' },
      { name: 'a', value: '1' },
      { name: 'a', value: '2' },
      { name: '', value: '3' },
    ];
    const err = await service
      .upsertEndUser({ envId: ENV, user: bad }, EDITOR)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgument);
    expect((err as InvalidArgument).violations.map((v) => v.field)).toEqual([
      'user.key_id',
      'user.custom_properties[0].name',
      'user.custom_properties[2].name',
      'user.custom_properties[3].name',
    ]);
    await expect(
      service.upsertEndUser({ envId: ENV, user: user('x'.repeat(513)) }, EDITOR),
    ).rejects.toMatchObject({ violations: [{ field: 'user.key_id' }] });
    await expect(service.upsertEndUser({ envId: ENV }, EDITOR)).rejects.toMatchObject({
      violations: [{ field: 'user' }],
    });
  });

  it('needs EDITOR to write and the project in scope to read', async () => {
    await expect(
      service.upsertEndUser({ envId: ENV, user: user('u1') }, VIEWER),
    ).rejects.toMatchObject({ reason: ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT });
    await expect(
      service.upsertEndUser({ envId: ENV, user: user('u1') }, VIEWER),
    ).rejects.toBeInstanceOf(PermissionDenied);
    await expect(
      service.getEndUser({ envId: ENV, keyId: 'u1' }, OTHER_PROJECT),
    ).rejects.toMatchObject({ resourceType: ResourceType.RESOURCE_TYPE_ENVIRONMENT });
  });

  it('reports a missing user as NOT_FOUND', async () => {
    const err = await service
      .getEndUser({ envId: ENV, keyId: 'nobody' }, VIEWER)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFound);
    expect(err).toMatchObject({
      resourceType: ResourceType.RESOURCE_TYPE_END_USER,
      resourceId: 'nobody',
    });
  });
});

describe('DeleteEndUser', () => {
  it('deletes the record; a second delete is NOT_FOUND', async () => {
    await service.upsertEndUser({ envId: ENV, user: user('u1') }, EDITOR);
    await service.deleteEndUser({ envId: ENV, keyId: 'u1' }, EDITOR);
    await expect(service.getEndUser({ envId: ENV, keyId: 'u1' }, VIEWER)).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(service.deleteEndUser({ envId: ENV, keyId: 'u1' }, EDITOR)).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(service.deleteEndUser({ envId: ENV, keyId: 'u1' }, VIEWER)).rejects.toBeInstanceOf(
      PermissionDenied,
    );
  });
});

describe('SearchEndUsers', () => {
  beforeEach(async () => {
    // Upserted in this order, so last seen: carol (newest), bob, alice.
    await service.upsertEndUser(
      { envId: ENV, user: user('alice', 'Alice A', { plan: 'pro', 'a.b': 'x' }) },
      EDITOR,
    );
    await service.upsertEndUser(
      { envId: ENV, user: user('bob', 'Bob B', { plan: 'free' }) },
      EDITOR,
    );
    await service.upsertEndUser(
      { envId: ENV, user: user('carol', 'Carol', { plan: 'pro' }) },
      EDITOR,
    );
  });
  const keys = (r: { users: { user?: EndUser }[] }) => r.users.map((u) => u.user?.keyId);

  it('lists most recently seen first, with cursor paging', async () => {
    const first = await service.searchEndUsers(
      { envId: ENV, query: '', properties: [], page: { pageSize: 2, pageToken: '' } },
      VIEWER,
    );
    expect(keys(first)).toEqual(['carol', 'bob']);
    expect(first.page?.totalSize).toBeUndefined();
    const second = await service.searchEndUsers(
      {
        envId: ENV,
        query: '',
        properties: [],
        page: { pageSize: 2, pageToken: first.page!.nextPageToken },
      },
      VIEWER,
    );
    expect(keys(second)).toEqual(['alice']);
    expect(second.page?.nextPageToken).toBe('');
    await expect(
      service.searchEndUsers(
        {
          envId: ENV,
          query: 'a',
          properties: [],
          page: { pageSize: 2, pageToken: first.page!.nextPageToken },
        },
        VIEWER,
      ),
    ).rejects.toMatchObject({ reason: ErrorReason.ERROR_REASON_INVALID_PAGE_TOKEN });
  });

  it('matches key or name case-insensitively, and exact property values', async () => {
    const byQuery = await service.searchEndUsers(
      { envId: ENV, query: 'B B', properties: [] },
      VIEWER,
    );
    expect(keys(byQuery)).toEqual(['bob']);
    const pro = await service.searchEndUsers(
      { envId: ENV, query: '', properties: [{ name: 'plan', value: 'pro' }] },
      VIEWER,
    );
    expect(keys(pro)).toEqual(['carol', 'alice']);
    const dotted = await service.searchEndUsers(
      { envId: ENV, query: '', properties: [{ name: 'a.b', value: 'x' }] },
      VIEWER,
    );
    expect(keys(dotted)).toEqual(['alice']);
    const builtin = await service.searchEndUsers(
      { envId: ENV, query: 'a', properties: [{ name: 'name', value: 'Carol' }] },
      VIEWER,
    );
    expect(keys(builtin)).toEqual(['carol']);
    const contradiction = await service.searchEndUsers(
      {
        envId: ENV,
        query: '',
        properties: [
          { name: 'plan', value: 'pro' },
          { name: 'plan', value: 'free' },
        ],
      },
      VIEWER,
    );
    expect(contradiction.users).toEqual([]);
  });

  it('filters by a half-open last-seen range', async () => {
    const bob = (await service.getEndUser({ envId: ENV, keyId: 'bob' }, VIEWER)).user!;
    const t = bob.lastSeenAt!.getTime();
    const range = await service.searchEndUsers(
      {
        envId: ENV,
        query: 'o',
        properties: [],
        lastSeen: { startTime: new Date(t), endTime: new Date(t + 1000) },
      },
      VIEWER,
    );
    expect(keys(range)).toEqual(['bob']);
    await expect(
      service.searchEndUsers(
        {
          envId: ENV,
          query: '',
          properties: [],
          lastSeen: { startTime: new Date(t), endTime: new Date(t - 1) },
        },
        VIEWER,
      ),
    ).rejects.toMatchObject({ violations: [{ field: 'last_seen.end_time' }] });
  });
});

describe('ListEndUserFlags', () => {
  it('evaluates every active flag of the environment for the stored user, by key', async () => {
    await flags.insert(flag('beta', { targetUsers: [{ keyIds: ['u1'], variationId: 'on' }] }));
    await flags.insert(
      flag('pro-only', {
        name: 'Pro only',
        rules: [
          {
            id: 'r1',
            name: 'pro',
            includedInExpt: true,
            conditions: [{ property: 'plan', op: 'Equal', value: 'pro' }],
            variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
          },
        ],
      }),
    );
    await flags.insert(flag('old', { isArchived: true }));
    await flags.insert(flag('other-env', { envId: 'env-2' }));
    await flags.insert(flag('disabled', { isEnabled: false }));
    await service.upsertEndUser({ envId: ENV, user: user('u1', 'Ann', { plan: 'pro' }) }, EDITOR);

    const res = await service.listEndUserFlags({ envId: ENV, keyId: 'u1', query: '' }, VIEWER);
    expect(res.flags.map((f) => [f.flagId, f.result?.variationId, f.result?.reasonKind])).toEqual([
      ['flag-beta', 'on', EvaluationReasonKind.EVALUATION_REASON_KIND_TARGETED],
      ['flag-disabled', 'off', EvaluationReasonKind.EVALUATION_REASON_KIND_DISABLED],
      ['flag-pro-only', 'on', EvaluationReasonKind.EVALUATION_REASON_KIND_RULE_MATCH],
    ]);
    expect(res.flags[2]).toMatchObject({
      flagName: 'Pro only',
      isEnabled: true,
      result: { flagKey: 'pro-only', value: 'true' },
    });
    expect(res.page?.totalSize).toBe(3);

    const queried = await service.listEndUserFlags(
      { envId: ENV, keyId: 'u1', query: 'PRO ONLY' },
      VIEWER,
    );
    expect(queried.flags.map((f) => f.flagId)).toEqual(['flag-pro-only']);
  });

  it('is NOT_FOUND for a user that is not recorded', async () => {
    await expect(
      service.listEndUserFlags({ envId: ENV, keyId: 'ghost', query: '' }, VIEWER),
    ).rejects.toMatchObject({ resourceType: ResourceType.RESOURCE_TYPE_END_USER });
  });
});

describe('ListEndUserProperties', () => {
  it('lists the built-in attributes first, then custom names sorted', async () => {
    await service.upsertEndUser(
      { envId: ENV, user: user('u1', '', { plan: 'pro', age: '3' }) },
      EDITOR,
    );
    await service.upsertEndUser(
      { envId: ENV, user: user('u2', '', { plan: 'free', country: 'DE' }) },
      SYSTEM_CALL,
    );
    const res = await service.listEndUserProperties({ envId: ENV }, VIEWER);
    expect(res.properties).toEqual([
      { name: 'keyId', isBuiltin: true },
      { name: 'name', isBuiltin: true },
      { name: 'age', isBuiltin: false },
      { name: 'country', isBuiltin: false },
      { name: 'plan', isBuiltin: false },
    ]);
  });
});

const SYSTEM_CALL = { principal: SYSTEM };
