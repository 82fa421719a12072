// The one-process platform switched onto real servers (what `npm start -- --mongo-url …
// --kafka-brokers … --clickhouse-url … --redis-url …` does): definitions in MongoDB, changes and
// insights through Kafka, insights stored in ClickHouse, ELS's cache in Redis. A flag reaches an
// SDK through the edge, a toggle arrives as a PATCH through Kafka, a tracked evaluation shows up in
// the insights, and after a restart on an empty data folder the flag is still there (MongoDB).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import {
  EnvironmentServiceDefinition,
  SecretKind,
} from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { ClientFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import { TrackRequest } from '@vane/gen/node/vane/sync/v1/track';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';
import { StreamClient } from './testing/stream-client.js';

const servers = testServers();
const name = uniqueTestName('embedded_real');
const mongo = new MongoClient(servers.mongoUrl);
const clickhouse = createClient({ url: servers.clickhouseUrl });
const kafka = new Kafka({
  clientId: name,
  brokers: [...servers.kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const redis = new Redis(servers.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const redisPrefix = `${name}:`;
const dirs: string[] = [];

afterAll(async () => {
  await mongo
    .db(name)
    .dropDatabase()
    .catch(() => undefined);
  await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${name}` }).catch(() => undefined);
  const keys = await redis.keys(`${redisPrefix}*`).catch(() => []);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await mongo.close();
  await clickhouse.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function start() {
  const dataDir = await mkdtemp(join(tmpdir(), 'vane-embedded-real-'));
  dirs.push(dataDir);
  const config = {
    ...loadEmbeddedConfig({
      VANE_DATA_DIR: dataDir,
      VANE_TOPIC_PREFIX: `${name}.`,
      VANE_CLICKHOUSE_DATABASE: name,
      VANE_BOOTSTRAP_TOKEN: `vane_${name}_owner_token_0123456789`,
      VANE_REDIS_KEY_PREFIX: redisPrefix,
    }),
    apiGrpcPort: 0,
    apiHttpPort: 0,
    analyticsGrpcPort: 0,
    analyticsHttpPort: 0,
    elsPort: 0,
    edgePort: 0,
  };
  return startEmbedded(config, pino({ level: 'silent' }), () => {}, {
    mongo: mongo.db(name),
    kafka,
    clickhouse,
    redis,
  });
}

describe('embedded Vane on real servers', () => {
  it('runs on MongoDB, Kafka, ClickHouse and Redis and keeps data in MongoDB', async () => {
    await mongo.connect();
    let vane = await start();
    expect(vane.adapters.store).toMatch(/MongoDB/);
    expect(vane.adapters.bus).toMatch(/Kafka/);
    expect(vane.adapters.analytics).toMatch(/ClickHouse/);
    expect(vane.adapters.cache).toMatch(/Redis/);
    const token = vane.ownerToken!;
    let admin = vaneChannel(vane.urls.adminGrpc);
    const projects = createVaneClient(ProjectServiceDefinition, admin, { token });
    const envs = createVaneClient(EnvironmentServiceDefinition, admin, { token });
    let flags = createVaneClient(FeatureFlagServiceDefinition, admin, { token });
    const { project } = await projects.createProject({
      key: 'real',
      name: 'Real',
      description: '',
    });
    const { environment } = await envs.createEnvironment({
      projectId: project!.id,
      key: 'prod',
      name: 'Prod',
      description: '',
    });
    const envId = environment!.id;
    const secret = (kind: SecretKind) => environment!.secrets.find((s) => s.kind === kind)!.value;
    await flags.createFeatureFlag({
      envId,
      comment: '',
      flag: FeatureFlag.fromPartial({
        key: 'checkout',
        name: 'Checkout',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
      }),
    });

    const server = await StreamClient.connect(
      vane.urls.edgeSdkStream,
      'server',
      secret(SecretKind.SECRET_KIND_SERVER),
    );
    const full = await server.sync();
    expect(full.kind).toBe(SyncKind.SYNC_KIND_FULL);
    expect(
      full.payload?.$case === 'definitions' && full.payload.value.flags.map((f) => f.key),
    ).toEqual(['checkout']);
    await flags.toggleFeatureFlag({
      envId,
      key: 'checkout',
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    const patch = await server.nextSync(30_000);
    expect(patch.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(
      patch.payload?.$case === 'definitions' &&
        patch.payload.value.flags.map((f) => [f.key, f.isEnabled]),
    ).toEqual([['checkout', true]]);
    await server.close();
    // ELS cached the environment's definitions in Redis.
    expect(await redis.keys(`${redisPrefix}env:{${envId}}:*`)).not.toHaveLength(0);

    // A tracked evaluation travels ELS → Kafka → analytics → ClickHouse → admin API.
    const client = await StreamClient.connect(
      vane.urls.edgeSdkStream,
      'client',
      secret(SecretKind.SECRET_KIND_CLIENT),
    );
    const user = { keyId: 'bo', name: 'Bo', customProperties: [] };
    const evaluated = await client.sync(user);
    const evals = evaluated.payload?.$case === 'evaluations' ? evaluated.payload.value.flags : [];
    expect(evals.map((e) => [e.flagKey, e.value])).toEqual([['checkout', 'true']]);
    client.send(
      ClientFrame.fromPartial({
        kind: {
          $case: 'track',
          value: TrackRequest.fromPartial({
            requestId: 9,
            users: [
              {
                user,
                metrics: [],
                flagEvaluations: [
                  {
                    eventId: '',
                    timestampMs: Date.now(),
                    flagKey: 'checkout',
                    variationId: evals[0]!.variationId,
                    sendToExperiment: true,
                    reason: 'fallthrough',
                  },
                ],
              },
            ],
          }),
        },
      }),
    );
    await client.close();
    await expect
      .poll(
        async () =>
          JSON.stringify(
            (
              await flags.getFeatureFlagInsights({
                envId,
                key: 'checkout',
                interval: BucketInterval.BUCKET_INTERVAL_HOUR,
                timeRange: {
                  startTime: new Date(Date.now() - 3_600_000),
                  endTime: new Date(Date.now() + 60_000),
                },
              })
            ).insights,
          ),
        { timeout: 30_000, interval: 250 },
      )
      .toContain(evals[0]!.variationId);
    admin.close();
    await vane.stop();

    // A new, empty data folder: the flag comes back from MongoDB.
    vane = await start();
    admin = vaneChannel(vane.urls.adminGrpc);
    flags = createVaneClient(FeatureFlagServiceDefinition, admin, { token });
    const { flag } = await flags.getFeatureFlag({ envId, key: 'checkout' });
    expect(flag?.isEnabled).toBe(true);
    admin.close();
    await vane.stop();
  });
});
