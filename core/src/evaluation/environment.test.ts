import { describe, expect, it } from 'vitest';
import type { FeatureFlag } from '../model/feature-flag.js';
import { compileEnvironment, evaluateFlag } from './environment.js';
import { rolloutOfKey } from './dispatch.js';
import { cond, flag, rule, segment, serve, user } from './fixtures.js';

const alice = user('alice', { country: 'FR', plan: 'pro' }, 'Alice');

describe('evaluation order', () => {
  it('serves nothing for an archived flag, before anything else', () => {
    const r = evaluateFlag(flag('f', { isArchived: true, isEnabled: false }), alice);
    expect(r).toMatchObject({
      variation: null,
      reason: 'flag archived',
      kind: 'archived',
      sendToExperiment: false,
    });
  });

  it('serves the disabled variation when off, even to targeted users', () => {
    const f = flag('f', {
      isEnabled: false,
      targetUsers: [{ keyIds: ['alice'], variationId: 'on' }],
      exptIncludeAllTargets: true,
    });
    expect(evaluateFlag(f, alice)).toMatchObject({
      variation: { id: 'off' },
      reason: 'flag disabled',
      kind: 'off',
      sendToExperiment: false,
    });
  });

  it('serves targeted users first, with sendToExperiment = exptIncludeAllTargets', () => {
    const targets = [
      { keyIds: ['bob', 'alice'], variationId: 'on' },
      { keyIds: ['alice'], variationId: 'off' },
    ];
    const f = flag('f', { targetUsers: targets, rules: [rule('r', [], serve('off'))] });
    expect(evaluateFlag(f, alice)).toMatchObject({
      variation: { id: 'on' },
      reason: 'targeted',
      kind: 'targeted',
      sendToExperiment: false,
    });
    expect(evaluateFlag({ ...f, exptIncludeAllTargets: true }, alice).sendToExperiment).toBe(true);
  });

  it('serves the first matching rule with its name as reason, else the fallthrough', () => {
    const f = flag('f', {
      rules: [
        rule('uk', [cond('country', 'Equal', 'UK')], serve('off')),
        rule('fr', [cond('country', 'Equal', 'FR')]),
      ],
    });
    expect(evaluateFlag(f, alice)).toMatchObject({
      variation: { id: 'on', value: 'true' },
      reason: 'fr',
      kind: 'rule',
    });
    expect(evaluateFlag(f, user('bob'))).toMatchObject({
      variation: { id: 'off' },
      reason: 'default',
      kind: 'fallthrough',
    });
  });
});

describe('segments', () => {
  const seg = segment('s1', {
    included: ['alice', 'carol'],
    excluded: ['carol'],
    rules: [{ conditions: [cond('plan', 'Equal', 'pro')] }],
  });
  const f = flag('f', { rules: [rule('in', [cond('User is in segment', null, '["s0","s1"]')])] });
  const g = flag('g', { rules: [rule('out', [cond('User is not in segment', null, '["s1"]')])] });
  const env = compileEnvironment({ flags: [f, g], segments: [segment('s0'), seg] });

  it('excluded beats included, which beats rules', () => {
    expect(env.evaluate('f', user('alice')).reason).toBe('in');
    expect(env.evaluate('f', user('carol', { plan: 'pro' })).reason).toBe('default');
    expect(env.evaluate('f', user('dave', { plan: 'pro' })).reason).toBe('in');
    expect(env.evaluate('f', user('erin')).reason).toBe('default');
  });

  it('"not in segment" matches users in none of the segments', () => {
    expect(env.evaluate('g', user('erin')).reason).toBe('out');
    expect(env.evaluate('g', user('alice')).reason).toBe('default');
  });

  it('recompiles dependent flags when a segment changes', () => {
    const next = env.withChanges({ segments: [{ ...seg, included: ['erin'] }] });
    expect(next.evaluate('f', user('erin')).reason).toBe('in');
    expect(env.evaluate('f', user('erin')).reason).toBe('default');
  });
});

describe('rollouts and experiments', () => {
  const half = [
    { id: 'on', rollout: [0, 0.5] as [number, number], exptRollout: 0.5 },
    { id: 'off', rollout: [0.5, 1] as [number, number], exptRollout: 0 },
  ];

  it('dispatches on MD5(flagKey + keyId) with inclusive bounds', () => {
    for (let i = 0; i < 200; i++) {
      const u = user(`user-${i}`);
      const p = rolloutOfKey(`f${u.keyId}`);
      const r = evaluateFlag(
        flag('f', { fallthrough: { includedInExpt: true, variations: half } }),
        u,
      );
      expect(r.variation?.id).toBe(p <= 0.5 ? 'on' : 'off');
    }
  });

  it('dispatches on a custom attribute when dispatchKey is set (missing → "")', () => {
    const f = flag('f', {
      fallthrough: { dispatchKey: 'team', includedInExpt: false, variations: half },
    });
    const expected = rolloutOfKey('fteam-7') <= 0.5 ? 'on' : 'off';
    expect(evaluateFlag(f, user('a', { team: 'team-7' })).variation?.id).toBe(expected);
    expect(evaluateFlag(f, user('b', { team: 'team-7' })).variation?.id).toBe(expected);
    expect(evaluateFlag(f, user('c')).variation?.id).toBe(rolloutOfKey('f') <= 0.5 ? 'on' : 'off');
  });

  it('exposes users with the "expt" hash scaled by exptRollout / dispatchRollout', () => {
    const f = flag('f', { fallthrough: { includedInExpt: true, variations: half } });
    let exposed = 0;
    for (let i = 0; i < 400; i++) {
      const u = user(`u${i}`);
      const r = evaluateFlag(f, u);
      const want = r.variation?.id === 'on' && rolloutOfKey(`exptf${u.keyId}`) <= 1;
      expect(r.sendToExperiment).toBe(want);
      if (r.sendToExperiment) exposed++;
    }
    expect(exposed).toBeGreaterThan(100);
    expect(evaluateFlag({ ...f, exptIncludeAllTargets: true }, user('x')).sendToExperiment).toBe(
      true,
    );
    expect(
      evaluateFlag({ ...f, fallthrough: { ...f.fallthrough, includedInExpt: false } }, user('x'))
        .sendToExperiment,
    ).toBe(false);
  });
});

describe('malformed definitions never throw', () => {
  it('gives an error only when the malformed part is reached', () => {
    const f = flag('f', {
      rules: [
        rule('vip', [cond('keyId', 'Equal', 'vip')]),
        rule('bad', [cond('email', 'MatchRegex', '(')]),
      ],
    });
    expect(evaluateFlag(f, user('vip')).reason).toBe('vip');
    expect(evaluateFlag(f, user('bob'))).toMatchObject({
      variation: null,
      kind: 'error',
      error: { code: 'MALFORMED_FLAG' },
    });
  });

  it('reports missing variations, missing segments and empty rollouts as errors', () => {
    expect(
      evaluateFlag(flag('f', { isEnabled: false, disabledVariationId: 'nope' }), alice).error?.code,
    ).toBe('MALFORMED_FLAG');
    const missingSeg = flag('f', {
      rules: [rule('s', [cond('User is in segment', null, '["nope"]')])],
    });
    expect(evaluateFlag(missingSeg, alice).error?.code).toBe('MALFORMED_FLAG');
    const gap = flag('f', {
      fallthrough: {
        includedInExpt: false,
        variations: [{ id: 'on', rollout: [0, 0], exptRollout: 1 }],
      },
    });
    expect(evaluateFlag(gap, alice)).toMatchObject({ kind: 'error', reason: 'malformed flag' });
  });

  it('survives garbage definitions and users', () => {
    const junk: unknown[] = [
      null,
      1,
      'x',
      {},
      { key: 'f' },
      { key: 'f', variations: 3, rules: [], targetUsers: [], fallthrough: {} },
    ];
    for (const j of junk) {
      const r = evaluateFlag(j as FeatureFlag, alice);
      expect(r.variation).toBeNull();
    }
    const env = compileEnvironment({ flags: [flag('f')] });
    expect(env.evaluate('f', null as never).error?.code).toBe('INVALID_USER');
    expect(env.evaluate('f', { keyId: '  ' }).error?.code).toBe('INVALID_USER');
    expect(env.evaluate('nope', alice)).toMatchObject({
      kind: 'flag-not-found',
      error: { code: 'FLAG_NOT_FOUND' },
    });
  });
});

describe('prerequisites', () => {
  const base = flag('base', { rules: [rule('fr', [cond('country', 'Equal', 'FR')])] });
  const dep = flag('dep', {
    fallthrough: { includedInExpt: false, variations: serve('on') },
    prerequisites: [{ flagKey: 'base', variationId: 'on' }],
  });

  it('serves normally when every prerequisite gives its variation, else the off variation', () => {
    const env = compileEnvironment({ flags: [base, dep] });
    expect(env.evaluate('dep', alice)).toMatchObject({
      variation: { id: 'on' },
      reason: 'default',
    });
    expect(env.evaluate('dep', user('bob'))).toMatchObject({
      variation: { id: 'off' },
      reason: 'prerequisite failed',
      kind: 'prerequisite-failed',
    });
    const offBase = env.withChanges({
      flags: [{ ...base, isEnabled: false, disabledVariationId: 'on' }],
    });
    expect(offBase.evaluate('dep', alice).kind).toBe('prerequisite-failed');
    expect(env.withChanges({ removedFlagKeys: ['base'] }).evaluate('dep', alice).kind).toBe(
      'prerequisite-failed',
    );
  });

  it('detects cycles and answers them with an error', () => {
    const a = flag('a', { prerequisites: [{ flagKey: 'b', variationId: 'on' }] });
    const b = flag('b', { prerequisites: [{ flagKey: 'a', variationId: 'on' }] });
    const env = compileEnvironment({
      flags: [a, b, flag('self', { prerequisites: [{ flagKey: 'self', variationId: 'on' }] })],
    });
    expect(env.cycles.map((c) => [...c].sort())).toEqual([['a', 'b'], ['self']]);
    expect(env.evaluate('a', alice).error?.code).toBe('PREREQUISITE_CYCLE');
    expect(env.evaluate('self', alice).error?.code).toBe('PREREQUISITE_CYCLE');
  });
});

describe('environment snapshots', () => {
  it('ignores upserts older than the stored version and evaluates all non-archived flags', () => {
    const env = compileEnvironment({
      flags: [flag('a', { version: 3 }), flag('b', { isArchived: true })],
    });
    const next = env.withChanges({ flags: [flag('a', { version: 2, isEnabled: false })] });
    expect(next.evaluate('a', alice).kind).toBe('fallthrough');
    expect(next.evaluateAll(alice).map((e) => e.flag.key)).toEqual(['a']);
  });
});
