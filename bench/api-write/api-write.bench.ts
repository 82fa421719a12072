// Flag writes per second and latency through the real gRPC admin API into FerretDB and Kafka,
// beside the least work with the same durable effect (one driver updateOne by _id plus one
// producer send with acks=all) on the same servers in the same run. Needs the test rig:
// `source .rig/env && npm run bench --workspace bench -- api-write`.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import type { FeatureFlag, TargetingRule } from '@vane/gen/node/vane/model/v1/flag';
import { closedLoop, percentile } from './closed-loop.js';
import type { LoopResult } from './closed-loop.js';
import { startWriteRig, waitFor } from './write-rig.js';
import type { CommandStat, Phase, WriteRig } from './write-rig.js';

/** Flags in the environment: at least the largest concurrency, so no two calls share a flag. */
const FLAG_COUNT = 64;
const RUN_MS = 4000;
const WARMUP_MS = 1500;

type Op = 'toggle' | 'rules';
type System = 'vane' | 'baseline';

interface Scenario {
  readonly name: string;
  readonly op: Op;
  readonly concurrency: number;
  /** Every call writes flag 0 (expected_revision 0), to show optimistic-concurrency contention. */
  readonly hot: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'toggle', op: 'toggle', concurrency: 1, hot: false },
  { name: 'toggle', op: 'toggle', concurrency: 8, hot: false },
  { name: 'toggle', op: 'toggle', concurrency: 32, hot: false },
  { name: 'update rules', op: 'rules', concurrency: 8, hot: false },
  { name: 'update rules, 1 hot flag', op: 'rules', concurrency: 8, hot: true },
];

interface Measured {
  readonly scenario: Scenario;
  readonly system: System;
  readonly loop: LoopResult;
  /** Call return → event consumed, in ms, for each successful call whose event was seen. */
  readonly lagMs: readonly number[];
  /** Successful calls whose event was not seen within the wait. */
  readonly unseen: number;
  /** Failed relay passes during the run (each is retried; they delay events). */
  readonly relayFailures: number;
  /** From the first call until the last event was consumed, in seconds. */
  readonly untilPublished: number;
  /** Mongo commands per successful call, counted until the relay finished, by phase. */
  readonly commandsPerCall: Readonly<Record<Phase, number>>;
  /** Per command name: commands and summed ms per successful call. */
  readonly perCall: ReadonlyMap<string, CommandStat>;
}

/** What carries over between runs: each system's stored on/off state, and a call counter. */
interface State {
  readonly enabled: Record<System, boolean[]>;
  readonly sequence: { next: number };
}

/** One targeting rule whose condition value is unique to `seq`, serving the flag's first value. */
function ruleFor(flag: FeatureFlag, seq: number): TargetingRule {
  return {
    id: '',
    name: 'bench rule',
    dispatchKey: '',
    includedInExpt: true,
    conditions: [{ id: '', property: 'plan', op: 'Equal', value: `plan-${seq}` }],
    variations: [
      { variationId: flag.variations[0]!.id, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 },
    ],
  };
}

/** Which flags worker `w` of `concurrency` writes: its own, so calls never share a flag. */
function flagsOf(scenario: Scenario, w: number): number[] {
  if (scenario.hot) return [0];
  const mine: number[] = [];
  for (let i = w; i < FLAG_COUNT; i += scenario.concurrency) mine.push(i);
  return mine;
}

/** Makes the call of one worker for `system`; records each call's return time by version. */
function caller(
  rig: WriteRig,
  scenario: Scenario,
  system: System,
  returned: Map<number, number>,
  state: State,
): (w: number) => Promise<void> {
  const enabled = state.enabled[system];
  const { sequence } = state;
  const turns = new Map<number, number>();
  const pick = (w: number): number => {
    const mine = flagsOf(scenario, w);
    const turn = turns.get(w) ?? 0;
    turns.set(w, turn + 1);
    return mine[turn % mine.length]!;
  };

  if (system === 'vane') {
    return async (w) => {
      const i = pick(w);
      const flag = rig.created[i]!;
      const seq = (sequence.next += 1);
      const res =
        scenario.op === 'toggle'
          ? await rig.flags.toggleFeatureFlag({
              envId: rig.envId,
              key: flag.key,
              enabled: !enabled[i],
              expectedRevision: 0,
              comment: '',
            })
          : await rig.flags.updateFeatureFlag({
              envId: rig.envId,
              key: flag.key,
              flag: { ...flag, rules: [ruleFor(flag, seq)] },
              updateMask: ['rules'],
              expectedRevision: 0,
              comment: '',
            });
      returned.set(res.flag!.version, performance.now());
      if (scenario.op === 'toggle') enabled[i] = !enabled[i];
    };
  }

  return async (w) => {
    const i = pick(w);
    const flag = rig.created[i]!;
    const version = (sequence.next += 1);
    const now = new Date();
    const change: Partial<FeatureFlag> =
      scenario.op === 'toggle' ? { isEnabled: !enabled[i] } : { rules: [ruleFor(flag, version)] };
    await rig.baseline.updateOne(
      { _id: rig.baselineIds[i]! },
      { $set: { ...change, updatedAt: now.toISOString() }, $inc: { revision: 1 } },
    );
    const value = FlagChanged.encode({
      eventId: randomUUID(),
      envId: rig.envId,
      version,
      change: { $case: 'flag', value: { ...flag, ...change, version } },
      occurredAt: now,
    }).finish();
    await rig.producer.send({
      topic: rig.baselineTopic,
      acks: -1,
      messages: [{ key: rig.envId, value: Buffer.from(value) }],
    });
    returned.set(version, performance.now());
    if (scenario.op === 'toggle') enabled[i] = !enabled[i];
  };
}

/** Runs one scenario on one system, then waits for its events and for the relay to finish. */
async function measure(
  rig: WriteRig,
  scenario: Scenario,
  system: System,
  ms: number,
  state: State,
): Promise<Measured> {
  const returned = new Map<number, number>();
  const seen = rig.seen[system];
  const before = rig.commands(system);
  const failuresBefore = rig.relayFailures();
  const start = performance.now();
  const loop = await closedLoop(
    scenario.concurrency,
    ms,
    caller(rig, scenario, system, returned, state),
  );
  const allSeen = (): boolean => [...returned.keys()].every((v) => seen.has(v));
  let unseen = 0;
  try {
    await waitFor(`${system} change events`, allSeen);
    if (system === 'vane') {
      await waitFor('relay of the outbox', async () => (await rig.pendingChanges()) === 0);
    }
  } catch (err) {
    console.warn(String(err));
    unseen = [...returned.keys()].filter((v) => !seen.has(v)).length;
  }
  const lagMs = [...returned].flatMap(([v, at]) => {
    const consumed = seen.get(v);
    return consumed === undefined ? [] : [consumed - at];
  });
  const calls = loop.ok || 1;
  const perCall = new Map<string, CommandStat>();
  for (const [name, stat] of rig.commands(system)) {
    const was = before.get(name) ?? { count: 0, ms: 0 };
    const count = (stat.count - was.count) / calls;
    if (count > 0) perCall.set(name, { count, ms: (stat.ms - was.ms) / calls });
  }
  const commandsPerCall: Record<Phase, number> = { caller: 0, relay: 0, background: 0 };
  for (const [name, stat] of perCall) {
    const phase = name.slice(0, name.indexOf(':')) as Phase;
    if (phase in commandsPerCall) commandsPerCall[phase] += stat.count;
  }
  const lastSeen = Math.max(start, ...[...returned.keys()].map((v) => seen.get(v) ?? start));
  const untilPublished = (lastSeen - start) / 1000;
  return {
    scenario,
    system,
    loop,
    lagMs,
    unseen,
    relayFailures: rig.relayFailures() - failuresBefore,
    untilPublished,
    commandsPerCall,
    perCall,
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(1) : int(n));
const ratio = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)}×`;

function errorsOf(m: Measured): string {
  const kinds = [...m.loop.errors].map(([kind, n]) => `${n} ${kind}`);
  if (m.unseen > 0) kinds.push(`${m.unseen} events unseen`);
  if (m.relayFailures > 0) kinds.push(`${m.relayFailures} failed relay passes`);
  return kinds.length === 0 ? '0' : kinds.join(', ');
}

function row(m: Measured): string {
  const { loop } = m;
  const cells = [
    m.scenario.name,
    String(m.scenario.concurrency),
    m.system === 'vane' ? 'Vane api-server' : 'baseline',
    int(loop.ok),
    errorsOf(m),
    int(loop.ok / loop.seconds),
    int(loop.ok / m.untilPublished),
    ms(percentile(loop.latenciesMs, 50)),
    ms(percentile(loop.latenciesMs, 95)),
    ms(percentile(loop.latenciesMs, 99)),
    `${ms(percentile(m.lagMs, 50))} / ${ms(percentile(m.lagMs, 99))}`,
    (['caller', 'relay', 'background'] as const)
      .map((phase) => m.commandsPerCall[phase].toFixed(1))
      .join(' + '),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Where a run's Mongo time went: per command name, commands and ms per successful call. */
function breakdown(m: Measured): string {
  const parts = [...m.perCall]
    .sort(([, a], [, b]) => b.ms - a.ms)
    .map(([name, s]) => `${name} ${s.count.toFixed(1)}× ${s.ms.toFixed(1)} ms`);
  return `${m.scenario.name}, ${m.scenario.concurrency} in flight, ${m.system}: ${parts.join(', ')}`;
}

function print(results: readonly Measured[]): void {
  console.log(
    '\n| scenario | in flight | system | ok calls | errors | calls/s | published/s | p50 ms | p95 ms | p99 ms | publish lag p50 / p99 ms | Mongo cmds / call: caller + relay + background |',
  );
  console.log('|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of results) console.log(row(m));

  console.log('\nMongo commands per successful call (count, summed duration):');
  for (const m of results) console.log(`- ${breakdown(m)}`);

  console.log(
    '\n| scenario | in flight | calls/s, Vane / baseline | published/s, Vane / baseline | p99, Vane / baseline | publish lag p99, Vane / baseline |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (let i = 0; i + 1 < results.length; i += 2) {
    const vane = results[i]!;
    const base = results[i + 1]!;
    const rate = (m: Measured): number => m.loop.ok / m.loop.seconds;
    const published = (m: Measured): number => m.loop.ok / m.untilPublished;
    const p99 = (m: Measured): number => percentile(m.loop.latenciesMs, 99);
    const lag = (m: Measured): number => percentile(m.lagMs, 99);
    console.log(
      `| ${vane.scenario.name} | ${vane.scenario.concurrency} | ${ratio(rate(vane) / rate(base))} | ${ratio(published(vane) / published(base))} | ${ratio(p99(vane) / p99(base))} | ${ratio(lag(vane) / lag(base))} |`,
    );
  }
}

/** Runs every scenario on Vane and then on the baseline, and prints both tables. */
export async function run(): Promise<void> {
  const started = performance.now();
  const rig = await startWriteRig(FLAG_COUNT);
  try {
    const state: State = {
      enabled: {
        vane: rig.created.map((f) => f.isEnabled),
        baseline: rig.created.map((f) => f.isEnabled),
      },
      sequence: { next: 0 },
    };
    const warmup: Scenario = { name: 'warm-up', op: 'toggle', concurrency: 8, hot: false };
    await measure(rig, warmup, 'vane', WARMUP_MS, state);
    await measure(rig, warmup, 'baseline', WARMUP_MS, state);
    const results: Measured[] = [];
    for (const scenario of SCENARIOS) {
      for (const system of ['vane', 'baseline'] as const) {
        const m = await measure(rig, scenario, system, RUN_MS, state);
        results.push(m);
        console.log(row(m));
      }
    }
    print(results);
  } finally {
    await rig.close();
  }
  console.log(`\napi-write: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}
