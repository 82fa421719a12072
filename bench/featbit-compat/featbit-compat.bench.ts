// FeatBit's JSON protocol on ELS against Vane's own Protobuf protocol on the same ELS (the
// baseline), in one run: client SDK connections that open, sync with a user and receive their
// evaluated FULL; then one flag change pushed to every connected client of each protocol.
// Clients are plain `ws` sockets in this process (both protocols pay the same client cost); 100
// of each are opened first as a warm-up, and the two run in both orders (A B B A).
// `npm run bench --workspace bench -- featbit-compat` (BENCH_COMPAT_FLAGS=50,
// BENCH_COMPAT_CLIENTS=1000, BENCH_COMPAT_CONCURRENCY=50).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { generateEnvironment } from '../els-shared/environment-data.js';
import { BENCH_ENV, protocolsFor, startMemoryEls, syncRequest } from '../els-shared/memory-els.js';
import { fmt, printTable, ratio, summarize } from '../els-shared/stats.js';

const FLAGS = Number(process.env['BENCH_COMPAT_FLAGS'] ?? 50);
const CLIENTS = Number(process.env['BENCH_COMPAT_CLIENTS'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_COMPAT_CONCURRENCY'] ?? 50);

const require = createRequire(import.meta.url);
// The published FeatBit SDK's own token generator.
const { generateConnectionToken } =
  require('@featbit/node-server-sdk/dist/cjs/data-sync/utils.js') as {
    generateConnectionToken: (secret: string) => string;
  };

interface Opened {
  readonly ws: WebSocket;
  readonly ms: number;
  readonly bytes: number;
}

type Opener = (i: number) => Promise<Opened>;

function user(i: number) {
  return {
    keyId: `bench-user-${i}`,
    name: `user ${i}`,
    customizedProperties: [
      { name: 'country', value: ['FR', 'DE', 'US'][i % 3] ?? 'US' },
      { name: 'plan', value: i % 2 ? 'pro' : 'free' },
    ],
  };
}

// Opens a socket, sends `first` on open, resolves with the first answer's latency and size.
function open(url: string, protocols: string[], first: string | Uint8Array): Promise<Opened> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    ws.once('open', () => ws.send(first));
    ws.once('message', (data: Buffer) =>
      resolve({ ws, ms: performance.now() - started, bytes: data.length }),
    );
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
  });
}

async function connectAll(opener: Opener): Promise<{ sockets: Opened[]; seconds: number }> {
  const sockets: Opened[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CLIENTS) sockets.push(await opener(next++));
    }),
  );
  return { sockets, seconds: (performance.now() - started) / 1000 };
}

// Per socket: ms from now until its next message (NaN if none within 10 s).
function nextMessages(sockets: readonly Opened[]): Promise<number[]> {
  const started = performance.now();
  return Promise.all(
    sockets.map(
      (s) =>
        new Promise<number>((resolve) => {
          const timer = setTimeout(() => resolve(Number.NaN), 10_000);
          s.ws.once('message', () => {
            clearTimeout(timer);
            resolve(performance.now() - started);
          });
        }),
    ),
  );
}

export async function run(): Promise<void> {
  const { flags, segments } = generateEnvironment(BENCH_ENV.id, FLAGS, Math.max(1, FLAGS / 25), 7);
  const vane = await startMemoryEls(flags, segments);
  const base = `ws://127.0.0.1:${vane.els.port}`;
  const protocols: { name: string; opener: Opener }[] = [
    {
      name: 'Vane protocol (Protobuf, baseline)',
      opener: (i) =>
        open(
          vane.url('client'),
          protocolsFor('client'),
          Buffer.from(syncRequest(user(i)), 'base64'),
        ),
    },
    {
      name: 'FeatBit protocol (JSON, /streaming)',
      opener: (i) =>
        open(
          `${base}/streaming?type=client&token=${generateConnectionToken(BENCH_ENV.client)}`,
          [],
          JSON.stringify({ messageType: 'data-sync', data: { timestamp: 0, user: user(i) } }),
        ),
    },
  ];
  const rows: string[][] = [];
  const pushRows: string[][] = [];
  const rates = new Map<string, number[]>();
  try {
    // Warm-up (JIT, snapshot load): a few of each, discarded.
    for (const p of protocols) {
      for (let i = 0; i < 100; i++) (await p.opener(CLIENTS + i)).ws.terminate();
    }
    // Both orders, so that neither protocol always runs on a warmer (or more loaded) process.
    for (const p of [...protocols, ...[...protocols].reverse()]) {
      const { sockets, seconds } = await connectAll(p.opener);
      const lat = summarize(sockets.map((s) => s.ms));
      const bytes = summarize(sockets.map((s) => s.bytes));
      rates.set(p.name, [...(rates.get(p.name) ?? []), CLIENTS / seconds]);
      rows.push([p.name, fmt(CLIENTS / seconds), fmt(lat.p50, 1), fmt(lat.p99, 1), fmt(bytes.p50)]);
      // A change every client's result depends on: the first flag, switched off.
      const flag = flags[0];
      if (!flag) throw new Error('no flags');
      const arrivals = nextMessages(sockets);
      vane.publishFlag({ ...flag, isEnabled: !flag.isEnabled });
      const times = await arrivals;
      const push = summarize(times);
      const missing = times.filter((t) => Number.isNaN(t)).length;
      pushRows.push([p.name, fmt(push.p50, 1), fmt(push.p99, 1), fmt(push.max, 1), fmt(missing)]);
      vane.publishFlag(flag);
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const s of sockets) s.ws.terminate();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await vane.stop();
  }
  console.log(
    `\n${fmt(CLIENTS)} client SDK connections (${CONCURRENCY} at a time), ${fmt(flags.length)} flags:` +
      ' open + sync with a user + evaluated FULL',
  );
  printTable(['protocol', 'connections/s', 'p50 ms', 'p99 ms', 'FULL bytes'], rows);
  const mean = (name: string | undefined) => {
    const r = rates.get(name ?? '') ?? [];
    return r.reduce((a, b) => a + b, 0) / Math.max(1, r.length);
  };
  console.log(
    `FeatBit protocol vs baseline, connections/s (mean of both orders): ${ratio(mean(protocols[1]?.name), mean(protocols[0]?.name))}`,
  );
  console.log(
    `\nOne flag change pushed to all ${fmt(CLIENTS)} connected clients (ms after publish):`,
  );
  printTable(['protocol', 'p50', 'p99', 'max', 'not pushed'], pushRows);
}
