import { describe, expect, it } from 'vitest';
import type { FeatureFlag } from '../model/feature-flag.js';
import { cond, flag, rule, segment } from '../evaluation/fixtures.js';
import { validateFlag } from './validate-flag.js';
import { validateSegment } from './validate-segment.js';

const codes = (problems: { path: string; code: string }[]): string[] =>
  problems.map((p) => `${p.path}: ${p.code}`);

describe('validateFlag', () => {
  it('accepts a well-formed flag', () => {
    expect(validateFlag(flag('ok'))).toEqual([]);
  });

  it('returns every problem with its path', () => {
    const f = flag('bad key', {
      disabledVariationId: 'nope',
      targetUsers: [{ keyIds: ['a'], variationId: 'ghost' }],
      rules: [
        rule('r0', [
          cond('age', 'Older', '3'),
          cond('email', 'MatchRegex', '('),
          cond('id', 'IsOneOf', '[1'),
          cond('age', 'LessThan', 'ten'),
        ]),
        rule(
          'r1',
          [cond('User is in segment', null, '["s-missing"]')],
          [
            { id: 'on', rollout: [0, 0.6], exptRollout: 1 },
            { id: 'off', rollout: [0.5, 0.9], exptRollout: 2 },
          ],
        ),
      ],
      fallthrough: {
        includedInExpt: false,
        variations: [{ id: 'gone', rollout: [0, 0.5], exptRollout: 0 }],
      },
    });
    expect(codes(validateFlag(f, { segments: [segment('s1')] }))).toEqual([
      'key: invalid-key',
      'disabledVariationId: unknown-variation',
      'targetUsers[0].variationId: unknown-variation',
      'rules[0].conditions[0].op: unknown-operator',
      'rules[0].conditions[1].value: invalid-regex',
      'rules[0].conditions[2].value: invalid-list',
      'rules[0].conditions[3].value: invalid-number',
      'rules[1].conditions[0].value: unknown-segment',
      'rules[1].variations[1].exptRollout: expt-rollout-range',
      'rules[1].variations[1].rollout[0]: rollout-overlap',
      'rules[1].variations: rollout-gap',
      'fallthrough.variations[0].id: unknown-variation',
      'fallthrough.variations: rollout-gap',
    ]);
  });

  it('checks variation values against the variation type', () => {
    const f = flag('f', {
      variations: [
        { id: 'on', value: 'yes' },
        { id: 'off', value: 'false' },
      ],
    });
    expect(codes(validateFlag(f))).toEqual(['variations[0].value: invalid-variation-value']);
  });

  it('checks prerequisites and their cycles against the other flags', () => {
    const a = flag('a', { prerequisites: [{ flagKey: 'b', variationId: 'on' }] });
    const b = flag('b', { prerequisites: [{ flagKey: 'a', variationId: 'maybe' }] });
    expect(codes(validateFlag(b, { flags: [a] }))).toEqual([
      'prerequisites[0].variationId: unknown-variation',
      'prerequisites: prerequisite-cycle',
    ]);
    expect(
      codes(
        validateFlag(flag('c', { prerequisites: [{ flagKey: 'zz', variationId: 'on' }] }), {
          flags: [a],
        }),
      ),
    ).toEqual(['prerequisites[0].flagKey: unknown-flag']);
  });

  it('reports structural problems instead of throwing', () => {
    expect(codes(validateFlag(null as unknown as FeatureFlag))).toEqual([': type']);
    expect(validateFlag({ key: 'k' } as unknown as FeatureFlag).length).toBeGreaterThan(5);
  });
});

describe('validateSegment', () => {
  it('rejects nested segment conditions and bad operands', () => {
    const s = segment('s', {
      included: ['a', 3 as unknown as string],
      rules: [
        {
          conditions: [
            cond('User is in segment', null, '["x"]'),
            cond('v', 'SemVerLessThan', '1.2'),
          ],
        },
      ],
    });
    expect(codes(validateSegment(s))).toEqual([
      'included[1]: type',
      'rules[0].conditions[0].property: nested-segment',
      'rules[0].conditions[1].value: invalid-semver',
    ]);
  });
});
