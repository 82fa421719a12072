// Issue 14: the worst known patterns against 10 KB inputs, through Vane's evaluation (RE2,
// linear time) beside JavaScript's backtracking RegExp (the engine core used before, and the
// one FeatBit's Node SDK uses), and the admin API's latency in the same process meanwhile.
// Run with `npm run bench --workspace bench -- regex-safety`.
import { Bench } from 'tinybench';
import { compileEnvironment } from '@vane/core';
import type { CompiledEnvironment, EndUser, FeatureFlag } from '@vane/core';
import { startAdminProbe } from './admin-probe.js';
import type { Latency } from './admin-probe.js';
import { EVIL_PATTERNS, INPUT_LENGTH } from './patterns.js';
import type { EvilPattern } from './patterns.js';

/** A single backtracking run may take up to about twice this before the baseline stops growing. */
const BASELINE_BUDGET_MS = 250;

const regexFlag = (key: string, pattern: string): FeatureFlag => ({
  id: key,
  key,
  variationType: 'boolean',
  variations: [
    { id: 'on', value: 'true' },
    { id: 'off', value: 'false' },
  ],
  isEnabled: true,
  disabledVariationId: 'off',
  targetUsers: [],
  rules: [
    {
      id: 'rx',
      name: 'rx',
      dispatchKey: null,
      includedInExpt: false,
      conditions: [{ property: 'p', op: 'MatchRegex', value: pattern }],
      variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
    },
  ],
  fallthrough: {
    dispatchKey: null,
    includedInExpt: false,
    variations: [{ id: 'off', rollout: [0, 1], exptRollout: 1 }],
  },
  exptIncludeAllTargets: false,
  isArchived: false,
});
const userWith = (value: string, i = 0): EndUser => ({
  keyId: `u${i}`,
  customizedProperties: [{ name: 'p', value }],
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median ms of one Vane evaluation of the pattern on 10 KB, checking the result each time. */
function vaneMs(env: CompiledEnvironment, p: EvilPattern): number {
  const users = p.inputs(INPUT_LENGTH).map((s, i) => userWith(s, i));
  const ms: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const u of users) {
      const t = performance.now();
      const result = env.evaluate(p.name, u);
      ms.push(performance.now() - t);
      if ((result.reason === 'rx') !== p.matches)
        throw new Error(`${p.name}: wrong result ${result.reason}`);
    }
  }
  return median(ms);
}

/** Grows the input until one backtracking run exceeds the budget: [length reached, ms there]. */
function backtrackingMs(p: EvilPattern): [number, number] {
  const re = new RegExp(p.pattern);
  let length = 8;
  let ms = 0;
  for (;;) {
    const input = p.inputs(length)[0]!;
    const t = performance.now();
    re.test(input);
    ms = performance.now() - t;
    if (ms > BASELINE_BUDGET_MS || length >= INPUT_LENGTH) return [length, ms];
    // One character more at a time where each can double the time; an eighth more elsewhere.
    const step = p.kind === 'exponential' ? 1 : Math.max(1, Math.floor(length / 8));
    length = Math.min(INPUT_LENGTH, length + step);
  }
}

/** ns per evaluation of a typical regex rule (1,000 users), Vane beside a bare RegExp.test. */
async function typicalNs(): Promise<{ vane: number; regexp: number }> {
  const pattern = '^[a-z0-9.]+@example\\.com$';
  const env = compileEnvironment({ flags: [regexFlag('typical', pattern)] });
  const values = Array.from({ length: 1000 }, (_, i) =>
    i % 2 ? `user.${i}@example.com` : `u${i}@corp.example.org`,
  );
  const users = values.map((v, i) => userWith(v, i));
  const re = new RegExp(pattern);
  let sink = 0;
  const bench = new Bench({ time: 1000, warmupTime: 200 });
  bench.add('vane', () => {
    for (const u of users) if (env.evaluate('typical', u).reason === 'rx') sink++;
  });
  bench.add('regexp', () => {
    for (const v of values) if (re.test(v)) sink++;
  });
  await bench.warmup();
  await bench.run();
  if (sink === -1) console.log(sink);
  const ns = (name: string): number =>
    (median(bench.tasks.find((t) => t.name === name)!.result!.samples) * 1e6) / 1000;
  return { vane: ns('vane'), regexp: ns('regexp') };
}

const fmt = (l: Latency): string =>
  `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} / ${l.max.toFixed(2)} ms (${l.calls} calls)`;

/** Runs the benchmark and prints its tables. */
export async function run(): Promise<void> {
  const env = compileEnvironment({ flags: EVIL_PATTERNS.map((p) => regexFlag(p.name, p.pattern)) });
  console.log(`\n## Regex safety: one evaluation on a ${INPUT_LENGTH}-character input`);
  console.log(
    '| pattern | kind | Vane (RE2) µs at 10 KB | backtracking RegExp: ms at length reached |\n|---|---|---:|---:|',
  );
  for (const p of EVIL_PATTERNS) {
    const vane = vaneMs(env, p);
    const [length, ms] = backtrackingMs(p);
    const baseline =
      length >= INPUT_LENGTH
        ? `${ms.toFixed(1)} ms at 10 KB`
        : `${ms.toFixed(0)} ms at ${length} chars`;
    console.log(`| \`${p.pattern}\` | ${p.kind} | ${(vane * 1000).toFixed(1)} | ${baseline} |`);
  }

  const probe = await startAdminProbe();
  try {
    const idle = await probe.measure(() => true, 200);
    // Vane evaluations back to back (each yields to the event loop, as a server's requests do).
    let stop = false;
    let evaluations = 0;
    const users = EVIL_PATTERNS.map((p) => userWith(p.inputs(INPUT_LENGTH)[1]!));
    const loop = new Promise<void>((resolve) => {
      const step = (): void => {
        if (stop) return resolve();
        const i = evaluations++ % EVIL_PATTERNS.length;
        env.evaluate(EVIL_PATTERNS[i]!.name, users[i]!);
        setImmediate(step);
      };
      setImmediate(step);
    });
    const started = performance.now();
    const busy = await probe.measure(() => performance.now() - started > 5000, 200);
    stop = true;
    await loop;
    // The old engine: one evaluation of `(a+)+$` on 24 characters (28 took 6 s in issue 14).
    const old = new RegExp('(a+)+$');
    let blocked = 0;
    const once = new Promise<void>((resolve) =>
      setTimeout(() => {
        const t = performance.now();
        old.test(`${'a'.repeat(23)}!`);
        blocked = performance.now() - t;
        resolve();
      }, 20),
    );
    const during = await probe.measure(() => blocked > 0, 20);
    await once;
    console.log('\n## Admin API latency (ListProjects, in-process api-server), p50 / p99 / max');
    console.log(`| while | latency |\n|---|---|`);
    console.log(`| idle | ${fmt(idle)} |`);
    console.log(
      `| Vane evaluates the patterns above on 10 KB back to back (${evaluations} evaluations) | ${fmt(busy)} |`,
    );
    console.log(
      `| one backtracking RegExp run of \`(a+)+$\` on 24 chars (${blocked.toFixed(0)} ms) | ${fmt(during)} |`,
    );
  } finally {
    await probe.close();
  }

  const typical = await typicalNs();
  console.log(
    '\n## A typical regex rule (`^[a-z0-9.]+@example\\.com$`), ns per evaluation, 1,000 users',
  );
  console.log(
    `| Vane evaluate (RE2) | bare RegExp.test |\n|---:|---:|\n| ${typical.vane.toFixed(0)} | ${typical.regexp.toFixed(0)} |`,
  );
}
