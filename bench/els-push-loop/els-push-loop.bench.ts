// ELS's apply + push loop alone, in one process: N server-SDK sockets (`ws` clients in this
// process) synced to ELS on its in-memory adapters (10 generated flags, 2 segments), a FlagChanged handed to ELS's change-feed handler, and the handler's duration (decode,
// apply, encode once, queue on N sockets: all synchronous); beside a raw `ws` server's loop
// broadcasting a pre-encoded frame of the same size to the same number of sockets. This is the
// "of which the apply + push loop" column of els-propagation without the rig.
// `npm run bench --workspace bench -- els-push-loop` (BENCH_PUSH_SOCKETS=1000,
// BENCH_PUSH_ROUNDS=200). Profile it with `node --cpu-prof` on the tsx loader.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import WebSocket from 'ws';
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import { MemoryChangeFeed, MemoryEnvironmentSource, startEls } from '@vane/els';
import type { ChangeFeed, ChangeRecord, FeedSubscription } from '@vane/els';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
// Not exported by @vane/els's index; main.ts composes ELS with it, and so does this bench.
import { RedisFlagCache } from '../../els/src/cache/redis-flag-cache.js';
import { startBaselineServer } from '../els-shared/baseline-server.js';
import { generateEnvironment } from '../els-shared/environment-data.js';
import {
  BENCH_ENV,
  paddedReply,
  patchFrame,
  protocolsFor,
  toProto,
} from '../els-shared/memory-els.js';
import { fmt, percentile, printTable, ratio } from '../els-shared/stats.js';
import { ClientFrame } from '@vane/gen/node/vane/sync/v1/frames';

const SOCKETS = Number(process.env['BENCH_PUSH_SOCKETS'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_PUSH_ROUNDS'] ?? 200);
const WARMUP = 20;
const FLAG_COUNT = 10;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Times each call of the handler ELS subscribed with. */
class TimedFeed implements ChangeFeed {
  readonly durations: number[] = [];
  constructor(private readonly inner: ChangeFeed) {}
  subscribe(
    topics: readonly string[],
    groupId: string,
    handler: (records: readonly ChangeRecord[]) => Promise<void>,
  ): Promise<FeedSubscription> {
    return this.inner.subscribe(topics, groupId, async (records) => {
      const start = performance.now();
      await handler(records);
      this.durations.push(performance.now() - start);
    });
  }
}

/** N sockets; `arm()` resolves once each got one more message. */
async function connect(url: string, protocols: string[], n: number, hello?: Uint8Array) {
  const sockets: WebSocket[] = [];
  let waiting = 0;
  let done: () => void = () => undefined;
  for (let i = 0; i < n; i += 1) {
    const ws = new WebSocket(url, protocols);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (hello !== undefined) {
      await new Promise<void>((resolve) => {
        ws.once('message', () => resolve());
        ws.send(hello);
      });
    }
    ws.on('message', () => {
      waiting -= 1;
      if (waiting === 0) done();
    });
    sockets.push(ws);
  }
  return {
    arm: (): Promise<void> => {
      waiting = n;
      return new Promise<void>((resolve) => (done = resolve));
    },
    close: () => sockets.forEach((ws) => ws.terminate()),
  };
}

export async function run(): Promise<void> {
  const { flags: defs, segments } = generateEnvironment(BENCH_ENV.id, FLAG_COUNT, 2, 11);
  const source = new MemoryEnvironmentSource();
  source.putSecret(BENCH_ENV.server, { envId: BENCH_ENV.id, kind: 'server' });
  for (const f of defs) source.putFlag(BENCH_ENV.id, f);
  for (const s of segments) source.putSegment(BENCH_ENV.id, s);
  const broker = new MemoryBroker();
  const feed = new TimedFeed(new MemoryChangeFeed(broker));
  // With the rig's Redis (VANE_TEST_REDIS_URL set), ELS writes through to it as main.ts has it.
  const redisUrl = process.env['VANE_TEST_REDIS_URL'];
  const redis = redisUrl ? new Redis(redisUrl) : undefined;
  const keyPrefix = `bench_els_push_loop_${randomUUID()}:`;
  const els = await startEls(
    {
      source,
      feed,
      logger: pino({ level: 'warn' }),
      ...(redis ? { cache: new RedisFlagCache(redis, { keyPrefix }) } : {}),
    },
    { port: 0, idleTimeoutMs: 30 * 60_000, maxConnections: 100_000 },
  );
  const sync = ClientFrame.encode({
    kind: { $case: 'sync', value: { requestId: 1, version: 0 } },
  }).finish();
  const elsSockets = await connect(
    `ws://127.0.0.1:${els.port}/sdk/v1/stream?kind=server`,
    protocolsFor('server'),
    SOCKETS,
    sync,
  );
  const baseline = await startBaselineServer(paddedReply(64));
  const baseSockets = await connect(
    `ws://127.0.0.1:${baseline.port}/sdk/v1/stream?kind=server`,
    ['vane.sync.v1'],
    SOCKETS,
  );
  const flagTopic = topicName(TOPICS.flagChanges);
  let last = Date.now();
  const loops = { ELS: [] as number[], baseline: [] as number[] };
  const delivered = { ELS: [] as number[], baseline: [] as number[] };
  let frameBytes = 0;
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
      const flag = defs[round % FLAG_COUNT]!;
      const changed = { ...flag, isEnabled: round % 20 < 10 };
      const version = (last = Math.max(Date.now(), last + 1));
      // ELS: one FlagChanged through the feed.
      let got = elsSockets.arm();
      let t0 = performance.now();
      const before = feed.durations.length;
      broker.publish(flagTopic, [
        {
          key: BENCH_ENV.id,
          value: FlagChanged.encode({
            eventId: randomUUID(),
            envId: BENCH_ENV.id,
            version,
            change: { $case: 'flag', value: { ...toProto(changed), version } },
          }).finish(),
        },
      ]);
      await got;
      const elsAll = performance.now() - t0;
      if (feed.durations.length !== before + 1) throw new Error('no handler call measured');
      await sleep(5);
      // Baseline: the same size, pre-encoded, broadcast on a raw ws server.
      const frame = patchFrame(changed, version);
      frameBytes = frame.length;
      got = baseSockets.arm();
      t0 = performance.now();
      baseline.broadcast(frame);
      const loop = performance.now() - t0;
      await got;
      const baseAll = performance.now() - t0;
      await sleep(5);
      if (round < WARMUP) continue;
      loops.ELS.push(feed.durations.at(-1)!);
      delivered.ELS.push(elsAll);
      loops.baseline.push(loop);
      delivered.baseline.push(baseAll);
    }
  } finally {
    elsSockets.close();
    baseSockets.close();
    await els.stop();
    if (redis) {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    await baseline.stop();
  }
  const cell = (v: number[]): string =>
    `${fmt(percentile(v, 50), 2)} / ${fmt(percentile(v, 99), 2)}`;
  console.log(
    `\nApply + push loop for ${fmt(SOCKETS)} server sockets in one process, ${ROUNDS} changes after ${WARMUP} warm-up (frame ${frameBytes} bytes, Redis write-through ${redis ? 'on' : 'off'}), p50 / p99 ms:`,
  );
  printTable(
    ['system', 'handler (apply + push) / broadcast loop', 'until every socket received'],
    (['ELS', 'baseline'] as const).map((s) => [s, cell(loops[s]), cell(delivered[s])]),
  );
  console.log(
    `\nELS / baseline loop: p50 ${ratio(percentile(loops.ELS, 50), percentile(loops.baseline, 50))}, p99 ${ratio(percentile(loops.ELS, 99), percentile(loops.baseline, 99))}`,
  );
}

if (process.argv[1]?.endsWith('els-push-loop.bench.ts')) await run();
