// Golden vectors for the evaluation order (archived, disabled, targets, rules, fallthrough) and segments.
import type { EndUser } from '../model/end-user.js';
import { cond, flag, rule, segment, serve, user } from '../evaluation/fixtures.js';
import { addFlag, DEFAULT, ok, ON, suite } from './vector-kit.js';
import type { Expected } from './vector-kit.js';

/** Adds the evaluation-order and segment suites. */
export function addTargetingSuites(): void {
  // ---- evaluation order
  {
    const s = suite('order', ['featbit']);
    const targets = [
      { keyIds: ['t1', 't2'], variationId: 'on' },
      { keyIds: ['t2', 't3'], variationId: 'off' },
    ];
    const base = { targetUsers: targets, rules: [rule('everyone', [], serve('on'))] };
    addFlag(s, flag('archived', { ...base, isArchived: true }));
    addFlag(s, flag('archived-off', { ...base, isArchived: true, isEnabled: false }));
    addFlag(s, flag('disabled', { ...base, isEnabled: false, exptIncludeAllTargets: true }));
    addFlag(s, flag('disabled-on', { ...base, isEnabled: false, disabledVariationId: 'on' }));
    addFlag(s, flag('targeted', { ...base, rules: [rule('everyone', [], serve('off'))] }));
    addFlag(s, flag('targeted-expt', { ...base, exptIncludeAllTargets: true }));
    addFlag(
      s,
      flag('rules', {
        rules: [
          rule('first', [cond('c', 'Equal', 'x')], serve('on')),
          rule('second', [cond('c', 'StartsWith', 'x')], serve('off')),
          rule('third', [], serve('on')),
        ],
      }),
    );
    addFlag(
      s,
      flag('fallthrough-on', { fallthrough: { includedInExpt: false, variations: serve('on') } }),
    );
    const add = (name: string, flagKey: string, u: EndUser, e: Expected): void =>
      void s.cases.push({ name, flagKey, user: u, expected: e });
    const archived: Expected = {
      variationId: null,
      value: null,
      reason: 'flag archived',
      kind: 'archived',
      sendToExperiment: false,
    };
    add('archived before everything', 'archived', user('t1'), archived);
    add('archived even when disabled', 'archived-off', user('x'), archived);
    add(
      'disabled serves disabledVariationId to targeted users',
      'disabled',
      user('t1'),
      ok('off', 'flag disabled', 'off'),
    );
    add(
      'disabled never sends to experiment',
      'disabled-on',
      user('x'),
      ok('on', 'flag disabled', 'off'),
    );
    add('targeted user', 'targeted', user('t1'), ok('on', 'targeted', 'targeted'));
    add('first target entry wins', 'targeted', user('t2'), ok('on', 'targeted', 'targeted'));
    add('second target entry', 'targeted', user('t3'), ok('off', 'targeted', 'targeted'));
    add('untargeted user falls to rules', 'targeted', user('t4'), ok('off', 'everyone', 'rule'));
    add(
      'targeted follows exptIncludeAllTargets',
      'targeted-expt',
      user('t3'),
      ok('off', 'targeted', 'targeted', true),
    );
    add('rules in order: first', 'rules', user('u', { c: 'x' }), ok('on', 'first', 'rule'));
    add('rules in order: second', 'rules', user('u', { c: 'xy' }), ok('off', 'second', 'rule'));
    add('rules in order: third', 'rules', user('u', { c: 'y' }), ok('on', 'third', 'rule'));
    add('fallthrough', 'fallthrough-on', user('u'), ok('on', 'default', 'fallthrough'));
    add('targeting is by keyId only', 'targeted', user('T1'), ok('off', 'everyone', 'rule'));
  }

  // ---- segments
  {
    const segs = [
      segment('seg-a', {
        included: ['inc', 'both'],
        excluded: ['both', 'exc'],
        rules: [{ conditions: [cond('plan', 'Equal', 'pro')] }],
      }),
      segment('seg-b', {
        rules: [
          {
            conditions: [
              cond('country', 'IsOneOf', '["FR","DE"]'),
              cond('age', 'BiggerEqualThan', '18'),
            ],
          },
          { conditions: [cond('vip', 'IsTrue', 'IsTrue')] },
        ],
      }),
      segment('seg-empty'),
    ];
    const s = suite('segments', ['featbit'], segs);
    const inSeg = (ids: string[]): ReturnType<typeof cond> =>
      cond('User is in segment', null, JSON.stringify(ids));
    const notInSeg = (ids: string[]): ReturnType<typeof cond> =>
      cond('User is not in segment', null, JSON.stringify(ids));
    addFlag(s, flag('in-a', { rules: [rule('match', [inSeg(['seg-a'])])] }));
    addFlag(s, flag('in-any', { rules: [rule('match', [inSeg(['seg-empty', 'seg-b'])])] }));
    addFlag(s, flag('not-in', { rules: [rule('match', [notInSeg(['seg-a', 'seg-b'])])] }));
    addFlag(s, flag('in-both', { rules: [rule('match', [inSeg(['seg-a']), inSeg(['seg-b'])])] }));
    addFlag(s, flag('in-empty-list', { rules: [rule('match', [inSeg([])])] }));
    addFlag(s, flag('not-in-empty-list', { rules: [rule('match', [notInSeg([])])] }));
    addFlag(
      s,
      flag('in-null', { rules: [rule('match', [cond('User is in segment', 'IsOneOf', 'null')])] }),
    );
    addFlag(
      s,
      flag('seg-and-attr', {
        rules: [rule('match', [inSeg(['seg-a']), cond('beta', 'IsTrue', 'IsTrue')])],
      }),
    );
    const add = (name: string, flagKey: string, u: EndUser, match: boolean): void =>
      void s.cases.push({ name, flagKey, user: u, expected: match ? ON : DEFAULT });
    add('included', 'in-a', user('inc'), true);
    add('excluded beats included', 'in-a', user('both'), false);
    add('excluded beats rules', 'in-a', user('exc', { plan: 'pro' }), false);
    add('segment rule', 'in-a', user('x', { plan: 'pro' }), true);
    add('no segment rule matches', 'in-a', user('x', { plan: 'free' }), false);
    add('any of the listed segments', 'in-any', user('x', { country: 'FR', age: '30' }), true);
    add(
      'segment rule needs all its conditions',
      'in-any',
      user('x', { country: 'FR', age: '12' }),
      false,
    );
    add('second segment rule', 'in-any', user('x', { vip: 'TRUE' }), true);
    add('empty segment never matches', 'in-any', user('inc'), false);
    add('not in segment: in none', 'not-in', user('x'), true);
    add('not in segment: in the first', 'not-in', user('inc'), false);
    add('not in segment: in the second', 'not-in', user('x', { country: 'DE', age: '18' }), false);
    add('not in segment: excluded counts as not in', 'not-in', user('exc'), true);
    add('two segment conditions: both', 'in-both', user('inc', { vip: 'true' }), true);
    add('two segment conditions: one', 'in-both', user('inc'), false);
    add('empty segment list never matches', 'in-empty-list', user('inc'), false);
    add('not in an empty segment list always matches', 'not-in-empty-list', user('inc'), true);
    add('JSON null segment list never matches', 'in-null', user('inc'), false);
    add('segment and attribute condition', 'seg-and-attr', user('inc', { beta: 'true' }), true);
    add('segment matches, attribute does not', 'seg-and-attr', user('inc', { beta: 'no' }), false);
  }
}
