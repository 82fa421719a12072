// ns per evaluation of three flags, Vane beside FeatBit's Node evaluator and flagd-core,
// rotating among 1,000 users. Run with `npm run bench` (all benches) from the repo root.
import { Bench } from 'tinybench';
import { compileEnvironment } from '@vane/core';
import type { FeatureFlag } from '@vane/core';
import { featbitContext, featbitEvaluator, flagdCore } from './peers.js';
import {
  flagdConfig,
  makeUsers,
  regexHeavy,
  rollout,
  ruleHeavy,
  segments,
  simple,
} from './scenarios.js';

const flags: FeatureFlag[] = [simple, ruleHeavy, rollout, regexHeavy];
const KEYS = ['simple', 'rule-heavy', 'rollout', 'regex-heavy'];
// flagd has no regex operator: no flagd-core figure for it.
const hasFlagd = (key: string): boolean => key !== 'regex-heavy';
const users = makeUsers(1000);
const vane = compileEnvironment({ flags, segments });
const featbit = featbitEvaluator(flags, segments);
const featbitCtx = users.map((u) => featbitContext(u.featbit));
const flagd = flagdCore(flagdConfig);
const silent = { error() {}, warn() {}, info() {}, debug() {} };

type Engine = 'vane' | 'featbit' | 'flagd';
const ENGINES: Record<Engine, (key: string, i: number) => boolean> = {
  vane: (key, i) => vane.evaluate(key, users[i]!.vane).variation?.value === 'true',
  featbit: (key, i) => featbit.evaluate(key, featbitCtx[i]) === 'true',
  flagd: (key, i) => flagd.resolveBooleanEvaluation(key, false, users[i]!.flagd, silent).value,
};

function checkEquivalence(): void {
  for (const key of ['simple', 'rule-heavy', 'rollout']) {
    const on = { vane: 0, featbit: 0, flagd: 0 };
    for (let i = 0; i < users.length; i++) {
      for (const e of Object.keys(on) as Engine[]) if (ENGINES[e](key, i)) on[e]++;
      if (ENGINES.vane(key, i) !== ENGINES.featbit(key, i))
        throw new Error(`vane and featbit disagree on ${key}`);
    }
    const expected = key === 'rollout' ? [400, 600] : [1000, 1000];
    for (const [e, n] of Object.entries(on)) {
      if (n < expected[0]! || n > expected[1]!)
        throw new Error(`${e} served "on" to ${n}/1000 users for ${key}`);
    }
  }
  // The regex flag: Vane must serve "on" to every user (they match only the last rule).
  let on = 0;
  for (let i = 0; i < users.length; i++) if (ENGINES.vane('regex-heavy', i)) on++;
  if (on !== users.length) throw new Error(`vane served "on" to ${on}/1000 users for regex-heavy`);
}

/** Runs the benchmark and prints a table of median ns per evaluation and ratios. */
export async function run(): Promise<void> {
  checkEquivalence();
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  let sink = 0;
  const n = users.length;
  for (const key of KEYS) {
    for (const engine of ['vane', 'featbit', 'flagd'] as Engine[]) {
      if (engine === 'flagd' && !hasFlagd(key)) continue;
      const evaluate = ENGINES[engine];
      // One task iteration evaluates the flag once for each of the 1,000 users.
      bench.add(`${key}|${engine}`, () => {
        for (let i = 0; i < n; i++) if (evaluate(key, i)) sink++;
      });
    }
  }
  await bench.warmup();
  await bench.run();
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  };
  const ns = new Map(bench.tasks.map((t) => [t.name, (median(t.result!.samples) * 1e6) / n]));
  const rows = KEYS.map((key) => {
    const [v, f, d] = (['vane', 'featbit', 'flagd'] as Engine[]).map((e) => ns.get(`${key}|${e}`));
    return {
      flag: key,
      'vane ns': v!.toFixed(0),
      'featbit ns': f!.toFixed(0),
      'flagd-core ns': d === undefined ? '—' : d.toFixed(0),
      'vs featbit': `${(f! / v!).toFixed(1)}×`,
      'vs flagd-core': d === undefined ? '—' : `${(d / v!).toFixed(1)}×`,
    };
  });
  console.log('\n## Evaluation (median ns per evaluation, 1,000 rotating users)');
  console.table(rows);
  console.log(
    '| flag | Vane | FeatBit Node evaluator | flagd-core | Vane vs FeatBit | Vane vs flagd-core |\n|---|---:|---:|---:|---:|---:|',
  );
  for (const r of rows)
    console.log(
      `| ${r.flag} | ${r['vane ns']} | ${r['featbit ns']} | ${r['flagd-core ns']} | ${r['vs featbit']} | ${r['vs flagd-core']} |`,
    );
  if (sink === -1) console.log(sink);
}
