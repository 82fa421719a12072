// The admin API through a real gRPC client, on real FerretDB and Kafka: every service's happy path
// and each error code, with the structured details the contract promises.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import { TOKEN_CACHE_MS } from './auth/authenticator.js';
import { adminClients, grpcError, startApiFixture } from './testing/api-fixture.js';
import type { AdminClients, ApiFixture } from './testing/api-fixture.js';

let fx: ApiFixture;
let owner: AdminClients;
/** How far the api-server's token clock runs ahead of the real one (advanced past its cache). */
let clockAhead = 0;
let projectId: string;
let envId: string;

/** A proto flag with only what the test sets (the rest zero-valued, as a client would send). */
function flagInput(partial: Partial<FeatureFlag>): FeatureFlag {
  return {
    id: '',
    envId: '',
    key: '',
    name: '',
    description: '',
    tags: [],
    variationType: VariationType.VARIATION_TYPE_UNSPECIFIED,
    variations: [],
    isEnabled: false,
    disabledVariationId: '',
    targetUsers: [],
    rules: [],
    fallthrough: undefined,
    exptIncludeAllTargets: false,
    isArchived: false,
    prerequisites: [],
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: 0,
    ...partial,
  };
}

beforeAll(async () => {
  fx = await startApiFixture({ now: () => Date.now() + clockAhead });
  owner = fx.owner;
  const { project } = await owner.projects.createProject({
    key: 'shop',
    name: 'Shop',
    description: '',
  });
  projectId = project!.id;
  const { environment } = await owner.environments.createEnvironment({
    projectId,
    key: 'prod',
    name: 'Production',
    description: '',
  });
  envId = environment!.id;
});

afterAll(async () => {
  await fx?.close();
});

describe('authentication and authorization', () => {
  it('rejects a call without a token with UNAUTHENTICATED (TOKEN_MISSING)', async () => {
    const anonymous = adminClients(fx.address);
    const err = await grpcError(anonymous.projects.listProjects({ page: undefined, query: '' }));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_MISSING);
  });

  it('rejects an unknown token with UNAUTHENTICATED (TOKEN_INVALID)', async () => {
    const stranger = adminClients(fx.address, 'vane_not-a-real-token');
    const err = await grpcError(stranger.projects.listProjects({ page: undefined, query: '' }));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_INVALID);
  });

  it('gives a VIEWER read access but PERMISSION_DENIED on writes, and revokes tokens', async () => {
    const created = await owner.tokens.createAccessToken({
      name: 'viewer',
      role: Role.ROLE_VIEWER,
      allProjects: true,
      projectIds: [],
      expiresAt: undefined,
    });
    expect(created.token).toMatch(/^vane_/);
    expect(created.accessToken?.tokenPrefix).toBe(created.token.slice(0, 9));
    const viewer = adminClients(fx.address, created.token);
    const { projects } = await viewer.projects.listProjects({ page: undefined, query: '' });
    expect(projects.map((p) => p.key)).toContain('shop');
    const err = await grpcError(
      viewer.flags.createFeatureFlag({
        envId,
        flag: flagInput({
          key: 'nope',
          name: 'n',
          variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        }),
        comment: '',
      }),
    );
    expect(err.code).toBe(status.PERMISSION_DENIED);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT);
    await owner.tokens.revokeAccessToken({ id: created.accessToken!.id });
    clockAhead += TOKEN_CACHE_MS + 1; // past the authenticator's lookup cache, without sleeping
    const revoked = await grpcError(viewer.projects.listProjects({ page: undefined, query: '' }));
    expect(revoked.code).toBe(status.UNAUTHENTICATED);
    expect(revoked.info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_REVOKED);
  });

  it('hides projects outside a scoped token and refuses role escalation', async () => {
    const { project: other } = await owner.projects.createProject({
      key: 'other',
      name: 'Other',
      description: '',
    });
    const scoped = await owner.tokens.createAccessToken({
      name: 'scoped-admin',
      role: Role.ROLE_ADMIN,
      allProjects: false,
      projectIds: [other!.id],
      expiresAt: undefined,
    });
    const admin = adminClients(fx.address, scoped.token);
    const { projects } = await admin.projects.listProjects({ page: undefined, query: '' });
    expect(projects.map((p) => p.key)).toEqual(['other']);
    expect((await grpcError(admin.projects.getProject({ id: projectId }))).code).toBe(
      status.NOT_FOUND,
    );
    const escalate = await grpcError(
      admin.tokens.createAccessToken({
        name: 'x',
        role: Role.ROLE_OWNER,
        allProjects: false,
        projectIds: [other!.id],
        expiresAt: undefined,
      }),
    );
    expect(escalate.code).toBe(status.INVALID_ARGUMENT);
    expect(escalate.info?.fieldViolations.map((v) => v.field)).toContain('role');
  });
});

describe('projects and environments', () => {
  it('creates environments with a server and a client secret in FeatBit’s 44-character format', async () => {
    const { environment } = await owner.environments.getEnvironment({ id: envId });
    expect(environment?.secrets.map((s) => s.kind).sort()).toEqual([
      SecretKind.SECRET_KIND_SERVER,
      SecretKind.SECRET_KIND_CLIENT,
    ]);
    for (const s of environment!.secrets) expect(s.value).toMatch(/^[A-Za-z0-9_-]{44}$/);
  });

  it('rotates and revokes secrets', async () => {
    const { environment } = await owner.environments.getEnvironment({ id: envId });
    const server = environment!.secrets.find((s) => s.kind === SecretKind.SECRET_KIND_SERVER)!;
    const rotated = await owner.environments.rotateSecret({ envId, secretId: server.id });
    expect(rotated.secret?.value).not.toBe(server.value);
    const added = await owner.environments.addSecret({
      envId,
      name: 'extra',
      kind: SecretKind.SECRET_KIND_CLIENT,
    });
    const revoked = await owner.environments.revokeSecret({ envId, secretId: added.secret!.id });
    expect(revoked.environment?.secrets.map((s) => s.id)).not.toContain(added.secret!.id);
  });

  it('answers ALREADY_EXISTS for a taken key and NOT_FOUND for an unknown id', async () => {
    const dup = await grpcError(
      owner.environments.createEnvironment({
        projectId,
        key: 'prod',
        name: 'Again',
        description: '',
      }),
    );
    expect(dup.code).toBe(status.ALREADY_EXISTS);
    expect(dup.info?.reason).toBe(ErrorReason.ERROR_REASON_ALREADY_EXISTS);
    expect(dup.info?.resourceId).toBe('prod');
    const missing = await grpcError(
      owner.environments.getEnvironment({ id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.info?.resourceType).toBe(ResourceType.RESOURCE_TYPE_ENVIRONMENT);
  });

  it('refuses to delete a project that still has environments (FAILED_PRECONDITION)', async () => {
    const err = await grpcError(
      owner.projects.deleteProject({ id: projectId, expectedRevision: 0 }),
    );
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_NOT_EMPTY);
  });
});

describe('feature flags', () => {
  it('creates a boolean flag with friendly defaults', async () => {
    const { flag } = await owner.flags.createFeatureFlag({
      envId,
      flag: flagInput({
        key: 'checkout',
        name: 'New checkout',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        tags: ['web'],
      }),
      comment: 'first',
    });
    expect(flag?.variations.map((v) => v.value)).toEqual(['true', 'false']);
    expect(flag?.disabledVariationId).toBe(flag?.variations[1]?.id);
    expect(flag?.fallthrough?.variations).toEqual([
      { variationId: flag?.variations[0]?.id, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 },
    ]);
    expect(flag?.revision).toBe(1);
    expect(flag?.version).toBeGreaterThan(0);
  });

  it('rejects invalid input with INVALID_ARGUMENT naming every field', async () => {
    const err = await grpcError(
      owner.flags.createFeatureFlag({
        envId,
        flag: flagInput({ key: 'bad key!', name: '' }),
        comment: '',
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.info?.fieldViolations.map((v) => v.field).sort()).toEqual([
      'flag.key',
      'flag.name',
      'flag.variation_type',
    ]);
  });

  it('validates targeting with core and reports the path of the problem', async () => {
    const { flag } = await owner.flags.getFeatureFlag({ envId, key: 'checkout' });
    const rules = [
      {
        id: '',
        name: 'r',
        dispatchKey: '',
        includedInExpt: true,
        conditions: [{ id: '', property: 'plan', op: 'NoSuchOperator', value: 'x' }],
        variations: [
          { variationId: flag!.variations[0]!.id, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 },
        ],
      },
    ];
    const err = await grpcError(
      owner.flags.updateFeatureFlag({
        envId,
        key: 'checkout',
        flag: flagInput({ rules }),
        updateMask: ['rules'],
        expectedRevision: 0,
        comment: '',
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.info?.fieldViolations[0]?.field).toBe('flag.rules[0].conditions[0].op');
  });

  it('saves a rule with a segment and a 30/70 rollout, and rejects a stale revision with ABORTED', async () => {
    const { segment } = await owner.segments.createSegment({
      envId,
      comment: '',
      segment: {
        id: '',
        envId: '',
        key: 'beta',
        name: 'Beta users',
        description: '',
        tags: [],
        included: ['u1'],
        excluded: [],
        rules: [],
        isArchived: false,
        createdAt: undefined,
        updatedAt: undefined,
        creatorId: '',
        updaterId: '',
        revision: 0,
        version: 0,
      },
    });
    const { flag } = await owner.flags.getFeatureFlag({ envId, key: 'checkout' });
    const [on, off] = flag!.variations;
    const rules = [
      {
        id: '',
        name: 'beta 30/70',
        dispatchKey: '',
        includedInExpt: true,
        conditions: [
          { id: '', property: 'User is in segment', op: '', value: JSON.stringify([segment!.id]) },
        ],
        variations: [
          { variationId: on!.id, rolloutStart: 0, rolloutEnd: 0.3, exptRollout: 1 },
          { variationId: off!.id, rolloutStart: 0.3, rolloutEnd: 1, exptRollout: 1 },
        ],
      },
    ];
    const saved = await owner.flags.updateFeatureFlag({
      envId,
      key: 'checkout',
      flag: flagInput({ rules }),
      updateMask: ['rules'],
      expectedRevision: flag!.revision,
      comment: 'beta',
    });
    expect(saved.flag?.revision).toBe(flag!.revision + 1);
    expect(saved.flag?.rules[0]?.variations.map((v) => v.rolloutEnd)).toEqual([0.3, 1]);
    const stale = await grpcError(
      owner.flags.updateFeatureFlag({
        envId,
        key: 'checkout',
        flag: flagInput({ name: 'Stale' }),
        updateMask: ['name'],
        expectedRevision: flag!.revision,
        comment: '',
      }),
    );
    expect(stale.code).toBe(status.ABORTED);
    expect(stale.info?.reason).toBe(ErrorReason.ERROR_REASON_REVISION_CONFLICT);
    expect(stale.info?.currentRevision).toBe(saved.flag!.revision);
    const segmentUse = await grpcError(
      owner.segments.archiveSegment({ envId, key: 'beta', expectedRevision: 0, comment: '' }),
    );
    expect(segmentUse.code).toBe(status.FAILED_PRECONDITION);
    expect(segmentUse.info?.reason).toBe(ErrorReason.ERROR_REASON_IN_USE);
  });

  it('toggles, archives and restores, with FAILED_PRECONDITION for impossible transitions', async () => {
    const toggled = await owner.flags.toggleFeatureFlag({
      envId,
      key: 'checkout',
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    expect(toggled.flag?.isEnabled).toBe(true);
    const notArchived = await grpcError(
      owner.flags.restoreFeatureFlag({ envId, key: 'checkout', expectedRevision: 0, comment: '' }),
    );
    expect(notArchived.code).toBe(status.FAILED_PRECONDITION);
    expect(notArchived.info?.reason).toBe(ErrorReason.ERROR_REASON_NOT_ARCHIVED);
    await owner.flags.archiveFeatureFlag({
      envId,
      key: 'checkout',
      expectedRevision: 0,
      comment: '',
    });
    const active = await owner.flags.listFeatureFlags({
      envId,
      page: undefined,
      query: '',
      tags: [],
      tagMatch: 0,
      archived: 0,
      orderBy: '',
    });
    expect(active.flags.map((f) => f.key)).not.toContain('checkout');
    const archived = await owner.flags.listFeatureFlags({
      envId,
      page: undefined,
      query: '',
      tags: [],
      tagMatch: 0,
      archived: ArchivedFilter.ARCHIVED_FILTER_ARCHIVED,
      orderBy: '',
    });
    expect(archived.flags.map((f) => f.key)).toEqual(['checkout']);
    const restored = await owner.flags.restoreFeatureFlag({
      envId,
      key: 'checkout',
      expectedRevision: 0,
      comment: '',
    });
    expect(restored.flag?.isArchived).toBe(false);
    // Archiving switched it off, and a restore brings it back off.
    expect(restored.flag?.isEnabled).toBe(false);
    const on = await owner.flags.toggleFeatureFlag({
      envId,
      key: 'checkout',
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    expect(on.flag?.isEnabled).toBe(true);
  });

  it('evaluates flags for a user (preview) with FeatBit reasons', async () => {
    const { results } = await owner.flags.evaluateFeatureFlags({
      envId,
      user: { keyId: 'u1', name: 'Ann', customProperties: [] },
      keys: ['checkout'],
    });
    expect(results[0]?.reason).toBe('beta 30/70');
    expect(['true', 'false']).toContain(results[0]?.value);
  });

  it('pages through many flags without gaps or repeats', async () => {
    for (let i = 0; i < 7; i += 1) {
      await owner.flags.createFeatureFlag({
        envId,
        comment: '',
        flag: flagInput({
          key: `page-${i}`,
          name: `Page ${i}`,
          variationType: VariationType.VARIATION_TYPE_STRING,
          variations: [
            { id: '', name: 'a', value: 'a' },
            { id: '', name: 'b', value: 'b' },
          ],
          tags: ['paging'],
        }),
      });
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const res = await owner.flags.listFeatureFlags({
        envId,
        page: { pageSize: 3, pageToken },
        query: 'page-',
        tags: ['paging'],
        tagMatch: 0,
        archived: 0,
        orderBy: '',
      });
      expect(res.page?.totalSize).toBe(7);
      seen.push(...res.flags.map((f) => f.key));
      pageToken = res.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
    const badToken = await grpcError(
      owner.flags.listFeatureFlags({
        envId,
        page: { pageSize: 3, pageToken: 'garbage' },
        query: '',
        tags: [],
        tagMatch: 0,
        archived: 0,
        orderBy: '',
      }),
    );
    expect(badToken.code).toBe(status.INVALID_ARGUMENT);
    expect(badToken.info?.reason).toBe(ErrorReason.ERROR_REASON_INVALID_PAGE_TOKEN);
  });

  it('rejects oversized requests with RESOURCE_EXHAUSTED and keeps stored data intact', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const err = await grpcError(
      owner.flags.updateFeatureFlag({
        envId,
        key: 'checkout',
        flag: flagInput({ description: huge }),
        updateMask: ['description'],
        expectedRevision: 0,
        comment: '',
      }),
    );
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    const { flag } = await owner.flags.getFeatureFlag({ envId, key: 'checkout' });
    expect(flag?.description).toBe('');
  });

  it('keeps revision snapshots and an audit entry per change', async () => {
    const { revisions } = await owner.flags.listFeatureFlagRevisions({
      envId,
      key: 'checkout',
      page: undefined,
    });
    const { flag } = await owner.flags.getFeatureFlag({ envId, key: 'checkout' });
    expect(revisions[0]?.revision).toBe(flag?.revision);
    expect(revisions.map((r) => r.revision)).toEqual(
      [...revisions.map((r) => r.revision)].sort((a, b) => b - a),
    );
    const { entries } = await owner.audit.listAuditLogEntries({
      page: undefined,
      projectId: '',
      envId,
      resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
      resourceId: flag!.id,
      actorId: '',
      actions: [],
      timeRange: undefined,
      query: '',
    });
    expect(entries.length).toBe(revisions.length);
    const first = entries[entries.length - 1]!;
    expect(first.beforeJson).toBe('');
    expect((JSON.parse(first.afterJson) as { key: string }).key).toBe('checkout');
    expect(first.comment).toBe('first');
  });

  it('publishes every change to Kafka in version order, with a tombstone on delete', async () => {
    await owner.flags.createFeatureFlag({
      envId,
      comment: '',
      flag: flagInput({
        key: 'short-lived',
        name: 'Short',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
      }),
    });
    // Only an archived flag can be deleted (FAILED_PRECONDITION otherwise).
    await owner.flags.archiveFeatureFlag({
      envId,
      key: 'short-lived',
      expectedRevision: 0,
      comment: '',
    });
    await owner.flags.deleteFeatureFlag({
      envId,
      key: 'short-lived',
      expectedRevision: 0,
      comment: '',
    });
    await fx.waitForChanges((log) => log.flags.some((e) => e.change?.$case === 'deleted'));
    // Delivery is at-least-once: consumers drop redeliveries by event id, as ELS does.
    const unique = [...new Map(fx.changes.flags.map((e) => [e.eventId, e])).values()];
    const versions = unique.map((e) => e.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const tombstone = fx.changes.flags.find((e) => e.change?.$case === 'deleted')!;
    expect(tombstone.change?.$case === 'deleted' && tombstone.change.value.key).toBe('short-lived');
    expect(fx.changes.flags.every((e) => e.envId === envId)).toBe(true);
  });

  it('re-versions the flags that use a segment when its targeting changes', async () => {
    const before = (await owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!;
    const { segment } = await owner.segments.getSegment({ envId, key: 'beta' });
    await owner.segments.updateSegment({
      envId,
      key: 'beta',
      segment: { ...segment!, included: ['u1', 'u2'] },
      updateMask: ['included'],
      expectedRevision: segment!.revision,
      comment: '',
    });
    const after = (await owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!;
    expect(after.version).toBeGreaterThan(before.version);
    await fx.waitForChanges((log) =>
      log.segments.some(
        (e) => e.change?.$case === 'segment' && e.change.value.included.includes('u2'),
      ),
    );
    const event = fx.changes.segments.find(
      (e) => e.change?.$case === 'segment' && e.change.value.included.includes('u2'),
    )!;
    expect(event.affectedFlagIds).toEqual([after.id]);
    await fx.waitForChanges((log) => log.flags.some((e) => e.version === after.version));
  });
});
