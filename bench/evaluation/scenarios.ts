// The three benchmark flags, written once in FeatBit's format (for Vane and FeatBit's
// evaluator) and once as equivalent flagd JSON Logic, plus the 1,000 rotating users.
import type { EndUser, FeatureFlag, Segment } from '@vane/core';

const variations = [
  { id: 'on', name: 'On', value: 'true' },
  { id: 'off', name: 'Off', value: 'false' },
];
const all = (id: string): { id: string; rollout: [number, number]; exptRollout: number }[] => [
  { id, rollout: [0, 1], exptRollout: 1 },
];
const base = (key: string): FeatureFlag => ({
  id: `id-${key}`,
  key,
  variationType: 'boolean',
  variations,
  isEnabled: true,
  disabledVariationId: 'off',
  targetUsers: [],
  rules: [],
  fallthrough: { dispatchKey: null, includedInExpt: true, variations: all('on') },
  exptIncludeAllTargets: false,
  isArchived: false,
});
const c = (
  property: string,
  op: string | null,
  value: string,
): { property: string; op: string | null; value: string } => ({ property, op, value });
const rule = (name: string, conditions: ReturnType<typeof c>[]): FeatureFlag['rules'][number] => ({
  id: name,
  name,
  dispatchKey: null,
  includedInExpt: true,
  conditions,
  variations: all('on'),
});

const outsiders = Array.from({ length: 100 }, (_, i) => `staff-${i}`);

/** Two segments: internal staff (included list + email rule), Europe (excluded list + country rule). */
export const segments: Segment[] = [
  {
    id: 'seg-internal',
    included: outsiders,
    excluded: [],
    rules: [{ conditions: [c('email', 'EndsWith', '@internal.example')] }],
  },
  {
    id: 'seg-europe',
    included: [],
    excluded: outsiders.slice(0, 20),
    rules: [{ conditions: [c('country', 'IsOneOf', '["FR","DE","IT","ES","NL"]')] }],
  },
];

/** Simple: enabled, no rules, serves "on". */
export const simple: FeatureFlag = base('simple');

/** 5 rules × 2 conditions, 2 segments; the benchmark users match only the last rule. */
export const ruleHeavy: FeatureFlag = {
  ...base('rule-heavy'),
  fallthrough: { dispatchKey: null, includedInExpt: true, variations: all('off') },
  rules: [
    rule('us-enterprise', [c('country', 'Equal', 'US'), c('plan', 'Equal', 'enterprise')]),
    rule('senior-beta', [c('age', 'BiggerThan', '65'), c('beta', 'IsTrue', 'IsTrue')]),
    rule('staff', [
      c('User is in segment', null, '["seg-internal"]'),
      c('plan', 'NotEqual', 'free'),
    ]),
    rule('gold', [c('plan', 'IsOneOf', '["gold","platinum"]'), c('email', 'Contains', '@vip.')]),
    rule('europe-adults', [
      c('User is in segment', null, '["seg-europe"]'),
      c('age', 'BiggerEqualThan', '18'),
    ]),
  ],
};

/**
 * 3 rules of regex conditions in .NET's dialect (`\\w`, `\\d` and `$` are rewritten for RE2);
 * the benchmark users match only the last rule. flagd has no regex operator, so it has no
 * flagd counterpart; FeatBit's Node SDK runs it with its arguments swapped (it compiles the
 * user value and tests the pattern against it, see core/README.md), so its answers differ and
 * only its time is shown.
 */
export const regexHeavy: FeatureFlag = {
  ...base('regex-heavy'),
  fallthrough: { dispatchKey: null, includedInExpt: true, variations: all('off') },
  rules: [
    rule('north-america', [c('country', 'MatchRegex', '^(US|CA|MX)$')]),
    rule('vip-mail', [c('email', 'MatchRegex', '@vip\\.\\w+$')]),
    rule('company-adults', [
      c('email', 'MatchRegex', '^[\\w.+-]+@example\\.com$'),
      c('age', 'MatchRegex', '^\\d{2}$'),
    ]),
  ],
};

/** 50/50 percentage rollout on the fallthrough. */
export const rollout: FeatureFlag = {
  ...base('rollout'),
  fallthrough: {
    dispatchKey: null,
    includedInExpt: true,
    variations: [
      { id: 'on', rollout: [0, 0.5], exptRollout: 1 },
      { id: 'off', rollout: [0.5, 1], exptRollout: 1 },
    ],
  },
};

const inList = (v: string, list: string[]): object => ({ in: [{ var: v }, list] });
/** The same three flags for flagd-core (segments become shared `$evaluators`). */
export const flagdConfig = {
  $evaluators: {
    segInternal: {
      or: [
        inList('targetingKey', outsiders),
        { ends_with: [{ var: 'email' }, '@internal.example'] },
      ],
    },
    segEurope: {
      and: [
        { '!': inList('targetingKey', outsiders.slice(0, 20)) },
        inList('country', ['FR', 'DE', 'IT', 'ES', 'NL']),
      ],
    },
  },
  flags: {
    simple: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    'rule-heavy': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          {
            and: [{ '==': [{ var: 'country' }, 'US'] }, { '==': [{ var: 'plan' }, 'enterprise'] }],
          },
          'on',
          { and: [{ '>': [{ var: 'age' }, 65] }, { '==': [{ var: 'beta' }, true] }] },
          'on',
          { and: [{ $ref: 'segInternal' }, { '!=': [{ var: 'plan' }, 'free'] }] },
          'on',
          { and: [inList('plan', ['gold', 'platinum']), { in: ['@vip.', { var: 'email' }] }] },
          'on',
          { and: [{ $ref: 'segEurope' }, { '>=': [{ var: 'age' }, 18] }] },
          'on',
          'off',
        ],
      },
    },
    rollout: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 50],
          ['off', 50],
        ],
      },
    },
  },
};

/** One benchmark user in the three shapes the engines take. */
export interface BenchUser {
  readonly vane: EndUser;
  readonly featbit: {
    key: string;
    name: string;
    customizedProperties: { name: string; value: string }[];
  };
  readonly flagd: Record<string, string | number | boolean>;
}

/** 1,000 European adults on the "pro" plan: they match only the last rule of `ruleHeavy`. */
export function makeUsers(n = 1000): BenchUser[] {
  const countries = ['FR', 'DE', 'IT', 'ES', 'NL'];
  return Array.from({ length: n }, (_, i) => {
    const key = `3f2a${i.toString(16).padStart(4, '0')}-user-${i}`;
    const props = {
      country: countries[i % 5]!,
      plan: 'pro',
      age: String(18 + (i % 45)),
      email: `user${i}@example.com`,
      beta: 'false',
    };
    const customizedProperties = Object.entries(props).map(([name, value]) => ({ name, value }));
    return {
      vane: { keyId: key, name: `User ${i}`, customizedProperties },
      featbit: { key, name: `User ${i}`, customizedProperties },
      flagd: { targetingKey: key, ...props, age: Number(props.age), beta: false },
    };
  });
}
