// The contract's documented limits through a real gRPC client on real FerretDB and Kafka: for each
// limit, a definition at the limit is accepted and one just above it is refused with
// INVALID_ARGUMENT naming the field and the limit, and a refused write leaves what was stored as it
// was.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { FeatureFlag, TargetingRule, Variation } from '@vane/gen/node/vane/model/v1/flag';
import type { Segment, SegmentRule } from '@vane/gen/node/vane/model/v1/segment';
import type { Condition } from '@vane/gen/node/vane/model/v1/targeting';
import { grpcError, startApiFixture } from '../testing/api-fixture.js';
import type { AdminClients, ApiFixture } from '../testing/api-fixture.js';

let fx: ApiFixture;
let owner: AdminClients;
let envId: string;
let projectId: string;

const keys = (n: number, prefix = 'u'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const condition = (value: string): Condition => ({ id: '', property: 'keyId', op: 'Equal', value });
const rule = (conditions: Condition[], id = ''): TargetingRule => ({
  id,
  name: 'rule',
  dispatchKey: '',
  includedInExpt: false,
  conditions,
  variations: [{ variationId: 'a', rolloutStart: 0, rolloutEnd: 1, exptRollout: 0 }],
});
const rules = (n: number): TargetingRule[] => keys(n).map((k) => rule([condition(k)]));
const variations = (values: string[]): Variation[] =>
  values.map((value, i) => ({ id: i === 0 ? 'a' : `v${i}`, name: '', value }));

/** A valid string flag with two variations `a` and `v1`; `partial` overrides any field. */
function flagInput(key: string, partial: Partial<FeatureFlag> = {}): FeatureFlag {
  return {
    id: '',
    envId: '',
    key,
    name: key,
    description: '',
    tags: [],
    variationType: VariationType.VARIATION_TYPE_STRING,
    variations: variations(['x', 'y']),
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

function segmentInput(key: string, partial: Partial<Segment> = {}): Segment {
  return {
    id: '',
    envId: '',
    key,
    name: key,
    description: '',
    tags: [],
    included: [],
    excluded: [],
    rules: [],
    isArchived: false,
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: 0,
    ...partial,
  };
}
const segmentRules = (n: number, conditions = 1): SegmentRule[] =>
  keys(n).map((k) => ({ id: '', name: '', conditions: keys(conditions, k).map(condition) }));

/** The violations of a refused call, as `field: description`. */
async function refused(call: Promise<unknown>): Promise<string[]> {
  const err = await grpcError(call);
  expect(err.code).toBe(status.INVALID_ARGUMENT);
  return (err.info?.fieldViolations ?? []).map((v) => `${v.field}: ${v.description}`);
}

let n = 0;
const createFlag = (partial: Partial<FeatureFlag>, comment = '') =>
  owner.flags.createFeatureFlag({ envId, flag: flagInput(`f${(n += 1)}`, partial), comment });
const createSegment = (partial: Partial<Segment>) =>
  owner.segments.createSegment({
    envId,
    segment: segmentInput(`s${(n += 1)}`, partial),
    comment: '',
  });

beforeAll(async () => {
  fx = await startApiFixture();
  owner = fx.owner;
  const { project } = await owner.projects.createProject({
    key: 'lim',
    name: 'Limits',
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

/** [limit, at the limit, one above, the violation expected for the one above]. */
const FLAG_LIMITS: [string, Partial<FeatureFlag>, Partial<FeatureFlag>, string][] = [
  [
    'name',
    { name: 'n'.repeat(256) },
    { name: 'n'.repeat(257) },
    'flag.name: must be at most 256 characters (got 257)',
  ],
  [
    'description',
    { description: 'd'.repeat(4096) },
    { description: 'd'.repeat(4097) },
    'flag.description: must be at most 4096 characters (got 4097)',
  ],
  ['tags', { tags: keys(32, 't') }, { tags: keys(33, 't') }, 'flag.tags: at most 32 tags (got 33)'],
  [
    'tag length',
    { tags: ['t'.repeat(64)] },
    { tags: ['t'.repeat(65)] },
    'flag.tags[0]: must be at most 64 characters (got 65)',
  ],
  [
    'variations',
    { variations: variations(keys(100)) },
    { variations: variations(keys(101)) },
    'flag.variations: at most 100 variations (got 101)',
  ],
  [
    'variation value',
    { variations: variations(['v'.repeat(64 * 1024), 'y']) },
    { variations: variations(['v'.repeat(64 * 1024 + 1), 'y']) },
    'flag.variations[0].value: must be at most 65536 bytes (64 KiB) (got 65537)',
  ],
  [
    'targeted users',
    { targetUsers: [{ keyIds: keys(10_000), variationId: 'a' }] },
    { targetUsers: [{ keyIds: keys(10_001), variationId: 'a' }] },
    'flag.target_users: at most 10000 targeted user keys in all (got 10001)',
  ],
  [
    'rules',
    { rules: rules(100) },
    { rules: rules(101) },
    'flag.rules: at most 100 rules (got 101)',
  ],
  [
    'conditions',
    { rules: [rule(keys(50).map(condition))] },
    { rules: [rule(keys(51).map(condition))] },
    'flag.rules[0].conditions: at most 50 conditions (got 51)',
  ],
];

describe('flag limits', () => {
  it.each(FLAG_LIMITS)(
    '%s: at the limit is created, one above is refused',
    async (_, ok, bad, violation) => {
      await expect(createFlag(ok)).resolves.toBeDefined();
      expect(await refused(createFlag(bad))).toEqual([violation]);
    },
  );

  it('key: 128 characters are accepted, 129 and the dot-only keys "." and ".." are refused', async () => {
    const create = (key: string) =>
      owner.flags.createFeatureFlag({ envId, flag: flagInput(key), comment: '' });
    await expect(create('k'.repeat(128))).resolves.toBeDefined();
    await expect(create('...')).resolves.toBeDefined();
    expect(await refused(create('k'.repeat(129)))).toEqual([
      'flag.key: must be at most 128 characters (got 129)',
    ]);
    for (const key of ['.', '..']) {
      expect(await refused(create(key))).toEqual([
        'flag.key: must contain only letters, digits, ".", "_" and "-", and must not be "." or ".." (pattern ^[a-zA-Z0-9._-]+$)',
      ]);
    }
  });

  it('prerequisites: 10 are accepted, 11 are refused', async () => {
    for (const k of keys(11, 'pre'))
      await owner.flags.createFeatureFlag({ envId, flag: flagInput(k), comment: '' });
    const prerequisites = (count: number) =>
      keys(count, 'pre').map((flagKey) => ({ flagKey, variationId: 'a' }));
    await expect(createFlag({ prerequisites: prerequisites(10) })).resolves.toBeDefined();
    expect(await refused(createFlag({ prerequisites: prerequisites(11) }))).toEqual([
      'flag.prerequisites: at most 10 prerequisites (got 11)',
    ]);
  });

  it('comment: 1024 characters are accepted on every write, 1025 are refused', async () => {
    const { flag } = await createFlag({}, 'c'.repeat(1024));
    expect(await refused(createFlag({}, 'c'.repeat(1025)))).toEqual([
      'comment: must be at most 1024 characters (got 1025)',
    ]);
    const toggle = (comment: string) =>
      owner.flags.toggleFeatureFlag({
        envId,
        key: flag!.key,
        enabled: true,
        expectedRevision: 0,
        comment,
      });
    expect(await refused(toggle('c'.repeat(1025)))).toEqual([
      'comment: must be at most 1024 characters (got 1025)',
    ]);
    expect((await owner.flags.getFeatureFlag({ envId, key: flag!.key })).flag?.isEnabled).toBe(
      false,
    );
    expect((await toggle('c'.repeat(1024))).flag?.isEnabled).toBe(true);
  });

  it('refuses a user in two target lists, a rule without conditions and duplicate rule ids', async () => {
    expect(
      await refused(
        createFlag({
          targetUsers: [
            { keyIds: ['alice', 'bob'], variationId: 'a' },
            { keyIds: ['alice'], variationId: 'v1' },
          ],
        }),
      ),
    ).toEqual(['flag.target_users[1].key_ids[0]: user "alice" is already targeted by entry 0']);
    expect(await refused(createFlag({ rules: [rule([])] }))).toEqual([
      'flag.rules[0].conditions: a rule needs at least one condition (an empty one would match every user)',
    ]);
    expect(
      await refused(
        createFlag({ rules: [rule([condition('x')], 'r1'), rule([condition('y')], 'r1')] }),
      ),
    ).toEqual(['flag.rules[1].id: rule id "r1" is used twice']);
  });

  it('refuses a boolean flag with a third variation, and accepts exactly true and false', async () => {
    const boolean = (values: string[]) =>
      createFlag({
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        variations: variations(values),
      });
    expect(await refused(boolean(['true', 'false', 'true']))).toEqual([
      'flag.variations: a boolean flag has exactly two variations, valued "true" and "false" (got 3)',
    ]);
    expect(await refused(boolean(['true', 'true']))).toHaveLength(1);
    await expect(boolean(['false', 'true'])).resolves.toBeDefined();
  });

  it('names the real field: a duplicate variation id is at flag.variations[i].id', async () => {
    const twice: Variation[] = [
      { id: 'a', name: '', value: 'x' },
      { id: 'b', name: '', value: 'y' },
      { id: 'a', name: '', value: 'z' },
    ];
    expect(await refused(createFlag({ variations: twice }))).toEqual([
      'flag.variations[2].id: variation id "a" is used twice',
    ]);
    const unknownServed = await refused(
      createFlag({
        fallthrough: {
          dispatchKey: '',
          includedInExpt: false,
          variations: [{ variationId: 'zz', rolloutStart: 0, rolloutEnd: 1, exptRollout: 0 }],
        },
      }),
    );
    expect(unknownServed).toEqual([
      'flag.fallthrough.variations[0].variation_id: variation "zz" does not exist',
    ]);
  });

  it('says an out-of-range variation_type is not a known value, an unset one is required', async () => {
    expect(await refused(createFlag({ variationType: 7 as VariationType }))).toEqual([
      'flag.variation_type: 7 is not a known variation type (BOOLEAN, STRING, NUMBER or JSON)',
    ]);
    expect(
      await refused(createFlag({ variationType: VariationType.VARIATION_TYPE_UNSPECIFIED })),
    ).toEqual(['flag.variation_type: is required (BOOLEAN, STRING, NUMBER or JSON)']);
  });

  it('leaves the stored flag as it was when an update goes over a limit', async () => {
    const { flag } = await createFlag({ rules: rules(100), description: 'kept' });
    const update = (partial: Partial<FeatureFlag>, updateMask: string[]) =>
      owner.flags.updateFeatureFlag({
        envId,
        key: flag!.key,
        flag: flagInput(flag!.key, partial),
        updateMask,
        expectedRevision: 0,
        comment: '',
      });
    expect(await refused(update({ rules: rules(101) }, ['rules']))).toEqual([
      'flag.rules: at most 100 rules (got 101)',
    ]);
    expect(await refused(update({ rules: [rule([])] }, ['rules']))).toHaveLength(1);
    expect(await refused(update({ tags: keys(33) }, ['tags']))).toEqual([
      'flag.tags: at most 32 tags (got 33)',
    ]);
    const { flag: stored } = await owner.flags.getFeatureFlag({ envId, key: flag!.key });
    expect(stored?.revision).toBe(flag!.revision);
    expect(stored?.rules).toHaveLength(100);
    expect(stored?.tags).toEqual([]);
    expect(stored?.description).toBe('kept');
  });
});

/** [limit, at the limit, one above, the violation expected for the one above]. */
const SEGMENT_LIMITS: [string, Partial<Segment>, Partial<Segment>, string][] = [
  [
    'included',
    { included: keys(10_000) },
    { included: keys(10_001) },
    'segment.included: at most 10000 user keys (got 10001)',
  ],
  [
    'excluded',
    { excluded: keys(10_000) },
    { excluded: keys(10_001) },
    'segment.excluded: at most 10000 user keys (got 10001)',
  ],
  [
    'rules',
    { rules: segmentRules(100) },
    { rules: segmentRules(101) },
    'segment.rules: at most 100 rules (got 101)',
  ],
  [
    'conditions',
    { rules: segmentRules(1, 50) },
    { rules: segmentRules(1, 51) },
    'segment.rules[0].conditions: at most 50 conditions (got 51)',
  ],
  ['tags', { tags: keys(32) }, { tags: keys(33) }, 'segment.tags: at most 32 tags (got 33)'],
  [
    'tag length',
    { tags: ['t'.repeat(64)] },
    { tags: ['t'.repeat(65)] },
    'segment.tags[0]: must be at most 64 characters (got 65)',
  ],
];

describe('segment limits', () => {
  it.each(SEGMENT_LIMITS)(
    '%s: at the limit is created, one above is refused',
    async (_, ok, bad, violation) => {
      await expect(createSegment(ok)).resolves.toBeDefined();
      expect(await refused(createSegment(bad))).toEqual([violation]);
    },
  );

  it('refuses a segment rule without conditions, and the keys "." and ".."', async () => {
    expect(
      await refused(createSegment({ rules: [{ id: '', name: '', conditions: [] }] })),
    ).toHaveLength(1);
    for (const key of ['.', '..']) {
      const err = await refused(
        owner.segments.createSegment({ envId, segment: segmentInput(key), comment: '' }),
      );
      expect(err[0]).toMatch(/^segment\.key: must contain only/);
    }
  });

  it('ListSegments takes at most 100 ids', async () => {
    const list = (ids: string[]) =>
      owner.segments.listSegments({
        envId,
        page: undefined,
        query: '',
        tags: [],
        tagMatch: 0,
        archived: 0,
        ids,
        orderBy: '',
      });
    await expect(list(keys(100))).resolves.toBeDefined();
    expect(await refused(list(keys(101)))).toEqual(['ids: at most 100 ids (got 101)']);
  });

  it('leaves the stored segment as it was when an update goes over a limit', async () => {
    const { segment } = await createSegment({ included: ['kept'] });
    const err = await refused(
      owner.segments.updateSegment({
        envId,
        key: segment!.key,
        segment: segmentInput(segment!.key, { included: keys(10_001) }),
        updateMask: ['included'],
        expectedRevision: 0,
        comment: '',
      }),
    );
    expect(err).toEqual(['segment.included: at most 10000 user keys (got 10001)']);
    const { segment: stored } = await owner.segments.getSegment({ envId, key: segment!.key });
    expect(stored?.included).toEqual(['kept']);
    expect(stored?.revision).toBe(segment!.revision);
  });
});

describe('project and environment keys', () => {
  it('refuses "." and ".." as keys', async () => {
    for (const key of ['.', '..']) {
      const project = await refused(
        owner.projects.createProject({ key, name: 'P', description: '' }),
      );
      expect(project[0]).toMatch(/^key: must contain only/);
      const env = await refused(
        owner.environments.createEnvironment({ projectId, key, name: 'E', description: '' }),
      );
      expect(env[0]).toMatch(/^key: must contain only/);
    }
  });
});
