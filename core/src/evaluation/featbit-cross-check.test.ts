import * as nodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { EndUser } from '../model/end-user.js';
import type { Condition, FeatureFlag, RolloutVariation } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import { parseDotNetDouble } from './dotnet-number.js';
import { compileEnvironment } from './environment.js';

// Evaluates thousands of random (flag, user) pairs with Vane and with the evaluator inside
// the published @featbit/node-server-sdk. Every disagreement must fall in one of the
// differences documented in core/README.md; the predicates below are conservative (they
// classify a pair by what it contains, not by the outcome).

const require = createRequire(import.meta.url);
type FbResult = { kind: string; value: string; reason: string };
type FbEvaluator = {
  evaluate(key: string, ctx: unknown): [FbResult, { sendToExperiment: boolean } | null];
};
const FbEvaluatorClass = (
  require('@featbit/node-server-sdk/dist/cjs/evaluation/Evaluator.js') as {
    default: new (p: unknown, s: unknown) => FbEvaluator;
  }
).default;
const FbContext = (
  require('@featbit/node-server-sdk/dist/cjs/Context.js') as {
    default: { fromUser(u: unknown): unknown };
  }
).default;

function featbitEvaluator(flags: FeatureFlag[], segments: Segment[]): FbEvaluator {
  const f = new Map(flags.map((x) => [x.key, x]));
  const s = new Map(segments.map((x) => [x.id, x]));
  const store = {
    get: (kind: { namespace: string }, key: string) =>
      kind.namespace === 'flags' ? f.get(key) : s.get(key),
  };
  return new FbEvaluatorClass({ crypto: nodeCrypto }, store);
}

// ---- deterministic random generation
let seed = 0x5eed;
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number): boolean => rand() < p;

const ATTRS: Record<string, string[]> = {
  country: ['FR', 'DE', 'US', 'fr', '', 'United States'],
  plan: ['free', 'pro', 'enterprise', 'Pro'],
  age: ['5', '17', '18', '18.5', '40', '-3', 'abc', ' 18', '1e2', '12abc', '1,5', '0x1A', ''],
  email: ['a@example.com', 'bob@test.io', 'carol@example.org', 'x'],
  beta: ['true', 'TRUE', 'false', 'False', 'yes', ''],
};
const USER_KEYS = Array.from({ length: 40 }, (_, i) => `user-${i}`);
const STRING_OPS = ['Equal', 'NotEqual', 'Contains', 'NotContain', 'StartsWith', 'EndsWith'];
const NUMERIC_OPS = ['LessThan', 'LessEqualThan', 'BiggerThan', 'BiggerEqualThan'];

function randomCondition(segmentIds: string[] | null): Condition {
  if (segmentIds && chance(0.15)) {
    const ids = segmentIds.filter(() => chance(0.4));
    return {
      property: pick(['User is in segment', 'User is not in segment']),
      op: null,
      value: JSON.stringify(ids.length ? ids : [pick(segmentIds)]),
    };
  }
  const r = rand();
  const prop = r < 0.08 ? pick(['keyId', 'name']) : pick(Object.keys(ATTRS));
  const pool = prop === 'keyId' ? USER_KEYS : prop === 'name' ? ['Ann', 'Bo', ''] : ATTRS[prop]!;
  const k = rand();
  if (k < 0.35)
    return {
      property: prop,
      op: pick(STRING_OPS),
      value: pick(pool).slice(0, chance(0.3) ? 2 : undefined),
    };
  if (k < 0.55)
    return {
      property: prop,
      op: pick(NUMERIC_OPS),
      value: pick(['18', '17.5', '0', '-1', '100', 'abc', '1e1']),
    };
  if (k < 0.75)
    return {
      property: prop,
      op: pick(['IsOneOf', 'NotOneOf']),
      value: JSON.stringify(pool.filter(() => chance(0.4))),
    };
  if (k < 0.85) return { property: prop, op: pick(['IsTrue', 'IsFalse']), value: 'IsTrue' };
  if (k < 0.93)
    return {
      property: prop,
      op: pick(['MatchRegex', 'NotMatchRegex']),
      value: pick(['^a', 'example', '\\d+', '.*']),
    };
  return { property: prop, op: pick(['Unknown', 'Between']), value: '1' };
}

function randomRollout(): RolloutVariation[] {
  const ids = ['v0', 'v1', 'v2'];
  const n = 1 + Math.floor(rand() * 3);
  const cuts = Array.from({ length: n - 1 }, () =>
    chance(0.5) ? Math.round(rand() * 20) / 20 : rand(),
  ).sort((a, b) => a - b);
  const bounds = [0, ...cuts, 1];
  const out: RolloutVariation[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      id: pick(ids),
      rollout: [bounds[i]!, bounds[i + 1]!],
      exptRollout: pick([0, 0.1, 0.5, 1, rand()]),
    });
  if (chance(0.05)) out.unshift({ id: 'v1', rollout: [0, 0], exptRollout: 1 });
  return out;
}

function randomFlag(i: number, segmentIds: string[]): FeatureFlag {
  const dispatchKey = (): string | null =>
    chance(0.75) ? null : pick(['keyId', 'plan', 'country', 'name', ' ']);
  return {
    id: `f${i}`,
    key: `flag-${i}`,
    variationType: 'string',
    variations: [
      { id: 'v0', value: 'zero' },
      { id: 'v1', value: 'one' },
      { id: 'v2', value: 'two' },
    ],
    isEnabled: chance(0.9),
    isArchived: chance(0.03),
    disabledVariationId: pick(['v0', 'v1']),
    exptIncludeAllTargets: chance(0.3),
    targetUsers: chance(0.3)
      ? [{ keyIds: USER_KEYS.filter(() => chance(0.1)), variationId: pick(['v0', 'v2']) }]
      : [],
    rules: Array.from({ length: Math.floor(rand() * 5) }, (_, r) => ({
      id: `r${r}`,
      name: `rule ${r}`,
      dispatchKey: dispatchKey(),
      includedInExpt: chance(0.5),
      conditions: Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
        randomCondition(segmentIds),
      ),
      variations: randomRollout(),
    })),
    fallthrough: {
      dispatchKey: dispatchKey(),
      includedInExpt: chance(0.5),
      variations: randomRollout(),
    },
  };
}

function randomSegment(i: number): Segment {
  return {
    id: `seg-${i}`,
    included: USER_KEYS.filter(() => chance(0.1)),
    excluded: USER_KEYS.filter(() => chance(0.05)),
    rules: Array.from({ length: Math.floor(rand() * 3) }, () => ({
      conditions: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => randomCondition(null)),
    })),
  };
}

function randomUser(): EndUser {
  const props = Object.entries(ATTRS)
    .filter(() => chance(0.9))
    .map(([name, pool]) => ({ name, value: pick(pool) }));
  return {
    keyId: pick(USER_KEYS),
    ...(chance(0.85) ? { name: pick(['Ann', 'Bo', 'Cy']) } : {}),
    customizedProperties: props,
  };
}

// ---- documented differences (core/README.md, "Differences from FeatBit's Node SDK")
function conditionsOf(flag: FeatureFlag, segments: Map<string, Segment>): Condition[] {
  const out: Condition[] = [];
  for (const r of flag.rules) {
    for (const c of r.conditions) {
      out.push(c);
      if (c.property.startsWith('User is'))
        for (const id of JSON.parse(c.value!) as string[])
          out.push(...(segments.get(id)?.rules.flatMap((x) => x.conditions) ?? []));
    }
  }
  return out;
}
const has = (u: EndUser, prop: string): boolean =>
  prop === 'keyId' ||
  (prop === 'name' ? u.name != null : (u.customizedProperties ?? []).some((p) => p.name === prop));
const valueOf = (u: EndUser, prop: string): string | undefined =>
  prop === 'keyId'
    ? u.keyId
    : prop === 'name'
      ? (u.name ?? undefined)
      : (u.customizedProperties?.find((p) => p.name === prop)?.value ?? undefined);
const sameNumber = (s: string): boolean => {
  const a = parseFloat(s);
  const b = parseDotNetDouble(s);
  return Number.isNaN(a) ? Number.isNaN(b) : a === b;
};

function documentedDifference(
  flag: FeatureFlag,
  user: EndUser,
  segments: Map<string, Segment>,
): string | null {
  if (flag.isArchived) return 'archived';
  const conditions = conditionsOf(flag, segments).filter((c) => !c.property.startsWith('User is'));
  if (conditions.some((c) => c.op === 'MatchRegex' || c.op === 'NotMatchRegex')) return 'regex';
  const dispatchProps = [
    ...flag.rules.map((r) => r.dispatchKey),
    flag.fallthrough.dispatchKey,
  ].filter((k): k is string => !!k && k.trim() !== '');
  if ([...conditions.map((c) => c.property), ...dispatchProps].some((p) => !has(user, p)))
    return 'missing-attribute';
  if (
    conditions.some(
      (c) =>
        NUMERIC_OPS.includes(c.op!) &&
        (!sameNumber(c.value!) || !sameNumber(valueOf(user, c.property) ?? '')),
    )
  )
    return 'numeric-parsing';
  return null;
}

describe('cross-check against @featbit/node-server-sdk', () => {
  it('agrees on thousands of random pairs outside documented differences', () => {
    const segments = Array.from({ length: 5 }, (_, i) => randomSegment(i));
    const segmentMap = new Map(segments.map((s) => [s.id, s]));
    const flags = Array.from({ length: 400 }, (_, i) =>
      randomFlag(
        i,
        segments.map((s) => s.id),
      ),
    );
    const vane = compileEnvironment({ flags, segments });
    const featbit = featbitEvaluator(flags, segments);
    const stats = {
      pairs: 0,
      compared: 0,
      sendToExperimentCompared: 0,
      documented: {} as Record<string, { pairs: number; disagreements: number }>,
    };
    const failures: string[] = [];
    for (const flag of flags) {
      for (let j = 0; j < 20; j++) {
        const user = randomUser();
        stats.pairs++;
        const v = vane.evaluate(flag.key, user);
        let fbValue: string | null;
        let fbKind = 'threw';
        let fbReason = '';
        let fbExpt: boolean | null = null;
        try {
          const [res, event] = featbit.evaluate(
            flag.key,
            FbContext.fromUser({
              key: user.keyId,
              name: user.name,
              customizedProperties: user.customizedProperties,
            }),
          );
          fbValue = res.kind === 'Error' ? null : res.value;
          fbKind = res.kind;
          fbReason = res.reason;
          fbExpt = event?.sendToExperiment ?? null;
        } catch {
          fbValue = 'threw';
        }
        const vValue = v.kind === 'error' ? null : (v.variation?.value ?? null);
        const category = documentedDifference(flag, user, segmentMap);
        if (category !== null) {
          const d = (stats.documented[category] ??= { pairs: 0, disagreements: 0 });
          d.pairs++;
          if (vValue !== fbValue) d.disagreements++;
          continue;
        }
        stats.compared++;
        if (vValue !== fbValue)
          failures.push(
            `${flag.key} ${JSON.stringify(user)}: vane ${vValue} (${v.reason}) featbit ${fbValue}`,
          );
        const kinds: Record<string, string> = {
          off: 'Off',
          targeted: 'TargetMatch',
          rule: 'RuleMatch',
          fallthrough: 'FallThrough',
          error: 'Error',
        };
        if (
          kinds[v.kind] !== fbKind ||
          (v.kind === 'rule' && fbReason !== `match rule ${v.reason}`)
        ) {
          failures.push(
            `${flag.key} ${user.keyId}: kind vane ${v.kind}/${v.reason} featbit ${fbKind}/${fbReason}`,
          );
        }
        // The Node SDK reads fallthrough.includedInExpt for rules too (documented difference).
        const ruleExptDiffers =
          v.kind === 'rule' &&
          !flag.exptIncludeAllTargets &&
          flag.rules.some(
            (r) => r.name === v.reason && r.includedInExpt !== flag.fallthrough.includedInExpt,
          );
        if (v.kind !== 'error' && !ruleExptDiffers) {
          stats.sendToExperimentCompared++;
          if (fbExpt !== v.sendToExperiment)
            failures.push(
              `${flag.key} ${user.keyId}: sendToExperiment vane ${v.sendToExperiment} featbit ${fbExpt}`,
            );
        }
      }
    }
    console.log('cross-check', JSON.stringify(stats));
    expect(failures.slice(0, 10)).toEqual([]);
    expect(stats.compared).toBeGreaterThan(3000);
  });
});
