// ELS end to end on real servers: the api-server as a child process (its own composition root),
// changes made through the admin gRPC API, FerretDB, Kafka and Redis from the rig, and SDKs
// speaking the binary frames from `gen/`. One database, topic prefix and Redis key prefix per run.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import type { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { Segment } from '@vane/gen/node/vane/model/v1/segment';
import { CloseCode, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import type { DefinitionsPayload, EvaluationsPayload } from '@vane/gen/node/vane/sync/v1/sync';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { RedisFlagCache } from './cache/redis-flag-cache.js';
import { startEls } from './els-server.js';
import type { RunningEls } from './els-server.js';
import { MongoEnvironmentSource } from './environments/mongo-environment-source.js';
import { KafkaEventSink } from './outbound/kafka-event-sink.js';
import { KafkaChangeFeed } from './sync/kafka-change-feed.js';
import { AdminApiProcess } from './testing/admin-api-process.js';
import { TestSdk } from './testing/test-sdk.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const name = uniqueTestName('els_live');
const prefix = `${name}.`;
const keyPrefix = `${name}:`;
const servers = testServers();
const silent = pino({ level: 'silent' });

let mongo: MongoClient;
let db: Db;
let kafka: Kafka;
let redis: Redis;
let api: AdminApiProcess;
let envId = '';
const secrets = { server: '', client: '' };
let els: RunningEls;
const instances: RunningEls[] = [];
const sdks: TestSdk[] = [];
let events: Consumer;
const seenUsers: EndUserSeen[] = [];
const insights: InsightEvent[] = [];

/** A proto flag with only what the test sets, as a client would send it. */
function flagInput(partial: Partial<FeatureFlag>): FeatureFlag {
  return {
    id: '',
    envId: '',
    key: '',
    name: '',
    description: '',
    tags: [],
    variationType: VariationType.VARIATION_TYPE_BOOLEAN,
    variations: [],
    isEnabled: true,
    disabledVariationId: '',
    targetUsers: [],
    rules: [],
    fallthrough: undefined,
    exptIncludeAllTargets: false,
    isArchived: false,
    prerequisites: [],
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: 0,
    ...partial,
  };
}

function segmentInput(partial: Partial<Segment>): Segment {
  return {
    id: '',
    envId: '',
    key: '',
    name: '',
    description: '',
    tags: [],
    included: [],
    excluded: [],
    rules: [],
    isArchived: false,
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: 0,
    ...partial,
  };
}

async function startInstance(
  options: { keyPrefix?: string; topicPrefix?: string; catchUpIntervalMs?: number } = {},
): Promise<RunningEls> {
  const instance = await startEls(
    {
      source: new MongoEnvironmentSource(db),
      feed: new KafkaChangeFeed(kafka, silent),
      events: new KafkaEventSink(kafka, silent),
      cache: new RedisFlagCache(redis, { keyPrefix: options.keyPrefix ?? keyPrefix }),
      logger: silent,
    },
    {
      port: 0,
      topicPrefix: options.topicPrefix ?? prefix,
      catchUpIntervalMs: options.catchUpIntervalMs ?? 1000,
      secretCacheMs: 200,
      secretRecheckMs: 300,
      // The test SDKs send no pings: longer than the whole file, so none is closed as idle.
      idleTimeoutMs: 600_000,
    },
  );
  instances.push(instance);
  return instance;
}

async function connect(kind: 'server' | 'client', on = els, secret = secrets[kind]) {
  const sdk = await TestSdk.connect(on.port, kind, secret);
  sdks.push(sdk);
  return sdk;
}

/** Reads frames until one matches (others are skipped); fails after `timeoutMs`. */
async function until(
  sdk: TestSdk,
  match: (frame: ServerFrame) => boolean,
  timeoutMs = 15_000,
): Promise<ServerFrame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('no matching frame in time');
    const frame = await sdk.next(left);
    if (match(frame)) return frame;
  }
}

function definitions(
  frame: ServerFrame,
): (DefinitionsPayload & { kind: SyncKind; version: number; requestId: number }) | undefined {
  if (frame.kind?.$case !== 'sync' || frame.kind.value.payload?.$case !== 'definitions')
    return undefined;
  const { kind, version, requestId } = frame.kind.value;
  return { ...frame.kind.value.payload.value, kind, version, requestId };
}

function evaluations(
  frame: ServerFrame,
): (EvaluationsPayload & { kind: SyncKind; version: number }) | undefined {
  if (frame.kind?.$case !== 'sync' || frame.kind.value.payload?.$case !== 'evaluations')
    return undefined;
  return {
    ...frame.kind.value.payload.value,
    kind: frame.kind.value.kind,
    version: frame.kind.value.version,
  };
}

const flagIn = (frame: ServerFrame, key: string) =>
  definitions(frame)?.flags.find((f) => f.key === key);
const valueIn = (frame: ServerFrame, key: string) =>
  evaluations(frame)?.flags.find((f) => f.flagKey === key)?.value;

function sync(sdk: TestSdk, version: number, user?: string, requestId = 1): void {
  sdk.send({
    kind: {
      $case: 'sync',
      value: {
        requestId,
        version,
        ...(user !== undefined ? { user: { keyId: user, name: user, customProperties: [] } } : {}),
      },
    },
  });
}

async function toggle(key: string, enabled: boolean): Promise<number> {
  const { flag } = await api.clients.flags.toggleFeatureFlag({
    envId,
    key,
    enabled,
    expectedRevision: 0,
    comment: '',
  });
  return flag!.version;
}

beforeAll(async () => {
  mongo = new MongoClient(servers.mongoUrl);
  await mongo.connect();
  db = mongo.db(name);
  kafka = new Kafka({
    clientId: 'els-live',
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [TOPICS.flagChanges, TOPICS.segmentChanges, TOPICS.endUsers, TOPICS.insights].map(
      (t) => ({ topic: topicName(t, prefix) }),
    ),
    waitForLeaders: true,
  });
  await admin.disconnect();
  events = kafka.consumer({ groupId: `${name}-events` });
  await events.connect();
  await events.subscribe({
    topics: [topicName(TOPICS.endUsers, prefix), topicName(TOPICS.insights, prefix)],
    fromBeginning: true,
  });
  await events.run({
    eachMessage: ({ topic, message }) => {
      const bytes = new Uint8Array(message.value ?? Buffer.alloc(0));
      if (topic === topicName(TOPICS.endUsers, prefix)) seenUsers.push(EndUserSeen.decode(bytes));
      else insights.push(InsightEvent.decode(bytes));
      return Promise.resolve();
    },
  });
  redis = new Redis(servers.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  api = await AdminApiProcess.start({
    mongoUrl: servers.mongoUrl,
    mongoDatabase: name,
    kafkaBrokers: servers.kafkaBrokers,
    topicPrefix: prefix,
  });
  const { project } = await api.clients.projects.createProject({
    key: 'live',
    name: 'Live',
    description: '',
  });
  const { environment } = await api.clients.environments.createEnvironment({
    projectId: project!.id,
    key: 'prod',
    name: 'Prod',
    description: '',
  });
  envId = environment!.id;
  for (const s of environment!.secrets) {
    if (s.kind === SecretKind.SECRET_KIND_SERVER) secrets.server = s.value;
    else secrets.client = s.value;
  }
  await api.clients.flags.createFeatureFlag({
    envId,
    flag: flagInput({ key: 'checkout', name: 'Checkout' }),
    comment: '',
  });
  els = await startInstance();
}, 120_000);

afterAll(async () => {
  await Promise.all(sdks.map((s) => s.close().catch(() => undefined)));
  for (const instance of instances) await instance.stop().catch(() => undefined);
  await api?.stop();
  await events?.disconnect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  await db.dropDatabase();
  await mongo.close();
}, 60_000);

describe('ELS with the admin API on real servers', () => {
  let server: TestSdk;
  let client: TestSdk;
  let cursor = 0;

  it('answers FULL then PATCH, and pushes a flag change made through the admin API to server and client SDKs', async () => {
    server = await connect('server');
    sync(server, 0);
    const full = definitions(await server.next(10_000));
    expect(full?.kind).toBe(SyncKind.SYNC_KIND_FULL);
    expect(full?.flags.map((f) => f.key)).toEqual(['checkout']);
    cursor = full!.version;

    client = await connect('client');
    sync(client, 0, 'alice');
    const evaluated = await client.next(10_000);
    // A client secret sees results only: no definitions, rules or segments.
    expect(definitions(evaluated)).toBeUndefined();
    expect(evaluations(evaluated)).toMatchObject({
      kind: SyncKind.SYNC_KIND_FULL,
      userKeyId: 'alice',
    });
    expect(valueIn(evaluated, 'checkout')).toBe('true');

    const version = await toggle('checkout', false);
    const pushed = await until(server, (f) => flagIn(f, 'checkout') !== undefined);
    expect(definitions(pushed)).toMatchObject({ kind: SyncKind.SYNC_KIND_PATCH, requestId: 0 });
    expect(flagIn(pushed, 'checkout')).toMatchObject({ isEnabled: false, version });
    expect(
      valueIn(await until(client, (f) => valueIn(f, 'checkout') !== undefined), 'checkout'),
    ).toBe('false');

    const later = await connect('server');
    sync(later, cursor);
    const patch = definitions(await later.next(10_000));
    expect(patch?.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(patch?.flags.map((f) => [f.key, f.version])).toEqual([['checkout', version]]);
  });

  it('answers identify with the new user’s evaluation', async () => {
    const { flag } = await api.clients.flags.createFeatureFlag({
      envId,
      flag: flagInput({ key: 'vip', name: 'VIP' }),
      comment: '',
    });
    const off = flag!.variations.find((v) => v.value === 'false')!.id;
    await api.clients.flags.updateFeatureFlag({
      envId,
      key: 'vip',
      flag: flagInput({ targetUsers: [{ keyIds: ['bob'], variationId: off }] }),
      updateMask: ['target_users'],
      expectedRevision: 0,
      comment: '',
    });
    // The update reached ELS (seen by the server SDK); alice's result did not change.
    await until(server, (f) => (flagIn(f, 'vip')?.targetUsers.length ?? 0) > 0);
    client.send({
      kind: {
        $case: 'identify',
        value: {
          requestId: 9,
          version: 0,
          user: { keyId: 'bob', name: 'Bob', customProperties: [] },
        },
      },
    });
    const answer = await until(client, (f) => evaluations(f)?.userKeyId === 'bob');
    expect(valueIn(answer, 'vip')).toBe('false');
    expect(valueIn(answer, 'checkout')).toBe('false');
  });

  it('re-evaluates the flags that use a segment when the segment changes', async () => {
    const { segment } = await api.clients.segments.createSegment({
      envId,
      segment: segmentInput({ key: 'beta', name: 'Beta' }),
      comment: '',
    });
    const { flag } = await api.clients.flags.createFeatureFlag({
      envId,
      flag: flagInput({ key: 'beta-feature', name: 'Beta feature' }),
      comment: '',
    });
    const [on, off] = flag!.variations;
    await api.clients.flags.updateFeatureFlag({
      envId,
      key: 'beta-feature',
      flag: flagInput({
        rules: [
          {
            id: '',
            name: 'beta users',
            dispatchKey: '',
            includedInExpt: true,
            conditions: [
              {
                id: '',
                property: 'User is in segment',
                op: '',
                value: JSON.stringify([segment!.id]),
              },
            ],
            variations: [{ variationId: on!.id, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 }],
          },
        ],
        fallthrough: {
          dispatchKey: '',
          includedInExpt: true,
          variations: [{ variationId: off!.id, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 }],
        },
      }),
      updateMask: ['rules', 'fallthrough'],
      expectedRevision: 0,
      comment: '',
    });
    await until(client, (f) => valueIn(f, 'beta-feature') === 'false');
    await api.clients.segments.updateSegment({
      envId,
      key: 'beta',
      segment: segmentInput({ included: ['bob'] }),
      updateMask: ['included'],
      expectedRevision: 0,
      comment: '',
    });
    const pushed = await until(client, (f) => valueIn(f, 'beta-feature') !== undefined);
    expect(valueIn(pushed, 'beta-feature')).toBe('true');
    const segPush = await until(server, (f) =>
      (definitions(f)?.segments ?? []).some((s) => s.included.includes('bob')),
    );
    expect(definitions(segPush)?.segments.map((s) => s.key)).toEqual(['beta']);
  });

  it('sends tombstones for archived and deleted flags, pushed and in a PATCH', async () => {
    const before = cursor;
    const { flag } = await api.clients.flags.archiveFeatureFlag({
      envId,
      key: 'vip',
      expectedRevision: 0,
      comment: '',
    });
    const pushed = await until(server, (f) => (definitions(f)?.deletedFlags.length ?? 0) > 0);
    expect(definitions(pushed)?.deletedFlags).toEqual([
      { id: flag!.id, key: 'vip', version: flag!.version },
    ]);
    const clientPush = await until(client, (f) => (evaluations(f)?.deletedFlags.length ?? 0) > 0);
    expect(evaluations(clientPush)?.deletedFlags.map((t) => t.key)).toEqual(['vip']);
    await api.clients.flags.deleteFeatureFlag({
      envId,
      key: 'vip',
      expectedRevision: 0,
      comment: '',
    });
    const deleted = await until(server, (f) => (definitions(f)?.deletedFlags.length ?? 0) > 0);
    expect(definitions(deleted)?.deletedFlags[0]?.key).toBe('vip');
    const late = await connect('server');
    sync(late, before);
    const patch = definitions(await late.next(10_000));
    expect(patch?.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(patch?.deletedFlags.map((t) => t.key)).toEqual(['vip']);
    expect(patch?.flags.map((f) => f.key).sort()).toEqual(['beta-feature', 'checkout']);
  });

  it('answers bad frames with errors and refuses bad secrets with clear close codes', async () => {
    const sdk = await connect('server');
    sdk.sendRaw(new Uint8Array([0xff, 0xff, 0xff]));
    const bad = await sdk.next();
    expect(bad.kind?.$case === 'error' && bad.kind.value.code).toBe(
      StreamErrorCode.STREAM_ERROR_CODE_MALFORMED_FRAME,
    );
    sdk.sendRaw('{"not":"protobuf"}');
    const text = await sdk.next();
    expect(text.kind?.$case === 'error' && text.kind.value.code).toBe(
      StreamErrorCode.STREAM_ERROR_CODE_MALFORMED_FRAME,
    );
    expect((await (await connect('server', els, 'no-such-secret')).closed).code).toBe(
      CloseCode.CLOSE_CODE_UNAUTHENTICATED,
    );
    expect((await (await connect('server', els, secrets.client)).closed).code).toBe(
      CloseCode.CLOSE_CODE_FORBIDDEN,
    );
  });

  it('closes a connection whose secret is revoked through the admin API with 4001', async () => {
    const { secret } = await api.clients.environments.addSecret({
      envId,
      name: 'temporary',
      kind: SecretKind.SECRET_KIND_SERVER,
    });
    const doomed = await connect('server', els, secret!.value);
    sync(doomed, 0);
    expect(definitions(await doomed.next(10_000))?.kind).toBe(SyncKind.SYNC_KIND_FULL);
    await api.clients.environments.revokeSecret({ envId, secretId: secret!.id });
    const error = await until(doomed, (f) => f.kind?.$case === 'error');
    expect(error.kind?.$case === 'error' && error.kind.value.code).toBe(
      StreamErrorCode.STREAM_ERROR_CODE_UNAUTHENTICATED,
    );
    expect((await doomed.closed).code).toBe(CloseCode.CLOSE_CODE_UNAUTHENTICATED);
  });

  it('two ELS instances both push the same change', async () => {
    const second = await startInstance();
    const other = await connect('server', second);
    sync(other, 0);
    expect(definitions(await other.next(10_000))?.kind).toBe(SyncKind.SYNC_KIND_FULL);
    const version = await toggle('checkout', true);
    const [a, b] = await Promise.all([
      until(server, (f) => flagIn(f, 'checkout')?.version === version),
      until(other, (f) => flagIn(f, 'checkout')?.version === version),
    ]);
    expect(flagIn(a, 'checkout')?.isEnabled).toBe(true);
    expect(flagIn(b, 'checkout')?.isEnabled).toBe(true);
  });

  it('reports readiness and metrics: connections, frames, consumer lag, push and change delay', async () => {
    const ready = await fetch(`http://127.0.0.1:${els.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ready\nstore: ok\ncache: ok\nfeed: joined\n');
    const text = await (await fetch(`http://127.0.0.1:${els.port}/metrics`)).text();
    const value = (line: string): number => {
      const found = text.split('\n').find((l) => l.startsWith(`${line} `));
      return found === undefined ? NaN : Number(found.slice(line.length + 1));
    };
    expect(value('vane_els_connections{kind="client"}')).toBeGreaterThanOrEqual(1);
    expect(value('vane_els_connections{kind="server"}')).toBeGreaterThanOrEqual(1);
    expect(value('vane_els_frames_in_total{kind="sync"}')).toBeGreaterThanOrEqual(2);
    expect(value('vane_els_pushes_total{kind="server"}')).toBeGreaterThanOrEqual(1);
    expect(value('vane_els_frames_out_total{kind="client"}')).toBeGreaterThanOrEqual(2);
    expect(value('vane_els_bytes_out_total{kind="server"}')).toBeGreaterThan(0);
    expect(value('vane_els_push_seconds_count{kind="client"}')).toBeGreaterThanOrEqual(1);
    expect(value('vane_els_change_delay_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('vane_els_feed_connected')).toBe(1);
    const flagTopic = topicName(TOPICS.flagChanges, prefix);
    const lags = text
      .split('\n')
      .filter((l) => l.startsWith(`vane_els_consumer_lag{topic="${flagTopic}"`))
      .map((l) => Number(l.split(' ').pop()));
    expect(lags.length).toBeGreaterThanOrEqual(1);
    expect(lags.every((lag) => lag === 0)).toBe(true);
  });

  it('publishes end users and tracked events to Kafka', async () => {
    const eventId = randomUUID();
    client.send({
      kind: {
        $case: 'track',
        value: {
          requestId: 3,
          users: [
            {
              user: undefined,
              flagEvaluations: [
                {
                  eventId,
                  timestampMs: Date.now(),
                  flagKey: 'checkout',
                  variationId: 'x',
                  sendToExperiment: false,
                  reason: '',
                },
              ],
              metrics: [],
            },
          ],
        },
      },
    });
    const ack = await until(client, (f) => f.kind?.$case === 'trackAck');
    expect(ack.kind?.$case === 'trackAck' && ack.kind.value.accepted).toBe(1);
    await expect
      .poll(
        () =>
          insights.some((e) => e.eventId === eventId) &&
          seenUsers.some((u) => u.user?.keyId === 'bob'),
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    expect(seenUsers.map((u) => [u.envId, u.user?.keyId])).toEqual(
      expect.arrayContaining([
        [envId, 'alice'],
        [envId, 'bob'],
      ]),
    );
    expect(insights.find((e) => e.eventId === eventId)).toMatchObject({ envId });
  });

  it('keeps serving and pushing while Redis is stopped, then repairs Redis: no stale result afterwards', async () => {
    let version = 0;
    try {
      execFileSync('bash', ['scripts/services.sh', 'stop', 'redis'], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      version = await toggle('checkout', false);
      const pushed = await until(server, (f) => flagIn(f, 'checkout')?.version === version);
      expect(flagIn(pushed, 'checkout')?.isEnabled).toBe(false);
      const fresh = await connect('server');
      sync(fresh, 0);
      expect(flagIn(await fresh.next(10_000), 'checkout')?.isEnabled).toBe(false);
      const ready = await fetch(`http://127.0.0.1:${els.port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toContain('cache: unavailable');
    } finally {
      execFileSync('bash', ['scripts/services.sh', 'start', 'redis'], {
        cwd: ROOT,
        stdio: 'ignore',
      });
    }
    // ELS repairs its Redis copy by itself once Redis answers again.
    const cache = new RedisFlagCache(redis, { keyPrefix });
    await expect
      .poll(
        async () => {
          const entry = await cache
            .read(envId)
            .then((env) => env?.entries.find((e) => e.type === 'flag' && e.flag.key === 'checkout'))
            .catch(() => undefined);
          return entry?.type === 'flag' ? entry.flag.version : undefined;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(version);
    const third = await startInstance();
    const sdk = await connect('server', third);
    sync(sdk, 0);
    expect(flagIn(await sdk.next(10_000), 'checkout')).toMatchObject({ isEnabled: false, version });
  });

  it('catches up from the store after a restart: a change made while ELS was down reaches the SDK', async () => {
    const own = `${keyPrefix}restart:`;
    const first = await startInstance({ keyPrefix: own, catchUpIntervalMs: 600_000 });
    const sdk = await connect('server', first);
    sync(sdk, 0);
    const held = definitions(await sdk.next(10_000))!.version;
    await sdk.close();
    await first.stop();
    const version = await toggle('checkout', true);
    // The new instance reads its stale Redis copy, then catches up from MongoDB.
    const restarted = await startInstance({ keyPrefix: own, catchUpIntervalMs: 600_000 });
    const again = await connect('server', restarted);
    sync(again, held);
    const patch = definitions(await again.next(10_000));
    expect(patch?.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(patch?.flags.map((f) => [f.key, f.version, f.isEnabled])).toEqual([
      ['checkout', version, true],
    ]);
  });

  it('catches up periodically when the feed delivers nothing (lag or outage)', async () => {
    const deaf = await startInstance({
      keyPrefix: `${keyPrefix}deaf:`,
      topicPrefix: `${name}-nowhere.`,
      catchUpIntervalMs: 500,
    });
    const sdk = await connect('server', deaf);
    sync(sdk, 0);
    expect(definitions(await sdk.next(10_000))?.kind).toBe(SyncKind.SYNC_KIND_FULL);
    const version = await toggle('checkout', false);
    const pushed = await until(sdk, (f) => flagIn(f, 'checkout')?.version === version);
    expect(flagIn(pushed, 'checkout')?.isEnabled).toBe(false);
  });

  it('pushes changes again after the API server restarts', async () => {
    await api.restart();
    const version = await toggle('checkout', true);
    const pushed = await until(server, (f) => flagIn(f, 'checkout')?.version === version);
    expect(flagIn(pushed, 'checkout')?.isEnabled).toBe(true);
  });

  it('delivers a change made while Kafka is stopped (from the store), and rejoins Kafka afterwards', async () => {
    const kafkaCtl = (command: 'stop' | 'start'): void => {
      execFileSync('bash', ['scripts/services.sh', command, 'kafka'], {
        cwd: ROOT,
        stdio: 'ignore',
      });
    };
    const readyz = async (): Promise<string> =>
      fetch(`http://127.0.0.1:${els.port}/readyz`).then(
        (r) => r.text(),
        () => '',
      );
    try {
      kafkaCtl('stop');
      const version = await toggle('checkout', false);
      const pushed = await until(server, (f) => flagIn(f, 'checkout')?.version === version, 30_000);
      expect(flagIn(pushed, 'checkout')?.isEnabled).toBe(false);
    } finally {
      kafkaCtl('start');
    }
    await expect.poll(readyz, { timeout: 90_000, interval: 500 }).toContain('feed: joined');
    const version = await toggle('checkout', true);
    const pushed = await until(server, (f) => flagIn(f, 'checkout')?.version === version, 30_000);
    expect(flagIn(pushed, 'checkout')?.isEnabled).toBe(true);
  }, 180_000);
});
