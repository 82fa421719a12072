// Memory under SDKs that never read: CLIENTS FeatBit client connections each send FRAMES
// `data-sync` frames of ~110 bytes and never read their socket; every answer is a fresh result
// payload of ~PAYLOAD bytes (a flag whose served value is that large). Peak RSS growth of the
// server process, for ELS (send bound ELS_MAX_BUFFERED_BYTES, default 8 MiB) and for a raw `ws`
// server that builds the same text per message and has no bound, each in its own child process.
// `npm run bench --workspace bench -- els-slow-reader`
// (BENCH_SLOW_CLIENTS=10 BENCH_SLOW_FRAMES=60 BENCH_SLOW_PAYLOAD=3000000).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import {
  COMPAT_ENV,
  nextVersion,
  startCompatFixture,
} from '../../els/src/featbit/testing/compat-fixture.js';
import { RawWsClient } from '../../els/src/streaming/testing/raw-ws-client.js';

const CLIENTS = Number(process.env['BENCH_SLOW_CLIENTS'] ?? 10);
const FRAMES = Number(process.env['BENCH_SLOW_FRAMES'] ?? 60);
const PAYLOAD = Number(process.env['BENCH_SLOW_PAYLOAD'] ?? 3_000_000);
const SETTLE_MS = 3000;
/** A FeatBit client `data-sync` of about 110 bytes. */
const SYNC = JSON.stringify({
  messageType: 'data-sync',
  data: { timestamp: 0, user: { keyId: 'slow-reader-1', name: 'slow', customizedProperties: [] } },
});

// The first message a raw client reads (it then stops reading again).
async function firstMessage(client: RawWsClient): Promise<string> {
  const first = await client.firstMessage();
  client.destroy();
  return first.toString('utf8');
}

const require = createRequire(import.meta.url);
const { generateConnectionToken } =
  require('@featbit/node-server-sdk/dist/cjs/data-sync/utils.js') as {
    generateConnectionToken: (secret: string) => string;
  };

type System = 'baseline' | 'ELS';

interface Result {
  readonly system: System;
  readonly rssBeforeMb: number;
  readonly peakGrowthMb: number;
  /** Connections the server closed with 4009 (the others were still open). */
  readonly closed4009: number;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

// Starts the system under test; resolves with its port, the request path and a stop function.
async function startSystem(
  system: System,
): Promise<{ port: number; path: string; stop: () => Promise<void> }> {
  const kit = await startCompatFixture({});
  const simple = kit.flags.find((f) => f.key === 'simple');
  if (!simple) throw new Error('fixture has no flag "simple"');
  const [on, off] = simple.variations;
  if (!on || !off) throw new Error('fixture flag has no two variations');
  kit.source.putFlag(COMPAT_ENV, {
    ...simple,
    id: 'big',
    key: 'big',
    variationType: 'string',
    variations: [
      { ...on, value: 'x'.repeat(PAYLOAD) },
      { ...off, value: 'off' },
    ],
    isEnabled: true,
    targetUsers: [],
    rules: [],
    fallthrough: {
      includedInExpt: true,
      variations: [{ id: on.id, rollout: [0, 1], exptRollout: 1 }],
    },
    version: nextVersion(),
  });
  const path = `/streaming?type=client&token=${generateConnectionToken(kit.clientSecret)}`;
  const port = Number(new URL(kit.url).port);
  // One reading SDK first: the environment is loaded and compiled before RSS is measured.
  const warm = await RawWsClient.open(port, path);
  warm.sendText(SYNC);
  const answer = await firstMessage(warm);
  if (system === 'ELS') return { port, path, stop: () => kit.stop() };
  await kit.stop();
  // The baseline builds the same answer per message, as a server without the bound would.
  const payload = JSON.parse(answer) as unknown;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', () => ws.send(JSON.stringify(payload)));
  });
  return {
    port: (wss.address() as AddressInfo).port,
    path,
    stop: () => {
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

// Child process: one system, the slow clients, RSS sampled every 20 ms.
async function measure(system: System): Promise<Result> {
  const { port, path, stop } = await startSystem(system);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => RawWsClient.open(port, path)),
  );
  for (const c of clients) for (let i = 0; i < FRAMES; i++) c.sendText(SYNC);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  peak = Math.max(peak, process.memoryUsage.rss());
  clearInterval(sampler);
  // Read what is left, up to the close frame (the baseline never closes: cut reading short).
  const codes = await Promise.all(
    clients.map((c) =>
      Promise.race([
        c.readToClose().then((r) => r.closeCode),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000)),
      ]),
    ),
  );
  for (const c of clients) c.destroy();
  await stop();
  return {
    system,
    rssBeforeMb: mb(before),
    peakGrowthMb: mb(peak - before),
    closed4009: codes.filter((code) => code === 4009).length,
  };
}

function runChild(system: System): Promise<Result> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, '--expose-gc', self],
      { env: { ...process.env, BENCH_SLOW_CHILD: system }, maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error) return reject(new Error(error.message));
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve(JSON.parse(line) as Result);
      },
    );
  });
}

/** Runs both systems, one child process each, and prints the table. */
export async function run(): Promise<void> {
  console.log(
    `${CLIENTS} FeatBit client connections × ${FRAMES} data-sync frames, never reading; answer ≈ ${mb(PAYLOAD)} MB`,
  );
  const results = [await runChild('baseline'), await runChild('ELS')];
  console.log('| server | RSS before (MB) | peak RSS growth (MB) | connections closed with 4009 |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.system} | ${r.rssBeforeMb} | ${r.peakGrowthMb} | ${r.closed4009} of ${CLIENTS} |`,
    );
  }
}

const child = process.env['BENCH_SLOW_CHILD'];
if (child === 'baseline' || child === 'ELS') {
  measure(child).then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
