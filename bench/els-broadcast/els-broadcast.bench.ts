// Broadcast: N server-SDK sockets on one ELS process (in-memory adapters), a flag change published
// on the change feed, and the time until each socket received its PATCH; beside a raw `ws` server
// that broadcasts the same pre-encoded bytes, in the same run. The sockets live in a load
// generator child process. `npm run bench --workspace bench -- els-broadcast`
// (BENCH_BROADCAST_SIZES=1000,10000 and BENCH_BROADCAST_ROUNDS=5 by default).
import { performance } from 'node:perf_hooks';
import { startBaselineServer } from '../els-shared/baseline-server.js';
import { generateEnvironment } from '../els-shared/environment-data.js';
import type { BenchFlag } from '../els-shared/environment-data.js';
import {
  drainTimeWait,
  fileLimits,
  LoadGenerator,
  timeWaitCount,
} from '../els-shared/load-client.js';
import {
  BENCH_ENV,
  paddedReply,
  patchFrame,
  protocolsFor,
  startMemoryEls,
  syncRequest,
} from '../els-shared/memory-els.js';
import { fmt, percentile, printTable, ratio, summarize } from '../els-shared/stats.js';

const SIZES = (process.env['BENCH_BROADCAST_SIZES'] ?? '1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env['BENCH_BROADCAST_ROUNDS'] ?? 5);
const WARMUP_ROUNDS = 2;
const ROUND_TIMEOUT_MS = 30_000;

type System = 'baseline' | 'ELS';

interface Measured {
  readonly system: System;
  readonly sockets: number;
  readonly connectMs: number;
  readonly connectFailed: number;
  /** Every socket's delivery latency over all measured rounds (ms; NaN = never arrived). */
  readonly latencies: number[];
  readonly roundP99: number[];
  readonly missing: number;
  readonly frameBytes: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const clock = (): number => performance.timeOrigin + performance.now();

export async function run(): Promise<void> {
  const limits = fileLimits();
  console.log(
    `open files: soft ${limits.soft}, hard ${limits.hard} (the load generator raises its soft limit to the hard one)`,
  );
  const { flags, segments } = generateEnvironment(BENCH_ENV.id, 20, 2, 11);
  // The flag that changes: one with rules, so the PATCH is a realistic size.
  const changing = flags.find((f) => f.rules.length >= 2) ?? flags[0]!;
  let enabled = changing.isEnabled;
  const next = (): BenchFlag => {
    enabled = !enabled;
    return { ...changing, isEnabled: enabled };
  };

  const gen = await LoadGenerator.start();
  const vane = await startMemoryEls(flags, segments);
  const baseline = await startBaselineServer(paddedReply(2048));
  const results: Measured[] = [];
  try {
    for (const sockets of SIZES) {
      // Baseline before and after ELS, so drift in the machine's load shows and evens out.
      for (const system of ['baseline', 'ELS', 'baseline'] as const) {
        const tw = await drainTimeWait(1000);
        const url =
          system === 'ELS'
            ? vane.url('server')
            : `ws://127.0.0.1:${baseline.port}/sdk/v1/stream?kind=server`;
        const connected = await gen.connect({
          url,
          protocols: protocolsFor('server'),
          frames: [syncRequest()],
          count: sockets,
          concurrency: 200,
          timeoutMs: 60_000,
        });
        console.log(
          `${system}: ${connected.ok} sockets synced in ${fmt(connected.elapsedMs)} ms` +
            ` (${connected.failed} failed ${JSON.stringify(connected.reasons)}; TIME_WAIT before: ${tw})`,
        );
        const latencies: number[] = [];
        const roundP99: number[] = [];
        let missing = 0;
        let frameBytes = 0;
        for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
          await sleep(500);
          await gen.arm();
          let t0: number;
          if (system === 'ELS') {
            const flag = next();
            t0 = clock();
            vane.publishFlag(flag);
          } else {
            const frame = patchFrame(next(), Date.now());
            t0 = clock();
            baseline.broadcast(frame);
          }
          const got = await gen.collect(t0, ROUND_TIMEOUT_MS);
          if (round < WARMUP_ROUNDS) continue;
          latencies.push(...got.latencies);
          roundP99.push(
            percentile(
              got.latencies.filter((v) => !Number.isNaN(v)),
              99,
            ),
          );
          missing += got.missing;
          frameBytes = Math.max(frameBytes, ...got.bytes);
        }
        await gen.reset();
        results.push({
          system,
          sockets,
          connectMs: connected.elapsedMs,
          connectFailed: connected.failed,
          latencies,
          roundP99,
          missing,
          frameBytes,
        });
      }
    }
  } finally {
    await gen.stop();
    await vane.stop();
    await baseline.stop();
  }

  console.log(
    `\nBroadcast of one flag change to N server SDKs: ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up rounds,` +
      ` latency = change published (ELS) or broadcast loop started (baseline) → frame received.` +
      ` Clock offset to the load generator: ${gen.offsetMs.toFixed(3)} ms (corrected). TIME_WAIT now: ${timeWaitCount()}.`,
  );
  const rows: string[][] = [];
  for (const r of results) {
    const s = summarize(r.latencies);
    const bases = results.filter((b) => b.system === 'baseline' && b.sockets === r.sockets);
    const bs = bases.length > 0 ? summarize(bases.flatMap((b) => b.latencies)) : undefined;
    rows.push([
      fmt(r.sockets),
      r.system,
      fmt(r.frameBytes),
      `${fmt(s.n)} / ${fmt(r.latencies.length)}`,
      fmt(s.p50, 1),
      fmt(s.p99, 1),
      fmt(s.max, 1),
      r.roundP99.map((v) => fmt(v)).join(', '),
      bs ? ratio(s.p50, bs.p50) : '–',
      bs ? ratio(s.p99, bs.p99) : '–',
    ]);
  }
  printTable(
    [
      'sockets',
      'system',
      'frame bytes',
      'frames received',
      'p50 ms',
      'p99 ms',
      'max ms',
      'p99 per round ms',
      'p50 / both baseline passes',
      'p99 / both baseline passes',
    ],
    rows,
  );
  for (const sockets of SIZES) {
    const els = results.find((r) => r.system === 'ELS' && r.sockets === sockets);
    const bases = results.filter((r) => r.system === 'baseline' && r.sockets === sockets);
    if (!els || bases.length === 0) continue;
    const e = summarize(els.latencies);
    const b = summarize(bases.flatMap((r) => r.latencies));
    const r = e.p99 / b.p99;
    console.log(
      `${fmt(sockets)} sockets: ELS p99 ${fmt(e.p99, 1)} ms vs baseline ${fmt(b.p99, 1)} ms = ${ratio(e.p99, b.p99)}` +
        ` (target ≤ 1.50×: ${r <= 1.5 ? 'met' : 'missed'})`,
    );
  }
}
