// End-to-end propagation on the test rig's FerretDB and Kafka: a ToggleFeatureFlag call on the
// admin gRPC API (api-server in this process) until each of 1,000 server SDKs (in a load-generator
// child process) connected to ELS (in this process, MongoDB source + Kafka change feed) received
// the PATCH, split into the hops that can be observed:
// - API call: request sent → response received;
// - relay + Kafka produce: response → the record's Kafka timestamp (set by the api-server's
//   producer, ms resolution);
// - Kafka → ELS: record timestamp → ELS's change feed hands the record to ELS (a timing wrapper
//   around KafkaChangeFeed, passed to startEls as its ChangeFeed);
// - ELS → SDK: feed handler called → frame received by each SDK (decode, apply to the snapshot,
//   encode once, queue on 1,000 sockets, all synchronous, while the Redis write-through runs in
//   the background; then the sockets). The handler's own duration is shown too.
// ELS runs as main.ts composes it: MongoDB source, Kafka change feed, Redis flag cache.
// Baseline in the same run: the same API call, relay and Kafka, then a plain kafkajs consumer in
// this process that broadcasts one pre-encoded frame of the same size on a raw `ws` server to
// 1,000 sockets. Needs the rig: `npm run services -- up && source .rig/env &&
// npm run bench --workspace bench -- els-propagation` (BENCH_PROPAGATION_SDKS=1000,
// BENCH_PROPAGATION_ROUNDS=20).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import {
  KafkaChangePublisher,
  KafkaMessageSource,
  MongoDocumentStore,
  startApiServer,
} from '@vane/api-server';
import { TOPICS, topicName } from '@vane/core';
import { KafkaChangeFeed, MongoEnvironmentSource, startEls } from '@vane/els';
import type { ChangeFeed, ChangeRecord, FeedSubscription } from '@vane/els';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { adminClients } from '../../api-server/src/testing/api-fixture.js';
// Not exported by @vane/els's index; main.ts composes ELS with it, and so does this bench.
import { RedisFlagCache } from '../../els/src/cache/redis-flag-cache.js';
import { startBaselineServer } from '../els-shared/baseline-server.js';
import { drainTimeWait, fileLimits, LoadGenerator } from '../els-shared/load-client.js';
import { paddedReply, syncRequest } from '../els-shared/memory-els.js';
import { fmt, percentile, printTable, ratio, summarize } from '../els-shared/stats.js';

const SDKS = Number(process.env['BENCH_PROPAGATION_SDKS'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_PROPAGATION_ROUNDS'] ?? 20);
const WARMUP_ROUNDS = 2;
const FLAG_COUNT = 10;

const clock = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** When a flag change (by version) reached a point, in this process's clock (ms). */
type Seen = Map<number, number>;

/** A ChangeFeed that timestamps each flag change when handed to ELS and when ELS is done with it. */
class TimedFeed implements ChangeFeed {
  readonly received: Seen = new Map();
  readonly applied: Seen = new Map();
  constructor(
    private readonly inner: ChangeFeed,
    private readonly flagTopic: string,
  ) {}

  subscribe(
    topics: readonly string[],
    groupId: string,
    handler: (records: readonly ChangeRecord[]) => Promise<void>,
  ): Promise<FeedSubscription> {
    return this.inner.subscribe(topics, groupId, async (records) => {
      const at = clock();
      const versions = records
        .filter((r) => r.topic === this.flagTopic)
        .map((r) => FlagChanged.decode(r.value).version);
      for (const v of versions) this.received.set(v, at);
      await handler(records);
      const done = clock();
      for (const v of versions) this.applied.set(v, done);
    });
  }
}

interface Round {
  readonly t0: number;
  readonly apiMs: number;
  readonly produceMs: number;
  readonly kafkaMs: number;
  /** ELS: feed handler duration; baseline: the consumer's broadcast loop. */
  readonly serverMs: number;
  /** Per SDK: frame received − change handed to ELS's handler (or to the baseline consumer). */
  readonly afterKafkaMs: number[];
  /** Per SDK: frame received − API call started. */
  readonly totalMs: number[];
  readonly missing: number;
}

export async function run(): Promise<void> {
  const limits = fileLimits();
  console.log(`open files: soft ${limits.soft}, hard ${limits.hard}`);
  const servers = testServers();
  const name = uniqueTestName('bench_els_propagation');
  const prefix = `${name}.`;
  const cleanups: [string, () => Promise<unknown>][] = [];
  const logger = pino({ level: 'warn' });
  const results: Record<'ELS' | 'baseline', Round[]> = { ELS: [], baseline: [] };
  let frameBytes = 0;
  try {
    const mongo = new MongoClient(servers.mongoUrl);
    await mongo.connect();
    cleanups.push(['mongo', () => mongo.close()]);
    const db = mongo.db(name);
    cleanups.push(['drop database', () => db.dropDatabase()]);
    const kafka = new Kafka({
      clientId: `bench-${randomBytes(4).toString('hex')}`,
      brokers: [...servers.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(['kafka admin', () => admin.disconnect()]);
    const topics = [
      TOPICS.flagChanges,
      TOPICS.segmentChanges,
      TOPICS.endUsers,
      TOPICS.endUsersDeadLetter,
    ].map((t) => topicName(t, prefix));
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    cleanups.push(['topics', () => admin.deleteTopics({ topics })]);
    const flagTopic = topicName(TOPICS.flagChanges, prefix);

    // The bench's own consumer: Kafka timestamps, and the baseline's trigger.
    const kafkaTs: Seen = new Map();
    const consumed: Seen = new Map();
    let onConsumed: ((version: number) => void) | undefined;
    const groupId = `${name}-bench`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    cleanups.push(['bench group', () => admin.deleteGroups([groupId, `${name}-els`])]);
    cleanups.push(['bench consumer', () => consumer.disconnect()]);
    await consumer.subscribe({ topics: [flagTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = clock();
        const { version } = FlagChanged.decode(message.value ?? Buffer.alloc(0));
        consumed.set(version, at);
        kafkaTs.set(version, Number(message.timestamp));
        onConsumed?.(version);
      },
    });

    const token = `owner-${randomBytes(24).toString('base64url')}`;
    const publisher = new KafkaChangePublisher(kafka);
    cleanups.push(['publisher', () => publisher.close()]);
    const api = await startApiServer(
      {
        store: new MongoDocumentStore(db),
        publisher,
        source: new KafkaMessageSource(kafka, logger),
        logger,
      },
      { grpcPort: 0, httpPort: 0, bootstrapToken: token, topicPrefix: prefix },
    );
    cleanups.push(['api-server', () => api.stop()]);
    const clients = adminClients(`127.0.0.1:${api.grpcPort}`, token);
    cleanups.push(['grpc clients', async () => clients.close()]);
    const { project } = await clients.projects.createProject({
      key: 'bench',
      name: 'Bench',
      description: '',
    });
    const { environment } = await clients.environments.createEnvironment({
      projectId: project!.id,
      key: 'prod',
      name: 'Production',
      description: '',
    });
    const envId = environment!.id;
    const secret = environment!.secrets.find(
      (s) => s.kind === SecretKind.SECRET_KIND_SERVER,
    )!.value;
    let lastVersion = 0;
    for (let i = 0; i < FLAG_COUNT; i += 1) {
      const { flag } = await clients.flags.createFeatureFlag({
        envId,
        flag: FeatureFlag.fromPartial({
          key: `propagation-${i}`,
          name: `Propagation ${i}`,
          description: 'A flag of the ELS propagation benchmark',
          tags: ['bench'],
          variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        }),
        comment: '',
      });
      lastVersion = Math.max(lastVersion, flag!.version);
    }
    await waitUntil('the created flags are relayed', () => consumed.has(lastVersion), 60_000);

    const redis = new Redis(servers.redisUrl);
    const keyPrefix = `${name}:`;
    cleanups.push([
      'redis',
      async () => {
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    ]);
    const feed = new TimedFeed(new KafkaChangeFeed(kafka, logger), flagTopic);
    const els = await startEls(
      {
        source: new MongoEnvironmentSource(db),
        feed,
        cache: new RedisFlagCache(redis, { keyPrefix }),
        logger,
      },
      {
        port: 0,
        topicPrefix: prefix,
        groupId: `${name}-els`,
        idleTimeoutMs: 30 * 60_000,
        maxConnections: 100_000,
      },
    );
    cleanups.push(['els', () => els.stop()]);
    // A frame of the size of ELS's PATCH for a toggled flag, for the baseline's broadcast.
    const { flag: sample } = await clients.flags.getFeatureFlag({ envId, key: 'propagation-0' });
    const patch = ServerFrame.encode({
      kind: {
        $case: 'sync',
        value: {
          requestId: 0,
          kind: SyncKind.SYNC_KIND_PATCH,
          version: sample!.version,
          payload: {
            $case: 'definitions',
            value: { flags: [sample!], segments: [], deletedFlags: [], deletedSegments: [] },
          },
        },
      },
    }).finish();
    const baseline = await startBaselineServer(paddedReply(2048));
    cleanups.push(['baseline', () => baseline.stop()]);
    const gen = await LoadGenerator.start();
    cleanups.push(['load generator', () => gen.stop()]);

    const enabled = new Map<string, boolean>();
    for (const system of ['ELS', 'baseline'] as const) {
      await drainTimeWait(1000);
      const connected = await gen.connect({
        url:
          system === 'ELS'
            ? `ws://127.0.0.1:${els.port}/sdk/v1/stream?kind=server`
            : `ws://127.0.0.1:${baseline.port}/sdk/v1/stream?kind=server`,
        protocols: ['vane.sync.v1', `vane.secret.${secret}`],
        frames: [syncRequest()],
        count: SDKS,
        concurrency: 200,
        timeoutMs: 60_000,
      });
      console.log(
        `${system}: ${connected.ok} SDKs synced (${connected.failed} failed ${JSON.stringify(connected.reasons)})`,
      );
      let broadcastDone = 0;
      onConsumed =
        system === 'baseline'
          ? () => {
              baseline.broadcast(patch);
              broadcastDone = clock();
            }
          : undefined;
      for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
        await sleep(300);
        const key = `propagation-${round % FLAG_COUNT}`;
        const next = !(enabled.get(key) ?? false);
        enabled.set(key, next);
        await gen.arm();
        const t0 = clock();
        const { flag } = await clients.flags.toggleFeatureFlag({
          envId,
          key,
          enabled: next,
          expectedRevision: 0,
          comment: '',
        });
        const t1 = clock();
        const got = await gen.collect(t0, 30_000);
        const version = flag!.version;
        await waitUntil(`version ${version} consumed`, () => consumed.has(version), 10_000);
        frameBytes = Math.max(frameBytes, ...got.bytes);
        if (round < WARMUP_ROUNDS) continue;
        const ts = kafkaTs.get(version)!;
        const start = system === 'ELS' ? feed.received.get(version) : consumed.get(version);
        const end = system === 'ELS' ? feed.applied.get(version) : broadcastDone;
        if (start === undefined || end === undefined) {
          throw new Error(`${system}: no timestamps for version ${version}`);
        }
        results[system].push({
          t0,
          apiMs: t1 - t0,
          produceMs: ts - t1,
          kafkaMs: start - ts,
          serverMs: end - start,
          afterKafkaMs: got.latencies.map((l) => t0 + l - start),
          totalMs: got.latencies,
          missing: got.missing,
        });
      }
      onConsumed = undefined;
      await gen.reset();
    }
  } finally {
    for (const [label, step] of cleanups.reverse()) {
      await Promise.race([
        step().catch((err: unknown) => console.warn(`clean-up ${label} failed:`, err)),
        sleep(15_000),
      ]);
    }
  }

  console.log(
    `\nPropagation of a ToggleFeatureFlag call to ${fmt(SDKS)} server SDKs, ${ROUNDS} calls after ${WARMUP_ROUNDS} warm-up calls (frame ${fmt(frameBytes)} bytes).` +
      ` Per-call hops: median (p99 over calls); per-SDK figures over every SDK of every call:`,
  );
  const hop = (rounds: Round[], pick: (r: Round) => number): string => {
    const values = rounds.map(pick);
    return `${fmt(percentile(values, 50), 1)} (${fmt(percentile(values, 99), 1)})`;
  };
  const rows = (['ELS', 'baseline'] as const).map((system) => {
    const rounds = results[system];
    const socket = summarize(rounds.flatMap((r) => r.afterKafkaMs));
    const total = summarize(rounds.flatMap((r) => r.totalMs));
    return {
      system,
      cells: [
        system === 'ELS' ? 'ELS' : 'baseline (kafkajs consumer + raw ws broadcast)',
        hop(rounds, (r) => r.apiMs),
        hop(rounds, (r) => r.produceMs),
        hop(rounds, (r) => r.kafkaMs),
        `${fmt(socket.p50, 1)} / ${fmt(socket.p99, 1)}`,
        hop(rounds, (r) => r.serverMs),
        `${fmt(total.p50, 1)} / ${fmt(total.p99, 1)}`,
        fmt(rounds.reduce((n, r) => n + r.missing, 0)),
      ],
      socket,
      total,
    };
  });
  printTable(
    [
      'path',
      'API call ms',
      'relay + produce ms',
      'Kafka → consumer ms',
      'handed to ELS / consumer → SDK received, p50 / p99 ms',
      'of which the apply + push loop (ELS) / broadcast loop (baseline) ms',
      'end to end p50 / p99 ms',
      'frames missing',
    ],
    rows.map((r) => r.cells),
  );
  const [e, b] = rows;
  if (e && b) {
    console.log(
      `\nELS / baseline: end to end p50 ${ratio(e.total.p50, b.total.p50)}, p99 ${ratio(e.total.p99, b.total.p99)};` +
        ` after Kafka (consumer → SDK) p50 ${ratio(e.socket.p50, b.socket.p50)}, p99 ${ratio(e.socket.p99, b.socket.p99)}`,
    );
  }
}

async function waitUntil(label: string, predicate: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${label}: not within ${ms} ms`);
    await sleep(20);
  }
}
