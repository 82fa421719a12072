// Golden vectors for Vane's extensions: defined errors for malformed definitions, prerequisites.
import type { EndUser } from '../model/end-user.js';
import { cond, flag, rule, segment, serve, user } from '../evaluation/fixtures.js';
import { addFlag, DEFAULT, malformed, ok, suite } from './vector-kit.js';
import type { Expected } from './vector-kit.js';

/** Adds the malformed-definition and prerequisite suites (tag "vane"). */
export function addVaneSuites(): void {
  // ---- malformed definitions (Vane: a defined error where FeatBit's .NET server throws)
  {
    const s = suite('malformed', ['vane'], [segment('seg-x', { included: ['in'] })]);
    addFlag(
      s,
      flag('bad-regex', {
        rules: [
          rule('vip', [cond('keyId', 'Equal', 'vip')]),
          rule('bad', [cond('p', 'MatchRegex', '(unclosed')]),
        ],
      }),
    );
    addFlag(s, flag('bad-list', { rules: [rule('bad', [cond('p', 'IsOneOf', '["a",')])] }));
    addFlag(s, flag('bad-list-item', { rules: [rule('bad', [cond('p', 'NotOneOf', '["a",1]')])] }));
    addFlag(
      s,
      flag('missing-segment', {
        rules: [rule('seg', [cond('User is in segment', null, '["seg-x","seg-gone"]')])],
      }),
    );
    addFlag(
      s,
      flag('bad-segment-list', {
        rules: [rule('seg', [cond('User is not in segment', null, 'seg-x')])],
      }),
    );
    addFlag(s, flag('missing-disabled', { isEnabled: false, disabledVariationId: 'gone' }));
    addFlag(s, flag('missing-target', { targetUsers: [{ keyIds: ['t'], variationId: 'gone' }] }));
    addFlag(
      s,
      flag('missing-rollout-variation', {
        fallthrough: { includedInExpt: false, variations: serve('gone') },
      }),
    );
    addFlag(
      s,
      flag('gap', {
        fallthrough: {
          includedInExpt: false,
          variations: [{ id: 'on', rollout: [0, 0], exptRollout: 1 }],
        },
      }),
    );
    addFlag(s, flag('no-variations', { fallthrough: { includedInExpt: false, variations: [] } }));
    const add = (name: string, flagKey: string, u: EndUser, e: Expected): void =>
      void s.cases.push({ name, flagKey, user: u, expected: e });
    add('an earlier rule still matches', 'bad-regex', user('vip'), ok('on', 'vip', 'rule'));
    add('invalid regex reached', 'bad-regex', user('x', { p: 'a' }), malformed);
    add('invalid list reached', 'bad-list', user('x', { p: 'a' }), malformed);
    add('non-string list item reached', 'bad-list-item', user('x', { p: 'a' }), malformed);
    add(
      'missing segment not reached (earlier segment matches)',
      'missing-segment',
      user('in'),
      ok('on', 'seg', 'rule'),
    );
    add('missing segment reached', 'missing-segment', user('out'), malformed);
    add('segment list that is not JSON', 'bad-segment-list', user('in'), malformed);
    add('missing disabled variation', 'missing-disabled', user('x'), malformed);
    add('missing targeted variation', 'missing-target', user('t'), malformed);
    add('missing targeted variation, other user', 'missing-target', user('u'), DEFAULT);
    add('missing rollout variation', 'missing-rollout-variation', user('x'), malformed);
    add('rollout that takes nobody', 'gap', user('x'), malformed);
    add('empty rollout', 'no-variations', user('x'), malformed);
    s.cases.push({
      name: 'unknown flag',
      flagKey: 'no-such-flag',
      user: user('x'),
      expected: {
        variationId: null,
        value: null,
        reason: 'flag not found',
        kind: 'flag-not-found',
        sendToExperiment: false,
        errorCode: 'FLAG_NOT_FOUND',
      },
    });
    s.cases.push({
      name: 'blank keyId',
      flagKey: 'gap',
      user: { keyId: ' ' },
      expected: {
        variationId: null,
        value: null,
        reason: 'invalid user',
        kind: 'error',
        sendToExperiment: false,
        errorCode: 'INVALID_USER',
      },
    });
  }

  // ---- prerequisites (Vane)
  {
    const s = suite('prerequisites', ['vane']);
    addFlag(s, flag('base', { rules: [rule('fr', [cond('country', 'Equal', 'FR')])] }));
    addFlag(s, flag('base-off', { isEnabled: false, disabledVariationId: 'on' }));
    const pre = (
      flagKey: string,
      variationId = 'on',
    ): { flagKey: string; variationId: string } => ({
      flagKey,
      variationId,
    });
    const served = { includedInExpt: false, variations: serve('on') };
    addFlag(s, flag('child', { fallthrough: served, prerequisites: [pre('base')] }));
    addFlag(s, flag('child-of-off', { fallthrough: served, prerequisites: [pre('base-off')] }));
    addFlag(s, flag('child-of-missing', { fallthrough: served, prerequisites: [pre('ghost')] }));
    addFlag(
      s,
      flag('grandchild', { fallthrough: served, prerequisites: [pre('child'), pre('base', 'on')] }),
    );
    addFlag(s, flag('wants-off', { fallthrough: served, prerequisites: [pre('base', 'off')] }));
    addFlag(s, flag('cycle-a', { prerequisites: [pre('cycle-b')] }));
    addFlag(s, flag('cycle-b', { prerequisites: [pre('cycle-a')] }));
    addFlag(
      s,
      flag('cycle-disabled', { isEnabled: false, prerequisites: [pre('cycle-disabled')] }),
    );
    addFlag(
      s,
      flag('targets-first', {
        fallthrough: served,
        targetUsers: [{ keyIds: ['t'], variationId: 'on' }],
        prerequisites: [pre('base')],
      }),
    );
    const failed = ok('off', 'prerequisite failed', 'prerequisite-failed');
    const cycle: Expected = {
      variationId: null,
      value: null,
      reason: 'prerequisite cycle',
      kind: 'error',
      sendToExperiment: false,
      errorCode: 'PREREQUISITE_CYCLE',
    };
    const add = (name: string, flagKey: string, u: EndUser, e: Expected): void =>
      void s.cases.push({ name, flagKey, user: u, expected: e });
    const fr = user('x', { country: 'FR' });
    add('met', 'child', fr, ok('on', 'default', 'fallthrough'));
    add('not met', 'child', user('x'), failed);
    add('a disabled prerequisite is never met', 'child-of-off', fr, failed);
    add('a missing prerequisite is never met', 'child-of-missing', fr, failed);
    add('chained prerequisites met', 'grandchild', fr, ok('on', 'default', 'fallthrough'));
    add('chained prerequisites not met', 'grandchild', user('y'), failed);
    add(
      'prerequisite on the fallthrough variation',
      'wants-off',
      user('y'),
      ok('on', 'default', 'fallthrough'),
    );
    add('prerequisite on the fallthrough variation, not met', 'wants-off', fr, failed);
    add('cycle', 'cycle-a', fr, cycle);
    add('cycle, other member', 'cycle-b', fr, cycle);
    add(
      'a disabled flag is served before its prerequisites',
      'cycle-disabled',
      fr,
      ok('off', 'flag disabled', 'off'),
    );
    add('prerequisites come before individual targets', 'targets-first', user('t'), failed);
  }
}
