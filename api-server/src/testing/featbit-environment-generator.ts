// A generated FeatBit environment (flags, segments) and end users, deterministic from a seed, in
// FeatBit's server-SDK JSON. It avoids the documented evaluation differences between FeatBit's
// Node SDK and Vane (core/README.md: regexes, missing attributes, numeric parsing, malformed
// lists, missing segments), so both must agree on every (user, flag) pair; archived flags are
// included (the Node SDK ignores `isArchived`) and are compared separately.
import type { FeatBitCondition, FeatBitFlag, FeatBitRollout, FeatBitSegment } from '@vane/core';

/** A FeatBit end user (`IUser` of the Node SDK). */
export interface FeatBitTestUser {
  readonly key: string;
  readonly name: string;
  readonly customizedProperties: { name: string; value: string }[];
}

/** The generated environment. */
export interface GeneratedFeatBitEnvironment {
  readonly flags: FeatBitFlag[];
  readonly segments: FeatBitSegment[];
  readonly users: FeatBitTestUser[];
  /** The `latest-all` response body. */
  readonly json: string;
}

function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATTRS: Record<string, string[]> = {
  country: ['FR', 'DE', 'US', 'GB', 'JP', 'fr'],
  plan: ['free', 'pro', 'enterprise', 'team'],
  age: ['5', '17', '18', '21', '40', '65', '18.5', '-3'],
  email: ['a@example.com', 'bob@test.io', 'carol@example.org', 'dan@corp.net'],
  beta: ['true', 'TRUE', 'false', 'False', 'yes'],
  company: ['acme', 'globex', 'initech', 'umbrella', 'hooli'],
};
const NUMBERS = ['0', '17', '18', '18.5', '21', '40', '-1', '100'];
const STRING_OPS = ['Equal', 'NotEqual', 'Contains', 'NotContain', 'StartsWith', 'EndsWith'];
const NUMERIC_OPS = ['LessThan', 'LessEqualThan', 'BiggerThan', 'BiggerEqualThan'];

/** Generates `flagCount` flags, `segmentCount` segments and `userCount` users from `seed`. */
export function generateFeatBitEnvironment(
  flagCount: number,
  segmentCount: number,
  userCount: number,
  seed = 0x5eed,
): GeneratedFeatBitEnvironment {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number): boolean => rand() < p;
  const hex = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const userKeys = Array.from({ length: userCount }, (_, i) => `user-${i}`);
  const sampleKeys = (n: number): string[] => {
    const out = new Set<string>();
    while (out.size < n) out.add(pick(userKeys));
    return [...out];
  };

  const condition = (segmentIds: readonly string[] | null): FeatBitCondition => {
    const id = uuid();
    if (segmentIds && segmentIds.length > 0 && chance(0.2)) {
      const ids = segmentIds.filter(() => chance(0.05));
      return {
        id,
        property: pick(['User is in segment', 'User is not in segment']),
        op: '',
        value: JSON.stringify(ids.length > 0 ? ids : [pick(segmentIds)]),
      };
    }
    const property = chance(0.08) ? pick(['keyId', 'name']) : pick(Object.keys(ATTRS));
    const pool =
      property === 'keyId' ? userKeys.slice(0, 50) : property === 'name' ? NAMES : ATTRS[property]!;
    const k = rand();
    if (k < 0.4) {
      const v = pick(pool);
      return { id, property, op: pick(STRING_OPS), value: chance(0.3) ? v.slice(0, 2) : v };
    }
    if (k < 0.6) return { id, property, op: pick(NUMERIC_OPS), value: pick(NUMBERS) };
    if (k < 0.9) {
      const list = pool.filter(() => chance(0.4));
      return { id, property, op: pick(['IsOneOf', 'NotOneOf']), value: JSON.stringify(list) };
    }
    const op = pick(['IsTrue', 'IsFalse']);
    return { id, property, op, value: op };
  };

  const rollout = (ids: readonly string[]): FeatBitRollout[] => {
    const n = 1 + Math.floor(rand() * Math.min(3, ids.length));
    const cuts = Array.from({ length: n - 1 }, () =>
      chance(0.5) ? Math.round(rand() * 20) / 20 : rand(),
    ).sort((a, b) => a - b);
    const bounds = [0, ...cuts, 1];
    return Array.from({ length: n }, (_, i) => ({
      id: pick(ids),
      rollout: [bounds[i]!, bounds[i + 1]!] as [number, number],
      exptRollout: pick([0, 0.5, 1]),
    }));
  };

  const segments: FeatBitSegment[] = Array.from({ length: segmentCount }, (_, i) => ({
    id: uuid(),
    envId: 'featbit-env',
    name: `Segment ${i}`,
    key: `segment-${i}`,
    description: chance(0.5) ? `generated segment ${i}` : '',
    included: sampleKeys(Math.floor(rand() * 30)),
    excluded: sampleKeys(Math.floor(rand() * 5)),
    rules: Array.from({ length: Math.floor(rand() * 4) }, (_, r) => ({
      id: uuid(),
      name: `segment rule ${r}`,
      conditions: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => condition(null)),
    })),
    tags: chance(0.3) ? ['generated'] : [],
    // Archived segments are never referenced by flags (FeatBit refuses to archive those).
    isArchived: i >= segmentCount - 2,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-02T00:00:00.000Z',
  }));
  const referable = segments.filter((s) => !s.isArchived).map((s) => s.id);

  const TYPES = ['boolean', 'string', 'number', 'json'] as const;
  const flags: FeatBitFlag[] = Array.from({ length: flagCount }, (_, i) => {
    const type = TYPES[i % TYPES.length]!;
    const values =
      type === 'boolean'
        ? ['true', 'false']
        : type === 'string'
          ? ['red', 'green', 'blue']
          : type === 'number'
            ? ['1', '2.5', '-3']
            : ['{"a":1}', '{"b":[1,2]}', '[]'];
    const variations = values.map((value, v) => ({ id: uuid(), name: `v${v}`, value }));
    const ids = variations.map((v) => v.id);
    const dispatchKey = (): string | null =>
      chance(0.6) ? null : pick(['keyId', 'company', 'country', 'name']);
    const targeted = chance(0.3) ? sampleKeys(1 + Math.floor(rand() * 40)) : [];
    const half = Math.floor(targeted.length / 2);
    return {
      id: uuid(),
      envId: 'featbit-env',
      name: `Flag ${i}`,
      description: chance(0.3) ? `generated flag ${i}` : '',
      key: `flag-${i}`,
      variationType: type,
      variations,
      targetUsers:
        targeted.length === 0
          ? []
          : [
              { keyIds: targeted.slice(0, half), variationId: ids[0]! },
              { keyIds: targeted.slice(half), variationId: pick(ids) },
            ].filter((t) => t.keyIds.length > 0),
      rules: Array.from({ length: Math.floor(rand() * 5) }, (_, r) => ({
        id: uuid(),
        name: `rule ${r}`,
        dispatchKey: dispatchKey(),
        includedInExpt: chance(0.5),
        conditions: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => condition(referable)),
        variations: rollout(ids),
      })),
      isEnabled: chance(0.9),
      disabledVariationId: pick(ids),
      fallthrough: {
        dispatchKey: dispatchKey(),
        includedInExpt: chance(0.5),
        variations: rollout(ids),
      },
      exptIncludeAllTargets: chance(0.5),
      tags: chance(0.4) ? [pick(['web', 'mobile', 'backend']), `team-${i % 7}`] : [],
      isArchived: chance(0.03),
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-02T00:00:00.000Z',
    };
  });

  const users: FeatBitTestUser[] = userKeys.map((key) => ({
    key,
    name: pick(NAMES),
    // Every attribute the conditions use is present (a missing one is a documented difference).
    customizedProperties: Object.entries(ATTRS).map(([name, pool]) => ({
      name,
      value: pick(pool),
    })),
  }));
  const json = JSON.stringify({
    messageType: 'data-sync',
    data: { eventType: 'full', featureFlags: flags, segments },
  });
  return { flags, segments, users, json };
}

const NAMES = ['Ann', 'Bo', 'Cy', 'Dee'];
