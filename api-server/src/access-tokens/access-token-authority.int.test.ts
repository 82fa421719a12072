// Who may see, create and revoke which access token, through a real gRPC client on a real
// api-server (FerretDB, Kafka): scope and role bound every token call, the last all-projects
// OWNER token survives, expired tokens leave the default list, and last_used_at is kept.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { AuditAction } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import type { CreateAccessTokenRequest } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { adminClients, grpcError, startApiFixture } from '../testing/api-fixture.js';
import type { AdminClients, ApiFixture } from '../testing/api-fixture.js';

let fx: ApiFixture;
let owner: AdminClients;
let ownerId: string;
let projectA: string;
let projectB: string;
const opened: AdminClients[] = [];

/** A token made by `by` (default the owner): its id and clients that call with it. */
async function token(
  spec: Partial<CreateAccessTokenRequest> & { name: string; role: Role },
  by: AdminClients = owner,
): Promise<{ id: string; api: AdminClients }> {
  const res = await by.tokens.createAccessToken({
    allProjects: false,
    projectIds: [],
    expiresAt: undefined,
    ...spec,
  });
  const api = adminClients(fx.address, res.token);
  opened.push(api);
  return { id: res.accessToken!.id, api };
}

async function listedIds(api: AdminClients, includeInactive = false): Promise<string[]> {
  const res = await api.tokens.listAccessTokens({ page: undefined, query: '', includeInactive });
  return res.accessTokens.map((t) => t.id);
}

async function expectNotFound(call: Promise<unknown>, id: string): Promise<void> {
  const err = await grpcError(call);
  expect(err.code).toBe(status.NOT_FOUND);
  expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_NOT_FOUND);
  expect(err.info?.resourceType).toBe(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN);
  expect(err.info?.resourceId).toBe(id);
}

let adminA: { id: string; api: AdminClients };
let adminAll: { id: string; api: AdminClients };
let viewerA: { id: string; api: AdminClients };
let editorB: { id: string; api: AdminClients };
let viewerAB: { id: string; api: AdminClients };

beforeAll(async () => {
  fx = await startApiFixture();
  owner = fx.owner;
  ownerId = (await owner.tokens.getAccessToken({ id: '' })).accessToken!.id;
  const create = async (key: string) =>
    (await owner.projects.createProject({ key, name: key, description: '' })).project!.id;
  projectA = await create('a');
  projectB = await create('b');
  adminA = await token({ name: 'admin-a', role: Role.ROLE_ADMIN, projectIds: [projectA] });
  adminAll = await token({ name: 'admin-all', role: Role.ROLE_ADMIN, allProjects: true });
  viewerA = await token({ name: 'viewer-a', role: Role.ROLE_VIEWER, projectIds: [projectA] });
  editorB = await token({ name: 'editor-b', role: Role.ROLE_EDITOR, projectIds: [projectB] });
  viewerAB = await token({
    name: 'viewer-ab',
    role: Role.ROLE_VIEWER,
    projectIds: [projectA, projectB],
  });
});

afterAll(async () => {
  for (const api of opened) api.close();
  await fx?.close();
});

describe('seeing tokens', () => {
  it('lists to a project-scoped ADMIN only the tokens within its projects and role', async () => {
    const ids = await listedIds(adminA.api);
    expect(ids).toContain(adminA.id);
    expect(ids).toContain(viewerA.id);
    for (const hidden of [ownerId, adminAll.id, editorB.id, viewerAB.id]) {
      expect(ids).not.toContain(hidden);
    }
    const res = await adminA.api.tokens.listAccessTokens({
      page: undefined,
      query: '',
      includeInactive: true,
    });
    expect(res.page?.totalSize).toBe(res.accessTokens.length);
  });

  it('pages a scoped list without gaps, repeats or foreign tokens', async () => {
    const extra = await token({
      name: 'viewer-a-2',
      role: Role.ROLE_VIEWER,
      projectIds: [projectA],
    });
    const all = await listedIds(adminA.api);
    const paged: string[] = [];
    let pageToken = '';
    do {
      const res = await adminA.api.tokens.listAccessTokens({
        page: { pageSize: 1, pageToken },
        query: '',
        includeInactive: false,
      });
      expect(res.accessTokens.length).toBeLessThanOrEqual(1);
      paged.push(...res.accessTokens.map((t) => t.id));
      pageToken = res.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(paged).toEqual(all);
    expect(paged).toContain(extra.id);
  });

  it('never lists an OWNER token to an all-projects ADMIN', async () => {
    const ids = await listedIds(adminAll.api, true);
    expect(ids).not.toContain(ownerId);
    for (const seen of [adminA.id, adminAll.id, viewerA.id, editorB.id, viewerAB.id]) {
      expect(ids).toContain(seen);
    }
  });

  it('answers NOT_FOUND for a token outside the caller’s scope or above its role', async () => {
    await expectNotFound(adminA.api.tokens.getAccessToken({ id: ownerId }), ownerId);
    await expectNotFound(adminA.api.tokens.getAccessToken({ id: editorB.id }), editorB.id);
    await expectNotFound(adminA.api.tokens.getAccessToken({ id: viewerAB.id }), viewerAB.id);
    await expectNotFound(adminAll.api.tokens.getAccessToken({ id: ownerId }), ownerId);
    const got = await adminA.api.tokens.getAccessToken({ id: viewerA.id });
    expect(got.accessToken?.name).toBe('viewer-a');
  });

  it('finds tokens by name or by prefix', async () => {
    const { accessTokens } = await owner.tokens.listAccessTokens({
      page: undefined,
      query: 'viewer-a',
      includeInactive: false,
    });
    expect(accessTokens.map((t) => t.name).sort()).toEqual(['viewer-a', 'viewer-a-2', 'viewer-ab']);
    const prefix = accessTokens[0]!.tokenPrefix;
    const byPrefix = await owner.tokens.listAccessTokens({
      page: undefined,
      query: prefix,
      includeInactive: false,
    });
    expect(byPrefix.accessTokens.map((t) => t.id)).toContain(accessTokens[0]!.id);
  });
});

describe('creating tokens', () => {
  it('refuses a wider scope or a higher role, naming the field', async () => {
    const cases: [Partial<CreateAccessTokenRequest>, string][] = [
      [{ role: Role.ROLE_VIEWER, projectIds: [projectB] }, 'project_ids'],
      [{ role: Role.ROLE_VIEWER, projectIds: [projectA, projectB] }, 'project_ids'],
      [{ role: Role.ROLE_VIEWER, allProjects: true }, 'all_projects'],
      [{ role: Role.ROLE_OWNER, projectIds: [projectA] }, 'role'],
    ];
    for (const [spec, field] of cases) {
      const err = await grpcError(
        token({ name: 'x', role: Role.ROLE_VIEWER, ...spec }, adminA.api),
      );
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_VALIDATION_FAILED);
      expect(err.info?.fieldViolations.map((v) => v.field)).toEqual([field]);
    }
  });

  it('lets a scoped ADMIN create an ADMIN within its scope, and see it', async () => {
    const made = await token(
      { name: 'admin-a-2', role: Role.ROLE_ADMIN, projectIds: [projectA] },
      adminA.api,
    );
    expect(await listedIds(adminA.api)).toContain(made.id);
  });

  it('refuses token management to an EDITOR', async () => {
    const err = await grpcError(
      token({ name: 'x', role: Role.ROLE_VIEWER, projectIds: [projectB] }, editorB.api),
    );
    expect(err.code).toBe(status.PERMISSION_DENIED);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT);
  });
});

describe('revoking tokens', () => {
  it('refuses a scoped ADMIN the OWNER’s, another project’s and a wider token', async () => {
    await expectNotFound(adminA.api.tokens.revokeAccessToken({ id: ownerId }), ownerId);
    await expectNotFound(adminA.api.tokens.revokeAccessToken({ id: editorB.id }), editorB.id);
    await expectNotFound(adminA.api.tokens.revokeAccessToken({ id: viewerAB.id }), viewerAB.id);
    await expectNotFound(adminA.api.tokens.revokeAccessToken({ id: adminAll.id }), adminAll.id);
    const untouched = await listedIds(owner);
    for (const id of [ownerId, editorB.id, viewerAB.id, adminAll.id])
      expect(untouched).toContain(id);
  });

  it('refuses an all-projects ADMIN an OWNER token', async () => {
    await expectNotFound(adminAll.api.tokens.revokeAccessToken({ id: ownerId }), ownerId);
    const self = await owner.tokens.getAccessToken({ id: '' });
    expect(self.accessToken?.revokedAt).toBeUndefined();
  });

  it('refuses a VIEWER another token, but lets it revoke itself', async () => {
    const err = await grpcError(viewerA.api.tokens.revokeAccessToken({ id: adminA.id }));
    expect(err.code).toBe(status.PERMISSION_DENIED);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT);
    const self = await token({
      name: 'viewer-self',
      role: Role.ROLE_VIEWER,
      projectIds: [projectA],
    });
    const res = await self.api.tokens.revokeAccessToken({ id: self.id });
    expect(res.accessToken?.revokedAt).toBeDefined();
  });

  it('lets a scoped ADMIN revoke tokens within its scope, idempotently', async () => {
    const first = await adminA.api.tokens.revokeAccessToken({ id: viewerA.id });
    const again = await adminA.api.tokens.revokeAccessToken({ id: viewerA.id });
    expect(first.accessToken?.revokedAt).toBeDefined();
    expect(again.accessToken?.revokedAt).toEqual(first.accessToken?.revokedAt);
    expect(await listedIds(adminA.api)).not.toContain(viewerA.id);
    expect(await listedIds(adminA.api, true)).toContain(viewerA.id);
  });

  it('lets an all-projects ADMIN revoke another project’s ADMIN', async () => {
    const res = await adminAll.api.tokens.revokeAccessToken({ id: adminA.id });
    expect(res.accessToken?.revokedAt).toBeDefined();
  });
});

describe('inactive tokens', () => {
  it('leaves expired tokens out of the default list, and shows them with include_inactive', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const soon = await token({
      name: 'short-lived',
      role: Role.ROLE_VIEWER,
      allProjects: true,
      expiresAt,
    });
    expect(await listedIds(owner)).toContain(soon.id);
    await expect
      .poll(() => listedIds(owner), { timeout: 5_000, interval: 100 })
      .not.toContain(soon.id);
    expect(await listedIds(owner, true)).toContain(soon.id);
    const err = await grpcError(soon.api.tokens.getAccessToken({ id: '' }));
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_EXPIRED);
  });
});

describe('last_used_at', () => {
  it('is unset before first use, set by it, and refreshed at most once a minute', async () => {
    const fresh = await token({ name: 'fresh', role: Role.ROLE_VIEWER, allProjects: true });
    const before = await owner.tokens.getAccessToken({ id: fresh.id });
    expect(before.accessToken?.lastUsedAt).toBeUndefined();

    const self = await fresh.api.tokens.getAccessToken({ id: '' });
    const used = self.accessToken?.lastUsedAt;
    expect(used).toBeDefined();
    expect(used!.getTime()).toBeGreaterThanOrEqual(before.accessToken!.createdAt!.getTime());

    await fresh.api.projects.listProjects({ page: undefined, query: '' });
    const listed = await owner.tokens.listAccessTokens({
      page: undefined,
      query: 'fresh',
      includeInactive: false,
    });
    expect(listed.accessTokens[0]?.lastUsedAt).toEqual(used);
  });

  it('writes no audit entry for a use', async () => {
    const fresh = await token({ name: 'quiet', role: Role.ROLE_VIEWER, allProjects: true });
    await fresh.api.projects.listProjects({ page: undefined, query: '' });
    await fx.server.relay.drain();
    const { entries } = await owner.audit.listAuditLogEntries({
      page: { pageSize: 500, pageToken: '' },
      projectId: '',
      envId: '',
      resourceType: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN,
      resourceId: fresh.id,
      actorId: '',
      actions: [],
      timeRange: undefined,
      query: '',
    });
    expect(entries.map((e) => e.action)).toEqual([AuditAction.AUDIT_ACTION_CREATE]);
  });
});

// Last, because it revokes the fixture's owner token.
describe('the last OWNER token', () => {
  it('cannot be revoked, naming why; a project-scoped OWNER does not count', async () => {
    await token({ name: 'owner-a', role: Role.ROLE_OWNER, projectIds: [projectA] });
    const err = await grpcError(owner.tokens.revokeAccessToken({ id: ownerId }));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_INVALID_STATE);
    expect(err.info?.resourceType).toBe(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN);
    expect(err.info?.resourceId).toBe(ownerId);
    expect(err.info?.metadata).toEqual({ rule: 'last_owner_token' });
    expect(err.message).toMatch(/last usable OWNER token scoped to all projects/);
  });

  it('can be revoked once another all-projects OWNER exists, which then is the last', async () => {
    const second = await token({ name: 'owner-2', role: Role.ROLE_OWNER, allProjects: true });
    const res = await second.api.tokens.revokeAccessToken({ id: ownerId });
    expect(res.accessToken?.revokedAt).toBeDefined();
    const err = await grpcError(second.api.tokens.revokeAccessToken({ id: second.id }));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.info?.resourceId).toBe(second.id);
  });
});
