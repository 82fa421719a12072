// Deterministic, realistic flag environments for the ELS benchmarks (a seeded generator: the same
// seed gives the same flags), and FeatBit's JSON for the same data, for size comparisons.
import type { EndUser, FeatureFlag, Segment, TargetRule, Variation } from '@vane/core';

/** A flag with the version ELS's sources carry. */
export type BenchFlag = FeatureFlag & { readonly version: number };
/** A segment with its version. */
export type BenchSegment = Segment & { readonly version: number };

/** A small seeded PRNG (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A UUID-shaped id drawn from `rnd` (FeatBit and Vane both use 36-character ids). */
function uuid(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const AREAS = ['checkout', 'search', 'onboarding', 'billing', 'profile', 'feed', 'cart', 'admin'];
const WORDS = [
  'new',
  'redesigned',
  'faster',
  'experimental',
  'beta',
  'payment',
  'flow',
  'banner',
  'layout',
  'pricing',
  'recommendations',
  'dialog',
  'export',
  'cache',
  'limit',
];
const TAGS = ['frontend', 'backend', 'experiment', 'ops', 'mobile', 'q3', 'growth', 'kill-switch'];
const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'JP', 'BR', 'IN', 'AU'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}
function some<T>(rnd: () => number, items: readonly T[], min: number, max: number): T[] {
  const n = min + Math.floor(rnd() * (max - min + 1));
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n && copy.length > 0)
    out.push(copy.splice(Math.floor(rnd() * copy.length), 1)[0]!);
  return out;
}
function sentence(rnd: () => number, words: number): string {
  const text = Array.from({ length: words }, () => pick(rnd, WORDS)).join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
function userKeys(rnd: () => number, n: number): string[] {
  return Array.from({ length: n }, () => `user-${Math.floor(rnd() * 1_000_000)}`);
}

/** The variations of a flag of `type`. */
function variationsOf(rnd: () => number, type: FeatureFlag['variationType']): Variation[] {
  switch (type) {
    case 'boolean':
      return [
        { id: uuid(rnd), name: 'on', value: 'true' },
        { id: uuid(rnd), name: 'off', value: 'false' },
      ];
    case 'string':
      return ['control', 'variant-a', 'variant-b'].map((v) => ({
        id: uuid(rnd),
        name: v,
        value: v,
      }));
    case 'number':
      return ['10', '25', '50'].map((v) => ({ id: uuid(rnd), name: `limit ${v}`, value: v }));
    case 'json':
      return ['compact', 'wide'].map((layout) => ({
        id: uuid(rnd),
        name: layout,
        value: JSON.stringify({
          layout,
          columns: layout === 'wide' ? 3 : 1,
          showBanner: rnd() < 0.5,
          banner: { title: sentence(rnd, 4), color: pick(rnd, ['#0a84ff', '#ff9f0a', '#30d158']) },
        }),
      }));
  }
}

/** One rule condition, drawn from the kinds teams use most. */
function conditionOf(
  rnd: () => number,
  segmentIds: readonly string[],
): TargetRule['conditions'][0] {
  const id = uuid(rnd);
  const r = rnd();
  if (r < 0.3) {
    return {
      id,
      property: 'country',
      op: 'IsOneOf',
      value: JSON.stringify(some(rnd, COUNTRIES, 2, 6)),
    };
  }
  if (r < 0.5) return { id, property: 'plan', op: 'Equal', value: pick(rnd, PLANS) };
  if (r < 0.6) return { id, property: 'email', op: 'EndsWith', value: '@example.com' };
  if (r < 0.7) return { id, property: 'age', op: 'BiggerEqualThan', value: '18' };
  if (r < 0.8) return { id, property: 'appVersion', op: 'MatchRegex', value: '^4\\.[0-9]+' };
  if (segmentIds.length > 0) {
    return {
      id,
      property: 'User is in segment',
      op: null,
      value: JSON.stringify([pick(rnd, segmentIds)]),
    };
  }
  return { id, property: 'plan', op: 'NotEqual', value: 'free' };
}

/** A flag like those of a real environment: mostly booleans, a third with rules, some rollouts. */
function flagOf(
  rnd: () => number,
  envId: string,
  index: number,
  segmentIds: readonly string[],
  createdAt: string,
  version: number,
): BenchFlag {
  const t = rnd();
  const variationType: FeatureFlag['variationType'] =
    t < 0.65 ? 'boolean' : t < 0.85 ? 'string' : t < 0.93 ? 'number' : 'json';
  const variations = variationsOf(rnd, variationType);
  const ids = variations.map((v) => v.id);
  const area = pick(rnd, AREAS);
  const words = some(rnd, WORDS, 1, 3);
  const key = `${area}-${words.join('-')}-${index}`;
  const ruleCount = pick(rnd, [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 5]);
  const split = (): FeatureFlag['fallthrough']['variations'] => {
    if (rnd() < 0.7) return [{ id: pick(rnd, ids), rollout: [0, 1], exptRollout: 1 }];
    const cut = pick(rnd, [0.1, 0.25, 0.5]);
    return [
      { id: ids[0]!, rollout: [0, cut], exptRollout: 1 },
      { id: ids[1]!, rollout: [cut, 1], exptRollout: 1 },
    ];
  };
  const rules: TargetRule[] = Array.from({ length: ruleCount }, (_, r) => ({
    id: uuid(rnd),
    name: pick(rnd, ['Beta testers', 'Internal users', 'Paying customers', `Rule ${r + 1}`]),
    dispatchKey: null,
    includedInExpt: true,
    conditions: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () =>
      conditionOf(rnd, segmentIds),
    ),
    variations: split(),
  }));
  return {
    id: uuid(rnd),
    envId,
    key,
    name: `${area} ${words.join(' ')} ${index}`,
    description: rnd() < 0.6 ? sentence(rnd, 6 + Math.floor(rnd() * 10)) : '',
    tags: some(rnd, TAGS, 0, 3),
    variationType,
    variations,
    isEnabled: rnd() < 0.8,
    disabledVariationId: ids[ids.length - 1]!,
    targetUsers:
      rnd() < 0.3
        ? [{ keyIds: userKeys(rnd, 1 + Math.floor(rnd() * 10)), variationId: ids[0]! }]
        : [],
    rules,
    fallthrough: { dispatchKey: null, includedInExpt: true, variations: split() },
    exptIncludeAllTargets: true,
    isArchived: false,
    createdAt,
    updatedAt: createdAt,
    version,
  };
}

/** An environment of `flagCount` flags and `segmentCount` segments, the same for the same seed. */
export function generateEnvironment(
  envId: string,
  flagCount: number,
  segmentCount: number,
  seed = 1,
): { flags: BenchFlag[]; segments: BenchSegment[] } {
  const rnd = seededRandom(seed);
  const base = Date.UTC(2026, 0, 1);
  const at = (i: number): string => new Date(base + i * 60_000).toISOString();
  const segments: BenchSegment[] = Array.from({ length: segmentCount }, (_, i) => ({
    id: uuid(rnd),
    envId,
    key: `segment-${i}`,
    name: `Segment ${i}`,
    description: sentence(rnd, 5),
    included: userKeys(rnd, 10 + Math.floor(rnd() * 190)),
    excluded: userKeys(rnd, Math.floor(rnd() * 20)),
    rules:
      rnd() < 0.5 ? [{ id: uuid(rnd), name: 'Rule 1', conditions: [conditionOf(rnd, [])] }] : [],
    tags: some(rnd, TAGS, 0, 2),
    isArchived: false,
    createdAt: at(i),
    updatedAt: at(i),
    version: base + i,
  }));
  const segmentIds = segments.map((s) => s.id);
  const flags = Array.from({ length: flagCount }, (_, i) =>
    flagOf(rnd, envId, i, segmentIds, at(segmentCount + i), base + segmentCount + i),
  );
  return { flags, segments };
}

/** The end user of index `i`, with the attributes the generated rules look at. */
export function userOf(i: number): EndUser {
  return {
    keyId: `user-${i}`,
    name: `User ${i}`,
    customizedProperties: [
      { name: 'country', value: COUNTRIES[i % COUNTRIES.length]! },
      { name: 'plan', value: PLANS[i % PLANS.length]! },
      { name: 'email', value: `user${i}@${i % 3 === 0 ? 'example.com' : 'mail.test'}` },
      { name: 'age', value: String(16 + (i % 50)) },
    ],
  };
}

/** FeatBit's `data-sync` FULL message for server SDKs, as JSON text, for the same definitions. */
export function featBitFullSync(
  flags: readonly FeatureFlag[],
  segments: readonly Segment[],
  envId: string,
): string {
  const creator = '6a3f2a07-31f0-4c06-9d0b-2f2a4a1d6a11';
  const featureFlags = flags.map((f) => ({
    envId,
    name: f.name ?? f.key,
    description: f.description ?? '',
    key: f.key,
    variationType: f.variationType,
    variations: f.variations.map((v) => ({ id: v.id, value: v.value })),
    targetUsers: f.targetUsers.map((t) => ({ keyIds: t.keyIds, variationId: t.variationId })),
    rules: f.rules.map((r) => ({
      id: r.id,
      name: r.name,
      dispatchKey: r.dispatchKey ?? null,
      includedInExpt: r.includedInExpt,
      conditions: r.conditions.map((c) => ({
        id: c.id,
        property: c.property,
        op: c.op,
        value: c.value,
      })),
      variations: r.variations.map((v) => ({
        id: v.id,
        rollout: v.rollout,
        exptRollout: v.exptRollout,
      })),
    })),
    isEnabled: f.isEnabled,
    disabledVariationId: f.disabledVariationId,
    fallthrough: {
      dispatchKey: f.fallthrough.dispatchKey ?? null,
      includedInExpt: f.fallthrough.includedInExpt,
      variations: f.fallthrough.variations.map((v) => ({
        id: v.id,
        rollout: v.rollout,
        exptRollout: v.exptRollout,
      })),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets,
    tags: f.tags ?? [],
    isArchived: f.isArchived ?? false,
    disabledVariation: f.variations
      .filter((v) => v.id === f.disabledVariationId)
      .map((v) => ({ id: v.id, value: v.value }))[0],
    creatorId: creator,
    updatorId: creator,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    id: f.id,
  }));
  const segmentsJson = segments.map((s) => ({
    envId,
    name: s.name ?? s.id,
    description: s.description ?? '',
    included: s.included,
    excluded: s.excluded,
    rules: s.rules.map((r) => ({
      id: r.id,
      name: r.name,
      conditions: r.conditions.map((c) => ({ property: c.property, op: c.op, value: c.value })),
    })),
    isArchived: s.isArchived ?? false,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    id: s.id,
  }));
  return JSON.stringify({
    messageType: 'data-sync',
    data: { eventType: 'full', featureFlags, segments: segmentsJson },
  });
}
