// Full sync of a 3,000-flag environment: the size of Vane's Protobuf FULL frame (as a server SDK
// receives it from ELS) against FeatBit's JSON `data-sync` message for the same flags and
// segments; then 1,000 server SDKs syncing that environment at once, from ELS (in-memory
// adapters) and from a raw `ws` server that answers with the same FULL bytes pre-encoded.
// `npm run bench --workspace bench -- els-full-sync` (BENCH_FULL_SYNC_FLAGS=3000,
// BENCH_FULL_SYNC_SDKS=1000).
import { gzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { startBaselineServer } from '../els-shared/baseline-server.js';
import { featBitFullSync, generateEnvironment } from '../els-shared/environment-data.js';
import { drainTimeWait, fileLimits, LoadGenerator } from '../els-shared/load-client.js';
import type { ConnectResult } from '../els-shared/load-protocol.js';
import { BENCH_ENV, protocolsFor, startMemoryEls, syncRequest } from '../els-shared/memory-els.js';
import { fmt, printTable, ratio, summarize } from '../els-shared/stats.js';

const FLAGS = Number(process.env['BENCH_FULL_SYNC_FLAGS'] ?? 3000);
const SEGMENTS = Math.max(1, Math.round(FLAGS / 75));
const SDKS = Number(process.env['BENCH_FULL_SYNC_SDKS'] ?? 1000);

/** An SDK without its FULL after this long counts as failed (the bench's patience, not ELS's). */
const TIMEOUT_MS = 300_000;
/** FeatBit's SDKs report "failed to start" after 5 s (`startWaitTime`) and keep waiting. */
const START_WAIT_MS = 5000;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

export async function run(): Promise<void> {
  const limits = fileLimits();
  console.log(`open files: soft ${limits.soft}, hard ${limits.hard}`);
  const { flags, segments } = generateEnvironment(BENCH_ENV.id, FLAGS, SEGMENTS, 3000);
  const rules = flags.reduce((n, f) => n + f.rules.length, 0);
  const conditions = flags.reduce(
    (n, f) => n + f.rules.reduce((m, r) => m + r.conditions.length, 0),
    0,
  );
  console.log(
    `environment: ${fmt(flags.length)} flags (${fmt(rules)} rules, ${fmt(conditions)} conditions,` +
      ` ${fmt(flags.filter((f) => f.targetUsers.length > 0).length)} with individual targets,` +
      ` ${fmt(flags.filter((f) => f.variationType !== 'boolean').length)} multi-valued), ${fmt(segments.length)} segments` +
      ` (${fmt(segments.reduce((n, s) => n + s.included.length + s.excluded.length, 0))} listed users)`,
  );

  const gen = await LoadGenerator.start();
  const vane = await startMemoryEls(flags, segments);
  const results: { system: string; result: ConnectResult; rssMb: number }[] = [];
  try {
    // One SDK first: the FULL frame as received, checked to hold every flag and segment.
    const one = await gen.connect({
      url: vane.url('server'),
      protocols: protocolsFor('server'),
      frames: [syncRequest()],
      count: 1,
      timeoutMs: 60_000,
    });
    if (one.ok !== 1) throw new Error(`first sync failed: ${JSON.stringify(one.reasons)}`);
    await gen.reset();
    const fullBytes = one.bytes[0]!;
    // The same frame, encoded here from what ELS holds, to compare content (sizes must match).
    const probe = await fetchFull(vane.url('server'));
    const decoded = ServerFrame.decode(probe);
    const payload =
      decoded.kind?.$case === 'sync' && decoded.kind.value.payload?.$case === 'definitions'
        ? decoded.kind.value.payload.value
        : undefined;
    if (payload?.flags.length !== flags.length || payload.segments.length !== segments.length) {
      throw new Error(
        `the FULL frame holds ${payload?.flags.length} flags, ${payload?.segments.length} segments`,
      );
    }
    const featbit = Buffer.from(featBitFullSync(flags, segments, BENCH_ENV.id));
    const vaneGz = gzipSync(probe).length;
    const featbitGz = gzipSync(featbit).length;
    console.log(`\nFull sync of ${fmt(flags.length)} flags and ${fmt(segments.length)} segments:`);
    printTable(
      ['encoding', 'bytes', 'size', 'bytes per flag', 'gzip bytes', 'vs FeatBit JSON'],
      [
        [
          'Vane FULL frame (Protobuf, as received from ELS)',
          fmt(fullBytes),
          mb(fullBytes),
          fmt(fullBytes / flags.length),
          fmt(vaneGz),
          ratio(fullBytes, featbit.length),
        ],
        [
          'FeatBit data-sync JSON, same flags and segments',
          fmt(featbit.length),
          mb(featbit.length),
          fmt(featbit.length / flags.length),
          fmt(featbitGz),
          '1.00×',
        ],
      ],
    );

    // SDKS server SDKs at once, against ELS and against the baseline (same FULL bytes).
    const baseline = await startBaselineServer(probe);
    try {
      for (const [system, url] of [
        [
          'baseline (pre-encoded FULL)',
          `ws://127.0.0.1:${baseline.port}/sdk/v1/stream?kind=server`,
        ],
        ['ELS', vane.url('server')],
      ] as const) {
        await drainTimeWait(1000);
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().rss);
        }, 20);
        const result = await gen.connect({
          url,
          protocols: protocolsFor('server'),
          frames: [syncRequest()],
          count: SDKS,
          timeoutMs: TIMEOUT_MS,
        });
        clearInterval(sampler);
        await gen.reset();
        results.push({ system, result, rssMb: (peak - before) / 1024 / 1024 });
        console.log(
          `${system}: ${result.ok} synced, ${result.failed} failed ${JSON.stringify(result.reasons)} in ${fmt(result.elapsedMs)} ms`,
        );
      }
    } finally {
      await baseline.stop();
    }
  } finally {
    await gen.stop();
    await vane.stop();
  }
  const base = results[0];
  console.log(
    `\n${fmt(SDKS)} server SDKs opening and syncing at once (all launched in one tick); latency = open → FULL received;` +
      ` failed = error, close or no FULL within ${TIMEOUT_MS / 1000} s:`,
  );
  printTable(
    [
      'system',
      'synced',
      'failed',
      'time to all synced ms',
      'p50 ms',
      'p99 ms',
      `synced within ${START_WAIT_MS / 1000} s`,
      'server RSS growth MiB',
      'time / baseline',
    ],
    results.map((r) => {
      const s = summarize(r.result.latenciesMs);
      return [
        r.system,
        fmt(r.result.ok),
        r.result.failed === 0 ? '0' : `${r.result.failed} ${JSON.stringify(r.result.reasons)}`,
        fmt(r.result.elapsedMs),
        fmt(s.p50),
        fmt(s.p99),
        fmt(r.result.latenciesMs.filter((ms) => ms <= START_WAIT_MS).length),
        fmt(r.rssMb),
        base ? ratio(r.result.elapsedMs, base.result.elapsedMs) : '–',
      ];
    }),
  );
}

/** One FULL sync from this process, to read the frame's content. */
async function fetchFull(url: string): Promise<Uint8Array> {
  const ws = new WebSocket(url, protocolsFor('server'), { maxPayload: 256 * 1024 * 1024 });
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      ws.send(
        ClientFrame.encode({
          kind: { $case: 'sync', value: { requestId: 1, version: 0 } },
        }).finish(),
      ),
    );
    ws.once('message', (data: Buffer) => {
      ws.close();
      resolve(new Uint8Array(data));
    });
    ws.once('error', reject);
  });
}
