// FeatBitImportService over gRPC on the rig's FerretDB and Kafka: create, update, idempotent
// re-run, dry run, skipped and refused invalid items, auth, secret adoption, segment-id rewriting.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ListAuditLogEntriesRequest } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import { ImportOutcome } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import type { ImportFeatBitEnvironmentRequest } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { ListFeatureFlagsRequest } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ListSegmentsRequest } from '@vane/gen/node/vane/admin/v1/segment_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { newEnvSecret } from '../environments/env-secret.js';
import { adminClients, grpcError, startApiFixture } from '../testing/api-fixture.js';
import type { ApiFixture } from '../testing/api-fixture.js';

let fx: ApiFixture;
let projectId: string;

beforeAll(async () => {
  fx = await startApiFixture();
  const { project } = await fx.owner.projects.createProject({
    key: 'fbimport',
    name: 'FeatBit import',
    description: '',
  });
  projectId = project!.id;
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

async function newEnv(key: string): Promise<string> {
  const { environment } = await fx.owner.environments.createEnvironment({
    projectId,
    key,
    name: key,
    description: '',
  });
  return environment!.id;
}

const SEG_BETA = '0b6a4a3e-0000-4000-8000-000000000001';
const SEG_OLD = '0b6a4a3e-0000-4000-8000-000000000002';
const V_ON = 'a1a1a1a1-0000-4000-8000-000000000001';
const V_OFF = 'a1a1a1a1-0000-4000-8000-000000000002';

const rollout = (id: string, start = 0, end = 1) => ({ id, rollout: [start, end], exptRollout: 1 });

function segment(id: string, key: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    envId: 'fb-env',
    name: `Segment ${key}`,
    key,
    description: 'from FeatBit',
    included: ['u-in'],
    excluded: ['u-out'],
    rules: [
      {
        id: 'b1b1b1b1-0000-4000-8000-000000000001',
        name: 'beta country',
        conditions: [
          {
            id: 'c0000000-0000-4000-8000-000000000001',
            property: 'country',
            op: 'Equal',
            value: 'FR',
          },
        ],
      },
    ],
    tags: ['fb'],
    isArchived: false,
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-02T00:00:00Z',
    ...extra,
  };
}

function boolFlag(key: string, extra: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    envId: 'fb-env',
    name: `Flag ${key}`,
    description: '',
    key,
    variationType: 'boolean',
    variations: [
      { id: V_ON, name: 'On', value: 'true' },
      { id: V_OFF, name: 'Off', value: 'false' },
    ],
    targetUsers: [{ keyIds: ['vip'], variationId: V_ON }],
    rules: [
      {
        id: 'd1d1d1d1-0000-4000-8000-000000000001',
        name: 'beta testers',
        dispatchKey: 'company',
        includedInExpt: true,
        conditions: [
          {
            id: 'c1c1c1c1-0000-4000-8000-000000000001',
            property: 'User is in segment',
            op: '',
            value: JSON.stringify([SEG_BETA]),
          },
          {
            id: 'c1c1c1c1-0000-4000-8000-000000000002',
            property: 'age',
            op: 'BiggerThan',
            value: '17',
          },
        ],
        variations: [rollout(V_ON, 0, 0.3), rollout(V_OFF, 0.3, 1)],
      },
    ],
    isEnabled: true,
    disabledVariationId: V_OFF,
    fallthrough: { dispatchKey: null, includedInExpt: true, variations: [rollout(V_OFF)] },
    exptIncludeAllTargets: false,
    tags: ['web', 'beta'],
    isArchived: false,
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-02T00:00:00Z',
    ...extra,
  };
}

function document(flags: unknown[], segments: unknown[], bare = false): string {
  const data = { eventType: 'full', featureFlags: flags, segments };
  return JSON.stringify(bare ? data : { messageType: 'data-sync', data });
}

const baseDoc = () =>
  document(
    [
      boolFlag('checkout'),
      boolFlag('old-banner', { isArchived: true, rules: [] }),
      {
        ...boolFlag('theme', { rules: [] }),
        variationType: 'string',
        variations: [
          { id: 'th-dark', name: 'dark', value: 'dark' },
          { id: 'th-light', name: 'light', value: 'light' },
        ],
        targetUsers: [{ keyIds: ['designer'], variationId: 'th-dark' }],
        disabledVariationId: 'th-light',
        fallthrough: {
          dispatchKey: 'keyId',
          includedInExpt: false,
          variations: [rollout('th-dark', 0, 0.5), rollout('th-light', 0.5, 1)],
        },
      },
    ],
    [segment(SEG_BETA, 'beta'), segment(SEG_OLD, 'old', { isArchived: true, rules: [] })],
  );

const request = (
  envId: string,
  doc: string,
  extra: Partial<ImportFeatBitEnvironmentRequest> = {},
) => ({
  envId,
  document: doc,
  dryRun: false,
  skipInvalid: false,
  serverSecrets: [],
  clientSecrets: [],
  comment: '',
  ...extra,
});

async function envState(envId: string) {
  const page = { pageSize: 500, pageToken: '' };
  const all = ArchivedFilter.ARCHIVED_FILTER_ALL;
  const flags = await fx.owner.flags.listFeatureFlags(
    ListFeatureFlagsRequest.fromPartial({ envId, page, archived: all }),
  );
  const segments = await fx.owner.segments.listSegments(
    ListSegmentsRequest.fromPartial({ envId, page, archived: all }),
  );
  return { flags: flags.flags, segments: segments.segments };
}

describe('ImportFeatBitEnvironment', () => {
  it('dry run reports what would be created and writes nothing', async () => {
    const envId = await newEnv('dry');
    const res = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, baseDoc(), { dryRun: true }),
    );
    expect(res.dryRun).toBe(true);
    expect(res.flags).toEqual({ created: 3, updated: 0, unchanged: 0, skipped: 0 });
    expect(res.segments).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 0 });
    expect(res.items.every((i) => i.vaneId === '')).toBe(true);
    const state = await envState(envId);
    expect(state.flags).toHaveLength(0);
    expect(state.segments).toHaveLength(0);
  });

  it('creates flags and segments, rewriting segment ids, then a second run changes nothing', async () => {
    const envId = await newEnv('create');
    const before = fx.changes.flags.length;
    const res = await fx.owner.featbitImport.importFeatBitEnvironment(request(envId, baseDoc()));
    expect(res.flags).toEqual({ created: 3, updated: 0, unchanged: 0, skipped: 0 });
    expect(res.segments).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 0 });

    const { segment: beta } = await fx.owner.segments.getSegment({ envId, key: 'beta' });
    expect(beta!.id).not.toBe(SEG_BETA);
    expect(beta!.included).toEqual(['u-in']);
    expect(beta!.excluded).toEqual(['u-out']);
    expect(beta!.rules[0]!.conditions[0]).toMatchObject({
      property: 'country',
      op: 'Equal',
      value: 'FR',
    });
    expect(beta!.tags).toEqual(['fb']);
    const { segment: old } = await fx.owner.segments.getSegment({ envId, key: 'old' });
    expect(old!.isArchived).toBe(true);

    const { flag } = await fx.owner.flags.getFeatureFlag({ envId, key: 'checkout' });
    expect(flag!.variations.map((v) => v.id)).toEqual([V_ON, V_OFF]);
    expect(flag!.isEnabled).toBe(true);
    expect(flag!.disabledVariationId).toBe(V_OFF);
    expect(flag!.exptIncludeAllTargets).toBe(false);
    expect(flag!.tags).toEqual(['web', 'beta']);
    expect(flag!.targetUsers).toEqual([{ keyIds: ['vip'], variationId: V_ON }]);
    const rule = flag!.rules[0]!;
    expect(rule.dispatchKey).toBe('company');
    expect(rule.includedInExpt).toBe(true);
    expect(rule.conditions[0]!.value).toBe(JSON.stringify([beta!.id]));
    expect(rule.conditions[1]).toMatchObject({ property: 'age', op: 'BiggerThan', value: '17' });
    expect(rule.variations).toEqual([
      { variationId: V_ON, rolloutStart: 0, rolloutEnd: 0.3, exptRollout: 1 },
      { variationId: V_OFF, rolloutStart: 0.3, rolloutEnd: 1, exptRollout: 1 },
    ]);
    const { segment: referenced } = await fx.owner.segments.getSegment({ envId, key: 'beta' });
    const refs = await fx.owner.segments.listSegmentReferences({ envId, key: referenced!.key });
    expect(refs.references.map((r) => r.flagKey)).toEqual(['checkout']);
    expect(
      (await fx.owner.flags.getFeatureFlag({ envId, key: 'old-banner' })).flag!.isArchived,
    ).toBe(true);
    const theme = (await fx.owner.flags.getFeatureFlag({ envId, key: 'theme' })).flag!;
    expect(theme.fallthrough).toMatchObject({ dispatchKey: 'keyId', includedInExpt: false });

    // Audited and published like admin edits.
    await fx.waitForChanges((log) => log.flags.length >= before + 3);
    let audited = 0;
    for (let i = 0; i < 100 && audited < 5; i++) {
      const audit = await fx.owner.audit.listAuditLogEntries(
        ListAuditLogEntriesRequest.fromPartial({
          projectId,
          envId,
          query: 'imported from FeatBit',
        }),
      );
      audited = audit.entries.length;
      if (audited < 5) await new Promise((r) => setTimeout(r, 100));
    }
    expect(audited).toBe(5);

    const again = await fx.owner.featbitImport.importFeatBitEnvironment(request(envId, baseDoc()));
    expect(again.flags).toEqual({ created: 0, updated: 0, unchanged: 3, skipped: 0 });
    expect(again.segments).toEqual({ created: 0, updated: 0, unchanged: 2, skipped: 0 });
    const after = (await fx.owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!;
    expect(after.revision).toBe(flag!.revision);
    expect(after.version).toBe(flag!.version);

    // The bare `data` object is accepted too, and is the same document.
    const full = JSON.parse(baseDoc()) as {
      data: { featureFlags: unknown[]; segments: unknown[] };
    };
    const bare = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, document(full.data.featureFlags, full.data.segments, true)),
    );
    expect(bare.flags!.unchanged).toBe(3);
  });

  it('updates what changed, keeping Vane ids, and reports the changed fields', async () => {
    const envId = await newEnv('update');
    await fx.owner.featbitImport.importFeatBitEnvironment(request(envId, baseDoc()));
    const first = (await fx.owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!;
    const changed = document(
      [boolFlag('checkout', { isEnabled: false, tags: ['web'] })],
      [segment(SEG_BETA, 'beta', { included: ['u-in', 'u-new'] })],
    );
    const dry = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, changed, { dryRun: true }),
    );
    expect(dry.flags!.updated).toBe(1);
    expect((await fx.owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!.revision).toBe(
      first.revision,
    );
    const res = await fx.owner.featbitImport.importFeatBitEnvironment(request(envId, changed));
    expect(res.flags).toEqual({ created: 0, updated: 1, unchanged: 0, skipped: 0 });
    expect(res.segments).toEqual({ created: 0, updated: 1, unchanged: 0, skipped: 0 });
    const item = res.items.find((i) => i.key === 'checkout')!;
    expect(item.changedFields.sort()).toEqual(['is_enabled', 'tags']);
    expect(res.items.find((i) => i.key === 'beta')!.changedFields).toEqual(['included']);
    const flag = (await fx.owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!;
    expect(flag.id).toBe(first.id);
    expect(flag.isEnabled).toBe(false);
    expect(flag.revision).toBe(first.revision + 1);
    // Flags the document does not name are left alone.
    expect((await fx.owner.flags.getFeatureFlag({ envId, key: 'theme' })).flag).toBeDefined();

    // A segment change moves the version of the flags outside the document that use it.
    const segmentOnly = document([], [segment(SEG_BETA, 'beta', { excluded: ['u-out', 'u-x'] })]);
    const moved = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, segmentOnly),
    );
    expect(moved.segments!.updated).toBe(1);
    const reversioned = (await fx.owner.flags.getFeatureFlag({ envId, key: 'checkout' })).flag!;
    expect(reversioned.version).toBeGreaterThan(flag.version);
    expect(reversioned.isEnabled).toBe(false);

    // A segment that an active flag outside the document uses is not archived by an import.
    const archiving = document([], [segment(SEG_BETA, 'beta', { isArchived: true })]);
    const inUse = await grpcError(
      fx.owner.featbitImport.importFeatBitEnvironment(request(envId, archiving)),
    );
    expect(inUse.code).toBe(status.INVALID_ARGUMENT);
    expect(inUse.info!.fieldViolations[0]).toEqual({
      field: 'segments[beta].is_archived',
      description: 'segment is used by active flag checkout',
    });
  });

  it('refuses invalid items with INVALID_ARGUMENT and writes nothing, or skips them on request', async () => {
    const envId = await newEnv('invalid');
    const regex = boolFlag('unsafe-regex', {
      rules: [
        {
          id: 'r-1',
          name: 'hazard',
          dispatchKey: null,
          includedInExpt: false,
          conditions: [{ id: 'c-1', property: 'email', op: 'MatchRegex', value: '(a+)+$' }],
          variations: [rollout(V_ON)],
        },
      ],
    });
    const unknownOp = boolFlag('unknown-op', {
      rules: [
        {
          id: 'r-2',
          name: 'between',
          dispatchKey: null,
          includedInExpt: false,
          conditions: [{ id: 'c-2', property: 'age', op: 'Between', value: '1' }],
          variations: [rollout(V_ON)],
        },
      ],
    });
    const missingSegment = boolFlag('missing-segment', {
      rules: [
        {
          id: 'r-3',
          name: 'gone',
          dispatchKey: null,
          includedInExpt: false,
          conditions: [
            { id: 'c-3', property: 'User is not in segment', op: null, value: '["nope"]' },
          ],
          variations: [rollout(V_ON)],
        },
      ],
    });
    const doc = document(
      [boolFlag('good', { rules: [] }), regex, unknownOp, missingSegment],
      [segment(SEG_BETA, 'beta')],
    );
    const err = await grpcError(
      fx.owner.featbitImport.importFeatBitEnvironment(request(envId, doc)),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_VALIDATION_FAILED);
    const fields = err.info!.fieldViolations.map((v) => v.field);
    expect(fields).toContain('flags[unsafe-regex].rules[0].conditions[0].value');
    expect(fields).toContain('flags[unknown-op].rules[0].conditions[0].op');
    expect(fields).toContain('flags[missing-segment].rules[0].conditions[0].value');
    const untouched = await envState(envId);
    expect(untouched.flags).toHaveLength(0);
    expect(untouched.segments).toHaveLength(0);

    const res = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, doc, { skipInvalid: true }),
    );
    expect(res.flags).toEqual({ created: 1, updated: 0, unchanged: 0, skipped: 3 });
    expect(res.segments!.created).toBe(1);
    const skipped = res.items.filter((i) => i.outcome === ImportOutcome.IMPORT_OUTCOME_SKIPPED);
    expect(skipped.map((i) => i.key)).toEqual(['unsafe-regex', 'unknown-op', 'missing-segment']);
    expect(skipped[0]!.problems.join()).toMatch(/rules\[0\]\.conditions\[0\]\.value/);
    expect(skipped[1]!.problems.join()).toMatch(/unknown operator "Between"/);
    expect(skipped[2]!.problems.join()).toMatch(/"nope" is not in the document/);
    expect((await envState(envId)).flags.map((f) => f.key)).toEqual(['good']);

    const bad = await grpcError(
      fx.owner.featbitImport.importFeatBitEnvironment(request(envId, '{"data": 1')),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.info!.fieldViolations[0]!.field).toBe('document');
  });

  it('refuses a VIEWER, and an EDITOR who brings secrets', async () => {
    const envId = await newEnv('auth');
    const token = async (role: Role) =>
      (
        await fx.owner.tokens.createAccessToken({
          name: `t-${role}`,
          role,
          allProjects: true,
          projectIds: [],
          expiresAt: undefined,
        })
      ).token;
    const viewer = adminClients(fx.address, await token(Role.ROLE_VIEWER));
    const editor = adminClients(fx.address, await token(Role.ROLE_EDITOR));
    try {
      for (const dryRun of [true, false]) {
        const err = await grpcError(
          viewer.featbitImport.importFeatBitEnvironment(request(envId, baseDoc(), { dryRun })),
        );
        expect(err.code).toBe(status.PERMISSION_DENIED);
        expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT);
      }
      const secret = newEnvSecret(randomUUID());
      const err = await grpcError(
        editor.featbitImport.importFeatBitEnvironment(
          request(envId, baseDoc(), { serverSecrets: [secret] }),
        ),
      );
      expect(err.code).toBe(status.PERMISSION_DENIED);
      expect((await envState(envId)).flags).toHaveLength(0);
      const ok = await editor.featbitImport.importFeatBitEnvironment(request(envId, baseDoc()));
      expect(ok.flags!.created).toBe(3);
    } finally {
      viewer.close();
      editor.close();
    }
  });

  it('adopts FeatBit secrets (once), refusing malformed ones and those of another environment', async () => {
    const envId = await newEnv('secrets');
    const fbEnv = randomUUID();
    const server = newEnvSecret(fbEnv);
    const client = newEnvSecret(fbEnv);
    const res = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, baseDoc(), { serverSecrets: [server], clientSecrets: [client] }),
    );
    expect(res.secrets).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 0 });
    expect(res.items.filter((i) => i.key.startsWith('server'))[0]!.key).toBe(
      `server …${server.slice(-4)}`,
    );
    const { environment } = await fx.owner.environments.getEnvironment({ id: envId });
    const byValue = new Map(environment!.secrets.map((s) => [s.value, s]));
    expect(byValue.get(server)?.kind).toBe(1);
    expect(byValue.get(client)?.kind).toBe(2);
    expect(environment!.secrets).toHaveLength(4);

    const again = await fx.owner.featbitImport.importFeatBitEnvironment(
      request(envId, baseDoc(), { serverSecrets: [server], clientSecrets: [client] }),
    );
    expect(again.secrets).toEqual({ created: 0, updated: 0, unchanged: 2, skipped: 0 });
    expect(
      (await fx.owner.environments.getEnvironment({ id: envId })).environment!.secrets,
    ).toHaveLength(4);

    const other = await newEnv('secrets-2');
    const taken = await grpcError(
      fx.owner.featbitImport.importFeatBitEnvironment(
        request(other, baseDoc(), { serverSecrets: [server] }),
      ),
    );
    expect(taken.code).toBe(status.ALREADY_EXISTS);
    expect(taken.info?.resourceType).toBe(ResourceType.RESOURCE_TYPE_SECRET);
    expect((await envState(other)).flags).toHaveLength(0);

    const wrongKind = await grpcError(
      fx.owner.featbitImport.importFeatBitEnvironment(
        request(envId, baseDoc(), { clientSecrets: [server] }),
      ),
    );
    expect(wrongKind.code).toBe(status.INVALID_ARGUMENT);
    const malformed = await grpcError(
      fx.owner.featbitImport.importFeatBitEnvironment(
        request(other, baseDoc(), {
          serverSecrets: ['too-short', `${'a'.repeat(22)}${'!'.repeat(22)}`],
        }),
      ),
    );
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    expect(malformed.info!.fieldViolations.map((v) => v.field)).toEqual([
      'server_secrets[0]',
      'server_secrets[1]',
    ]);
  });
});
