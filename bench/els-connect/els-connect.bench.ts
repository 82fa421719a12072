// Connection rate: new client-SDK connections per second, each doing a full sync (5 flags
// evaluated for its user), at stepped rates; the highest rate whose p99 (open → sync answer) stays
// under 200 ms with no failure, for ELS (in-memory adapters) and for a raw `ws` server that answers
// with a pre-encoded 2 KB reply, in the same run. Sockets stay open until the step ends, then are
// reset; TIME_WAIT is let drain between steps. `npm run bench --workspace bench -- els-connect`
// (BENCH_CONNECT_RATES=250,500,…  BENCH_CONNECT_STEP_MS=3000).
import { startBaselineServer } from '../els-shared/baseline-server.js';
import { generateEnvironment, userOf } from '../els-shared/environment-data.js';
import { drainTimeWait, fileLimits, LoadGenerator } from '../els-shared/load-client.js';
import type { ConnectResult } from '../els-shared/load-protocol.js';
import {
  BENCH_ENV,
  paddedReply,
  protocolsFor,
  startMemoryEls,
  syncRequest,
} from '../els-shared/memory-els.js';
import { fmt, printTable, ratio, summarize } from '../els-shared/stats.js';
import type { Summary } from '../els-shared/stats.js';

const RATES = (process.env['BENCH_CONNECT_RATES'] ?? '250,500,750,1000,1250,1500,2000,2500,3000')
  .split(',')
  .map(Number);
const STEP_MS = Number(process.env['BENCH_CONNECT_STEP_MS'] ?? 3000);
const P99_LIMIT_MS = 200;
const USERS = 1000;

type System = 'baseline' | 'ELS';

interface Step {
  readonly rate: number;
  readonly system: System;
  readonly result: ConnectResult;
  readonly summary: Summary;
  readonly timeWaitBefore: number;
  readonly passed: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const limits = fileLimits();
  console.log(`open files: soft ${limits.soft}, hard ${limits.hard}`);
  const { flags, segments } = generateEnvironment(BENCH_ENV.id, 5, 2, 5);
  console.log(
    `flags: ${flags.map((f) => `${f.key} (${f.variationType}, ${f.rules.length} rules, ${f.targetUsers.length} targets)`).join('; ')}`,
  );
  const frames = Array.from({ length: USERS }, (_, i) => syncRequest(userOf(i)));
  const gen = await LoadGenerator.start();
  const vane = await startMemoryEls(flags, segments);
  const reply = paddedReply(2048);
  const baseline = await startBaselineServer(reply);
  const urls: Record<System, string> = {
    ELS: vane.url('client'),
    baseline: `ws://127.0.0.1:${baseline.port}/sdk/v1/stream?kind=client`,
  };
  const steps: Step[] = [];
  const failed = new Set<System>();
  let source = 1;
  try {
    // Warm-up of both servers (JIT), not reported.
    for (const system of ['baseline', 'ELS'] as const) {
      await gen.rate({
        url: urls[system],
        protocols: protocolsFor('client'),
        frames,
        rate: 200,
        durationMs: 1000,
        timeoutMs: 10_000,
      });
      await gen.reset();
    }
    for (const [index, rate] of RATES.entries()) {
      // Alternate which system goes first at each rate, so neither always runs on a warmer box.
      const order =
        index % 2 === 0 ? (['baseline', 'ELS'] as const) : (['ELS', 'baseline'] as const);
      for (const system of order) {
        if (failed.has(system)) continue;
        const timeWaitBefore = await drainTimeWait(1000);
        await sleep(500);
        source = (source % 250) + 1;
        const result = await gen.rate({
          url: urls[system],
          protocols: protocolsFor('client'),
          frames,
          rate,
          durationMs: STEP_MS,
          timeoutMs: 10_000,
          localAddress: `127.0.1.${source}`,
        });
        const open = await gen.reset();
        const summary = summarize(result.latenciesMs);
        const started = result.ok + result.failed;
        const launchedRate = (started / result.elapsedMs) * 1000;
        const passed =
          result.failed === 0 && summary.p99 < P99_LIMIT_MS && launchedRate >= rate * 0.95;
        if (!passed) failed.add(system);
        steps.push({
          rate,
          system,
          result,
          summary,
          timeWaitBefore,
          passed,
        });
        console.log(
          `${fmt(rate)}/s ${system}: ${result.ok} ok, ${result.failed} failed ${JSON.stringify(result.reasons)},` +
            ` p50 ${fmt(summary.p50, 1)} ms, p99 ${fmt(summary.p99, 1)} ms, launched ${fmt(launchedRate)}/s,` +
            ` ${open} reset, TIME_WAIT before ${timeWaitBefore}${passed ? '' : '  ← over the limit'}`,
        );
      }
      if (failed.size === 2) break;
    }
  } finally {
    await gen.stop();
    await vane.stop();
    await baseline.stop();
  }

  console.log(
    `\nNew client-SDK connections with a full sync, ${STEP_MS / 1000} s per step; latency = socket opened → sync answer received` +
      ` (baseline answer: ${reply.length} bytes pre-encoded). A step passes with p99 < ${P99_LIMIT_MS} ms, no failure and ≥ 95 % of the rate launched.`,
  );
  printTable(
    [
      'rate /s',
      'system',
      'connections',
      'failed',
      'p50 ms',
      'p99 ms',
      'max ms',
      'TIME_WAIT before',
      'passes',
    ],
    steps.map((s) => [
      fmt(s.rate),
      s.system,
      fmt(s.result.ok + s.result.failed),
      s.result.failed === 0 ? '0' : `${s.result.failed} ${JSON.stringify(s.result.reasons)}`,
      fmt(s.summary.p50, 1),
      fmt(s.summary.p99, 1),
      fmt(s.summary.max, 1),
      fmt(s.timeWaitBefore),
      s.passed ? 'yes' : 'no',
    ]),
  );
  const best = (system: System): number => {
    let top = 0;
    for (const s of steps.filter((x) => x.system === system)) {
      if (!s.passed) break;
      top = s.rate;
    }
    return top;
  };
  const [b, e] = [best('baseline'), best('ELS')];
  const capped = (system: System): string =>
    steps.filter((x) => x.system === system).every((x) => x.passed)
      ? ' (every step passed: the ceiling is higher)'
      : '';
  console.log(
    `\nHighest sustained rate with p99 < ${P99_LIMIT_MS} ms: baseline ${fmt(b)}/s${capped('baseline')}, ELS ${fmt(e)}/s${capped('ELS')}; ELS / baseline = ${ratio(e, b)} (target ≥ 0.70×)`,
  );
}
