// Golden vectors for percentage rollouts, range edges, dispatch keys and experiment exposure;
// expectations come from the node:crypto reference dispatch in vector-kit.ts.
import type { FeatureFlag } from '../model/feature-flag.js';
import { cond, flag, rule, user } from '../evaluation/fixtures.js';
import { addFlag, inRollout, malformed, ok, pct, suite } from './vector-kit.js';
import type { Expected } from './vector-kit.js';

// ---- rollouts: expectations from node:crypto
type RV = { id: string; rollout: [number, number]; exptRollout: number };
function refRollout(
  flagKey: string,
  dv: string,
  rvs: RV[],
  exptAll: boolean,
  included: boolean,
  reason: string,
  kind: string,
): Expected {
  const chosen = rvs.find((rv) => inRollout(flagKey + dv, rv.rollout));
  if (!chosen) return malformed;
  const d = chosen.rollout[1] - chosen.rollout[0];
  const expt = exptAll
    ? true
    : !included
      ? false
      : chosen.exptRollout === 0 || d === 0
        ? false
        : inRollout(`expt${flagKey}${dv}`, [0, Math.min(1, chosen.exptRollout / d)]);
  return ok(chosen.id, reason, kind, expt);
}
const ABC = [
  { id: 'a', value: 'A' },
  { id: 'b', value: 'B' },
  { id: 'c', value: 'C' },
];
/** Adds the rollout and experiment suites. */
export function addRolloutSuites(): void {
  {
    const s = suite('rollouts', ['featbit']);
    const half: RV[] = [
      { id: 'on', rollout: [0, 0.5], exptRollout: 1 },
      { id: 'off', rollout: [0.5, 1], exptRollout: 1 },
    ];
    const thirds: RV[] = [
      { id: 'a', rollout: [0, 0.33], exptRollout: 1 },
      { id: 'b', rollout: [0.33, 0.66], exptRollout: 1 },
      { id: 'c', rollout: [0.66, 1], exptRollout: 1 },
    ];
    addFlag(s, flag('half', { fallthrough: { includedInExpt: false, variations: half } }));
    addFlag(
      s,
      flag('thirds', {
        variations: ABC,
        disabledVariationId: 'a',
        fallthrough: { includedInExpt: false, variations: thirds },
      }),
    );
    addFlag(
      s,
      flag('rule-half', { rules: [rule('beta', [cond('beta', 'IsTrue', 'IsTrue')], half)] }),
    );
    for (let i = 0; i < 40; i++) {
      const k = `user-${i}@example.com`;
      s.cases.push({
        name: `50/50 ${k}`,
        flagKey: 'half',
        user: user(k),
        expected: refRollout('half', k, half, false, false, 'default', 'fallthrough'),
      });
    }
    for (let i = 0; i < 24; i++) {
      const k = `${i}-用户-😀`;
      s.cases.push({
        name: `thirds ${k}`,
        flagKey: 'thirds',
        user: user(k),
        expected: refRollout('thirds', k, thirds, false, false, 'default', 'fallthrough'),
      });
    }
    for (let i = 0; i < 10; i++) {
      const k = `rule-user-${i}`;
      s.cases.push({
        name: `rule rollout ${k}`,
        flagKey: 'rule-half',
        user: user(k, { beta: 'true' }),
        expected: refRollout('rule-half', k, half, false, false, 'beta', 'rule'),
      });
    }
    // range edges: bounds equal to the user's own percentage
    for (let i = 0; i < 6; i++) {
      const k = `edge-${i}`;
      const edge = (name: string, make: (p: number) => RV[], want: string): void => {
        const key = `${name}-${i}`;
        const rvs = make(pct(key + k));
        addFlag(s, flag(key, { fallthrough: { includedInExpt: false, variations: rvs } }));
        const e = refRollout(key, k, rvs, false, false, 'default', 'fallthrough');
        if (e.variationId !== want) throw new Error(`edge vector ${key} broken`);
        s.cases.push({
          name: `${name}: p=${pct(key + k)}`,
          flagKey: key,
          user: user(k),
          expected: e,
        });
      };
      edge(
        'max-inclusive',
        (p) => [
          { id: 'on', rollout: [0, p], exptRollout: 1 },
          { id: 'off', rollout: [p, 1], exptRollout: 1 },
        ],
        'on',
      );
      edge(
        'min-inclusive',
        (p) => [
          { id: 'off', rollout: [0, p - 1e-12], exptRollout: 1 },
          { id: 'on', rollout: [p, 1], exptRollout: 1 },
        ],
        'on',
      );
      edge(
        'point',
        (p) => [
          { id: 'off', rollout: [0, 0], exptRollout: 1 },
          { id: 'on', rollout: [p, p], exptRollout: 0 },
          { id: 'off', rollout: [0, 1], exptRollout: 1 },
        ],
        'on',
      );
      edge(
        'just-above',
        (p) => [
          { id: 'on', rollout: [p + 1e-12, 1], exptRollout: 1 },
          { id: 'off', rollout: [0, 1], exptRollout: 1 },
        ],
        'off',
      );
    }
    // FeatBit's 100% shortcut: [0, max] with 1 - max < 1e-5 takes everyone, even p > max
    let k = 0;
    while (pct(`shortcutcut-${k}`) <= 0.999995) k++;
    const shortcut: RV[] = [
      { id: 'on', rollout: [0, 0.999995], exptRollout: 1 },
      { id: 'off', rollout: [0.999995, 1], exptRollout: 1 },
    ];
    addFlag(s, flag('shortcut', { fallthrough: { includedInExpt: false, variations: shortcut } }));
    s.cases.push({
      name: `100% shortcut for p=${pct(`shortcutcut-${k}`)}`,
      flagKey: 'shortcut',
      user: user(`cut-${k}`),
      expected: ok('on', 'default', 'fallthrough'),
    });
    const zero: RV[] = [
      { id: 'on', rollout: [0, 0], exptRollout: 1 },
      { id: 'off', rollout: [0, 1], exptRollout: 1 },
    ];
    addFlag(s, flag('zero', { fallthrough: { includedInExpt: false, variations: zero } }));
    s.cases.push({
      name: '0% shortcut',
      flagKey: 'zero',
      user: user('anyone'),
      expected: ok('off', 'default', 'fallthrough'),
    });

    // dispatch keys
    const by = (dispatchKey: string): FeatureFlag =>
      flag(`by-${dispatchKey.trim() || 'blank'}`, {
        fallthrough: { dispatchKey, includedInExpt: false, variations: half },
      });
    for (const f of [by('team'), by('keyId'), by('name'), by('  ')]) addFlag(s, f);
    addFlag(s, flag('rule-by-team', { rules: [rule('teams', [], half, { dispatchKey: 'team' })] }));
    for (let i = 0; i < 8; i++) {
      const team = `team-${i % 3}`;
      const k2 = `member-${i}`;
      s.cases.push({
        name: `dispatch by team ${team} (${k2})`,
        flagKey: 'by-team',
        user: user(k2, { team }),
        expected: refRollout('by-team', team, half, false, false, 'default', 'fallthrough'),
      });
      s.cases.push({
        name: `rule dispatch by team ${team} (${k2})`,
        flagKey: 'rule-by-team',
        user: user(k2, { team }),
        expected: refRollout('rule-by-team', team, half, false, false, 'teams', 'rule'),
      });
      s.cases.push({
        name: `dispatch by keyId (${k2})`,
        flagKey: 'by-keyId',
        user: user(k2),
        expected: refRollout('by-keyId', k2, half, false, false, 'default', 'fallthrough'),
      });
      s.cases.push({
        name: `dispatch by name (${k2})`,
        flagKey: 'by-name',
        user: user(k2, {}, `Name ${i}`),
        expected: refRollout('by-name', `Name ${i}`, half, false, false, 'default', 'fallthrough'),
      });
    }
    s.cases.push({
      name: 'dispatch by a missing attribute uses ""',
      flagKey: 'by-team',
      user: user('nobody'),
      expected: refRollout('by-team', '', half, false, false, 'default', 'fallthrough'),
    });
    s.cases.push({
      name: 'dispatch by a missing name uses ""',
      flagKey: 'by-name',
      user: user('nobody'),
      expected: refRollout('by-name', '', half, false, false, 'default', 'fallthrough'),
    });
    s.cases.push({
      name: 'blank dispatchKey means keyId',
      flagKey: 'by-blank',
      user: user('blanky'),
      expected: refRollout('by-blank', 'blanky', half, false, false, 'default', 'fallthrough'),
    });
  }

  // ---- experiment exposure
  {
    const s = suite('experiments', ['featbit']);
    const split: RV[] = [
      { id: 'on', rollout: [0, 0.5], exptRollout: 0.25 },
      { id: 'off', rollout: [0.5, 1], exptRollout: 0.1 },
    ];
    const mk = (
      key: string,
      exptAll: boolean,
      ruleIncluded: boolean | null,
      ftIncluded: boolean,
      rvs: RV[],
    ): void => {
      addFlag(
        s,
        flag(key, {
          exptIncludeAllTargets: exptAll,
          targetUsers: [{ keyIds: ['target'], variationId: 'on' }],
          rules:
            ruleIncluded === null
              ? []
              : [rule('exp', [cond('in', 'Equal', 'yes')], rvs, { includedInExpt: ruleIncluded })],
          fallthrough: { includedInExpt: ftIncluded, variations: rvs },
        }),
      );
    };
    mk('expt-split', false, null, true, split);
    mk('expt-rule', false, true, false, split);
    mk('expt-rule-excluded', false, false, true, split);
    mk('expt-all', true, null, false, split);
    mk('expt-zero', false, null, true, [{ id: 'on', rollout: [0, 1], exptRollout: 0 }]);
    mk('expt-clamp', false, null, true, [
      { id: 'on', rollout: [0, 0.2], exptRollout: 0.5 },
      { id: 'off', rollout: [0.2, 1], exptRollout: 0.3 },
    ]);
    mk('expt-full', false, null, true, [{ id: 'on', rollout: [0, 1], exptRollout: 0.3 }]);
    const flagOf = (key: string): FeatureFlag => s.flags.find((f) => f.key === key)!;
    const ref = (key: string, k: string, inRule: boolean): Expected => {
      const f = flagOf(key);
      const r = inRule ? f.rules[0]! : null;
      const rvs = (r ? r.variations : f.fallthrough.variations) as RV[];
      return refRollout(
        key,
        k,
        rvs,
        f.exptIncludeAllTargets,
        r ? r.includedInExpt : f.fallthrough.includedInExpt,
        r ? 'exp' : 'default',
        r ? 'rule' : 'fallthrough',
      );
    };
    for (let i = 0; i < 30; i++) {
      const k = `participant-${i}`;
      s.cases.push({
        name: `split ${k}`,
        flagKey: 'expt-split',
        user: user(k),
        expected: ref('expt-split', k, false),
      });
      if (i < 12)
        s.cases.push({
          name: `rule includedInExpt=true ${k}`,
          flagKey: 'expt-rule',
          user: user(k, { in: 'yes' }),
          expected: ref('expt-rule', k, true),
        });
      if (i < 8)
        s.cases.push({
          name: `clamped upper bound ${k}`,
          flagKey: 'expt-clamp',
          user: user(k),
          expected: ref('expt-clamp', k, false),
        });
      if (i < 8)
        s.cases.push({
          name: `100% dispatch, 30% exposure ${k}`,
          flagKey: 'expt-full',
          user: user(k),
          expected: ref('expt-full', k, false),
        });
    }
    for (let i = 0; i < 4; i++) {
      const k = `other-${i}`;
      s.cases.push({
        name: `rule includedInExpt=false ${k}`,
        flagKey: 'expt-rule-excluded',
        user: user(k, { in: 'yes' }),
        expected: ref('expt-rule-excluded', k, true),
      });
      s.cases.push({
        name: `fallthrough includedInExpt=false ${k}`,
        flagKey: 'expt-rule',
        user: user(k),
        expected: ref('expt-rule', k, false),
      });
      s.cases.push({
        name: `exptIncludeAllTargets ${k}`,
        flagKey: 'expt-all',
        user: user(k),
        expected: ref('expt-all', k, false),
      });
      s.cases.push({
        name: `exptRollout 0 ${k}`,
        flagKey: 'expt-zero',
        user: user(k),
        expected: ref('expt-zero', k, false),
      });
    }
    s.cases.push({
      name: 'targeted, exptIncludeAllTargets=false',
      flagKey: 'expt-split',
      user: user('target'),
      expected: ok('on', 'targeted', 'targeted', false),
    });
    s.cases.push({
      name: 'targeted, exptIncludeAllTargets=true',
      flagKey: 'expt-all',
      user: user('target'),
      expected: ok('on', 'targeted', 'targeted', true),
    });
  }
}
