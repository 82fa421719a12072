import { describe, expect, it } from 'vitest';
import type { FeatureFlag, TargetRule } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import { cond, flag, rule, segment } from '../evaluation/fixtures.js';
import { validateFlag } from './validate-flag.js';
import { validateSegment } from './validate-segment.js';

const problems = (list: { path: string; code: string; message: string }[]): string[] =>
  list.map((p) => `${p.path}: ${p.code}: ${p.message}`);
const keys = (n: number, prefix = 'u'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const rules = (n: number): TargetRule[] =>
  Array.from({ length: n }, (_, i) => rule(`r${i}`, [cond('keyId', 'Equal', `u${i}`)]));
const stringFlag = (extra: Partial<FeatureFlag>): FeatureFlag =>
  flag('s', {
    variationType: 'string',
    variations: [
      { id: 'on', value: 'a' },
      { id: 'off', value: 'b' },
    ],
    ...extra,
  });

/** Each case: a flag at the limit (valid) and one just above it (the expected single problem). */
const FLAG_CASES: [string, Partial<FeatureFlag>, Partial<FeatureFlag>, string][] = [
  [
    'key length',
    { key: 'k'.repeat(128) },
    { key: 'k'.repeat(129) },
    'key: limit: must be at most 128 characters (got 129)',
  ],
  [
    'name length',
    { name: 'n'.repeat(256) },
    { name: 'n'.repeat(257) },
    'name: limit: must be at most 256 characters (got 257)',
  ],
  [
    'description length',
    { description: 'd'.repeat(4096) },
    { description: 'd'.repeat(4097) },
    'description: limit: must be at most 4096 characters (got 4097)',
  ],
  [
    'tag count',
    { tags: keys(32, 't') },
    { tags: keys(33, 't') },
    'tags: limit: at most 32 tags (got 33)',
  ],
  [
    'tag length',
    { tags: ['t'.repeat(64)] },
    { tags: ['t'.repeat(65)] },
    'tags[0]: limit: must be at most 64 characters (got 65)',
  ],
  [
    'variation count',
    {
      variations: keys(100).map((id) => ({ id, value: id })),
      disabledVariationId: 'u0',
      fallthrough: ft('u0'),
    },
    {
      variations: keys(101).map((id) => ({ id, value: id })),
      disabledVariationId: 'u0',
      fallthrough: ft('u0'),
    },
    'variations: limit: at most 100 variations (got 101)',
  ],
  [
    'variation value size',
    {
      variations: [
        { id: 'on', value: 'é'.repeat(32 * 1024) },
        { id: 'off', value: 'b' },
      ],
    },
    {
      variations: [
        { id: 'on', value: 'é'.repeat(32 * 1024) + 'x' },
        { id: 'off', value: 'b' },
      ],
    },
    'variations[0].value: limit: must be at most 65536 bytes (64 KiB) (got 65537)',
  ],
  [
    'targeted users',
    {
      targetUsers: [
        { keyIds: keys(6000), variationId: 'on' },
        { keyIds: keys(4000, 'v'), variationId: 'off' },
      ],
    },
    {
      targetUsers: [
        { keyIds: keys(6000), variationId: 'on' },
        { keyIds: keys(4001, 'v'), variationId: 'off' },
      ],
    },
    'targetUsers: limit: at most 10000 targeted user keys in all (got 10001)',
  ],
  [
    'rule count',
    { rules: rules(100) },
    { rules: rules(101) },
    'rules: limit: at most 100 rules (got 101)',
  ],
  [
    'conditions per rule',
    {
      rules: [
        rule(
          'r',
          keys(50).map((k) => cond('keyId', 'Equal', k)),
        ),
      ],
    },
    {
      rules: [
        rule(
          'r',
          keys(51).map((k) => cond('keyId', 'Equal', k)),
        ),
      ],
    },
    'rules[0].conditions: limit: at most 50 conditions (got 51)',
  ],
];

function ft(id: string): FeatureFlag['fallthrough'] {
  return { includedInExpt: false, variations: [{ id, rollout: [0, 1], exptRollout: 0 }] };
}

describe('validateFlag limits', () => {
  it.each(FLAG_CASES)(
    '%s: at the limit is valid, one above is refused',
    (_, atLimit, above, problem) => {
      expect(problems(validateFlag(stringFlag(atLimit)))).toEqual([]);
      expect(problems(validateFlag(stringFlag(above)))).toEqual([problem]);
    },
  );

  it('limits prerequisites to 10', () => {
    const pre = (n: number) => keys(n, 'p').map((flagKey) => ({ flagKey, variationId: 'on' }));
    expect(validateFlag(flag('f', { prerequisites: pre(10) }))).toEqual([]);
    expect(problems(validateFlag(flag('f', { prerequisites: pre(11) })))).toEqual([
      'prerequisites: limit: at most 10 prerequisites (got 11)',
    ]);
  });

  it('refuses a user key in two target lists, or twice in one', () => {
    const f = flag('f', {
      targetUsers: [
        { keyIds: ['a', 'b', 'b'], variationId: 'on' },
        { keyIds: ['a'], variationId: 'off' },
      ],
    });
    expect(problems(validateFlag(f))).toEqual([
      'targetUsers[0].keyIds[2]: duplicate: user "b" is already targeted by entry 0',
      'targetUsers[1].keyIds[0]: duplicate: user "a" is already targeted by entry 0',
    ]);
  });

  it('refuses a rule without conditions, duplicate rule ids and duplicate condition ids', () => {
    const f = flag('f', {
      rules: [
        rule('a', []),
        {
          ...rule('b', [
            { id: 'c', ...cond('x', 'Equal', '1') },
            { id: 'c', ...cond('y', 'Equal', '2') },
          ]),
          id: 'rule-a',
        },
      ],
    });
    expect(validateFlag(f).map((p) => `${p.path}: ${p.code}`)).toEqual([
      'rules[0].conditions: no-conditions',
      'rules[1].id: duplicate',
      'rules[1].conditions[1].id: duplicate',
    ]);
  });

  it('refuses a boolean flag unless it has exactly a true and a false variation', () => {
    const three = flag('f', {
      variations: [
        { id: 'on', value: 'true' },
        { id: 'off', value: 'false' },
        { id: 'again', value: 'true' },
      ],
    });
    const same = flag('f', {
      variations: [
        { id: 'on', value: 'true' },
        { id: 'off', value: 'true' },
      ],
    });
    for (const f of [three, same]) {
      expect(validateFlag(f).map((p) => `${p.path}: ${p.code}`)).toEqual([
        'variations: boolean-variations',
      ]);
    }
    const swapped = flag('f', {
      variations: [
        { id: 'off', value: 'false' },
        { id: 'on', value: 'true' },
      ],
    });
    expect(validateFlag(swapped)).toEqual([]);
  });

  it('refuses the keys "." and ".." but not other dotted keys', () => {
    for (const key of ['.', '..']) {
      expect(validateFlag(flag(key)).map((p) => `${p.path}: ${p.code}`)).toEqual([
        'key: invalid-key',
      ]);
    }
    expect(validateFlag(flag('...'))).toEqual([]);
    expect(validateFlag(flag('a.b'))).toEqual([]);
  });
});

describe('validateSegment limits', () => {
  const cases: [string, Partial<Segment>, Partial<Segment>, string][] = [
    [
      'included',
      { included: keys(10_000) },
      { included: keys(10_001) },
      'included: limit: at most 10000 user keys (got 10001)',
    ],
    [
      'excluded',
      { excluded: keys(10_000) },
      { excluded: keys(10_001) },
      'excluded: limit: at most 10000 user keys (got 10001)',
    ],
    [
      'rules',
      { rules: keys(100).map((k) => ({ id: k, conditions: [cond('keyId', 'Equal', k)] })) },
      { rules: keys(101).map((k) => ({ id: k, conditions: [cond('keyId', 'Equal', k)] })) },
      'rules: limit: at most 100 rules (got 101)',
    ],
    ['tags', { tags: keys(32) }, { tags: keys(33) }, 'tags: limit: at most 32 tags (got 33)'],
    [
      'key',
      { key: 'k'.repeat(128) },
      { key: '..' },
      'key: invalid-key: key ".." must contain only letters, digits, ".", "_" and "-", and must not be "." or ".."',
    ],
  ];
  it.each(cases)(
    '%s: at the limit is valid, one above is refused',
    (_, atLimit, above, problem) => {
      expect(problems(validateSegment(segment('s', atLimit)))).toEqual([]);
      expect(problems(validateSegment(segment('s', above)))).toEqual([problem]);
    },
  );

  it('refuses an empty rule and duplicate rule ids', () => {
    const s = segment('s', {
      rules: [
        { id: 'a', conditions: [] },
        { id: 'a', conditions: [cond('keyId', 'Equal', 'x')] },
      ],
    });
    expect(validateSegment(s).map((p) => `${p.path}: ${p.code}`)).toEqual([
      'rules[0].conditions: no-conditions',
      'rules[1].id: duplicate',
    ]);
  });
});
