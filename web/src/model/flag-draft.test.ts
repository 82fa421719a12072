import { describe, expect, it } from 'vitest';
import { sampleFlag } from '../testing/sample-flag.js';
import {
  addVariation,
  draftFromFlag,
  errorsAt,
  flagFromDraft,
  removeVariation,
  validateDraft,
} from './flag-draft.js';
import type { FlagDraft, RuleDraft } from './flag-draft.js';

describe('flag draft ↔ proto', () => {
  it('round-trips a flag unchanged', () => {
    const flag = sampleFlag();
    expect(flagFromDraft(draftFromFlag(flag))).toEqual(flag);
  });

  it('reads a 30/70 rule as a split and the fallthrough as one variation', () => {
    const d = draftFromFlag(sampleFlag());
    expect(d.rules[0]!.rollout.mode).toBe('split');
    expect(d.rules[0]!.rollout.shares.map((s) => s.percent)).toEqual([30, 70]);
    expect(d.fallthrough.rollout).toMatchObject({ mode: 'single', variationId: 'on' });
    expect(d.rules[0]!.conditions[0]).toMatchObject({ kind: 'segment', segmentIds: ['s1'] });
  });

  it('saves an edited rule with a segment condition and a 30/70 rollout', () => {
    const d = draftFromFlag({ ...sampleFlag(), rules: [] });
    const rule: RuleDraft = {
      id: 'r9',
      name: ' Beta testers ',
      dispatchKey: '',
      includedInExpt: true,
      conditions: [{ kind: 'segment', id: 'c9', negate: false, segmentIds: ['seg'] }],
      rollout: {
        mode: 'split',
        variationId: 'on',
        shares: [
          { variationId: 'on', percent: 30, exptRollout: 1 },
          { variationId: 'off', percent: 70, exptRollout: 1 },
        ],
      },
    };
    const flag = flagFromDraft({ ...d, rules: [rule] });
    expect(flag.rules).toEqual([
      {
        id: 'r9',
        name: 'Beta testers',
        dispatchKey: '',
        includedInExpt: true,
        conditions: [{ id: 'c9', property: 'User is in segment', op: '', value: '["seg"]' }],
        variations: [
          { variationId: 'on', rolloutStart: 0, rolloutEnd: 0.3, exptRollout: 1 },
          { variationId: 'off', rolloutStart: 0.3, rolloutEnd: 1, exptRollout: 1 },
        ],
      },
    ]);
  });

  it('drops target entries without users', () => {
    const d = draftFromFlag(sampleFlag());
    const flag = flagFromDraft({ ...d, targetUsers: [{ variationId: 'off', keyIds: [] }] });
    expect(flag.targetUsers).toEqual([]);
  });
});

describe('validateDraft', () => {
  const valid = () => draftFromFlag(sampleFlag());

  it('finds nothing wrong with a valid flag', () => {
    expect(validateDraft(valid())).toEqual({});
  });

  it('reports problems under the admin API’s field paths', () => {
    const d = valid();
    const broken: FlagDraft = {
      ...d,
      name: ' ',
      variations: [d.variations[0]!, { ...d.variations[1]!, value: 'maybe' }],
      disabledVariationId: 'gone',
      targetUsers: [
        { variationId: 'on', keyIds: ['bob'] },
        { variationId: 'off', keyIds: ['bob'] },
      ],
      rules: [
        {
          ...d.rules[0]!,
          name: '',
          conditions: [
            {
              kind: 'attribute',
              id: 'x',
              property: 'age',
              op: 'BiggerThan',
              value: 'old',
              values: [],
            },
          ],
          rollout: {
            ...d.rules[0]!.rollout,
            shares: [{ variationId: 'on', percent: 50, exptRollout: 1 }],
          },
        },
        { ...d.rules[0]!, id: 'r2', conditions: [] },
      ],
      fallthrough: {
        ...d.fallthrough,
        rollout: { mode: 'single', variationId: 'nope', shares: [] },
      },
    };
    const errors = validateDraft(broken);
    expect(Object.keys(errors).sort()).toEqual(
      [
        'flag.name',
        'flag.variations[1].value',
        'flag.disabled_variation_id',
        'flag.target_users[1].key_ids',
        'flag.rules[0].name',
        'flag.rules[0].conditions[0].value',
        'flag.rules[0].variations',
        'flag.rules[1].conditions',
        'flag.fallthrough.variations',
      ].sort(),
    );
    expect(errors['flag.rules[0].variations']).toBe('The shares add up to 50 %, not 100 %.');
    expect(errorsAt(errors, 'flag.rules[0]')).toHaveLength(3);
    expect(errorsAt(errors, 'flag.rules[1]')).toEqual(['Add at least one condition.']);
    expect(errorsAt(errors, 'flag.variations', true)).toEqual([]);
  });

  it('checks values against the variation type', () => {
    const d = valid();
    const dup = { ...d, variations: [d.variations[0]!, { ...d.variations[1]!, value: 'true' }] };
    expect(validateDraft(dup)['flag.variations[1].value']).toBe('Two variations have this value.');
  });
});

describe('adding and removing variations', () => {
  it('gives a new variation a 0 % share everywhere, so rollouts still add up', () => {
    const d = addVariation(draftFromFlag(sampleFlag()), 'new');
    expect(d.variations.map((v) => v.id)).toEqual(['on', 'off', 'new']);
    expect(d.rules[0]!.rollout.shares.map((s) => [s.variationId, s.percent])).toEqual([
      ['on', 30],
      ['off', 70],
      ['new', 0],
    ]);
    expect(flagFromDraft(d).rules[0]!.variations).toEqual(sampleFlag().rules[0]!.variations);
  });

  it('removes every reference to a removed variation', () => {
    const d = removeVariation(draftFromFlag(sampleFlag()), 'on');
    expect(d.variations.map((v) => v.id)).toEqual(['off']);
    expect(d.targetUsers).toEqual([]);
    expect(d.fallthrough.rollout).toMatchObject({ mode: 'single', variationId: 'off' });
    expect(d.rules[0]!.rollout.shares.map((s) => s.variationId)).toEqual(['off']);
    // 70 % left: the editor says so instead of saving a broken rollout.
    expect(validateDraft(d)['flag.rules[0].variations']).toBe(
      'The shares add up to 70 %, not 100 %.',
    );
  });
});
