// Test fixture: an api-server on port 0 over real FerretDB and Kafka (from the test rig), with a
// unique database and topic prefix per test file, admin clients, and a Kafka change collector.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { vi } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { testServers } from '@vane/scripts/rig';
import { AccessTokenServiceDefinition } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { AuditLogServiceDefinition } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import { EndUserServiceDefinition } from '@vane/gen/node/vane/admin/v1/end_user_service';
import { ExperimentServiceDefinition } from '@vane/gen/node/vane/admin/v1/experiment_service';
import { MetricServiceDefinition } from '@vane/gen/node/vane/admin/v1/metric_service';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatBitImportServiceDefinition } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { SegmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/segment_service';
import type { ErrorInfo } from '@vane/gen/node/vane/common/v1/errors';
import { FlagChanged, SegmentChanged } from '@vane/gen/node/vane/events/v1/changes';
import { startApiServer } from '../api-server.js';
import type { RunningApiServer } from '../api-server.js';
import { KafkaChangePublisher, KafkaMessageSource } from '../bus/kafka-bus.js';
import { MongoDocumentStore } from '../store/mongo-document-store.js';
import { createVaneClient, vaneChannel, VaneCallError } from '@vane/grpc-client';

/** Awaits a teardown step, but gives up (with a warning) after `ms`, so one stuck step cannot hang a suite. */
async function within(ms: number, label: string, step: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`teardown: ${label} did not finish in ${ms} ms; moving on`);
      resolve();
    }, ms);
  });
  await Promise.race([
    step.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]);
  clearTimeout(timer);
}

/** Every admin client on one channel, authenticated with one token; `close()` closes the channel. */
export function adminClients(address: string, token?: string) {
  const channel = vaneChannel(address);
  const client = <D extends Parameters<typeof createVaneClient>[0]>(definition: D) =>
    createVaneClient(definition, channel, { token });
  return {
    projects: client(ProjectServiceDefinition),
    environments: client(EnvironmentServiceDefinition),
    flags: client(FeatureFlagServiceDefinition),
    segments: client(SegmentServiceDefinition),
    tokens: client(AccessTokenServiceDefinition),
    audit: client(AuditLogServiceDefinition),
    endUsers: client(EndUserServiceDefinition),
    metrics: client(MetricServiceDefinition),
    experiments: client(ExperimentServiceDefinition),
    featbitImport: client(FeatBitImportServiceDefinition),
    close: () => channel.close(),
  };
}

/** The admin clients of one token. */
export type AdminClients = ReturnType<typeof adminClients>;

/** The status, message and structured details of a failed call (fails the test if it succeeded). */
export async function grpcError(
  call: Promise<unknown>,
): Promise<{ code: number; message: string; info: ErrorInfo | undefined }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof VaneCallError)) throw err;
    return { code: err.code, message: err.details, info: err.info };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Decoded change events seen on the Kafka change topics, in arrival order. */
export interface ChangeLog {
  readonly flags: FlagChanged[];
  readonly segments: SegmentChanged[];
}

/** The fixture of one test file. */
export interface ApiFixture {
  readonly server: RunningApiServer;
  readonly address: string;
  readonly ownerToken: string;
  readonly owner: AdminClients;
  readonly kafka: Kafka;
  readonly prefix: string;
  readonly changes: ChangeLog;
  /** Resolves once `predicate` holds for the change log (polls; fails after `ms`). */
  waitForChanges(predicate: (log: ChangeLog) => boolean, ms?: number): Promise<void>;
  /** Restarts the api-server on the same database (data survives). */
  restart(): Promise<void>;
  /**
   * Starts another api-server instance on the same database and topics, with its own MongoDB
   * client and Kafka producer (as a second process would have), authenticated as the owner.
   */
  startAnother(): Promise<{ readonly owner: AdminClients; stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** What a test file may change about its api-server. */
export interface ApiFixtureOptions {
  /** The clock of token checks (see `ApiServerOptions.now`). */
  readonly now?: () => number;
}

/** Starts an api-server on the rig's FerretDB and Kafka with fresh names. */
export async function startApiFixture(options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const servers = testServers();
  const id = randomBytes(4).toString('hex');
  const mongo = new MongoClient(servers.mongoUrl);
  await mongo.connect();
  const db = mongo.db(`vane_test_api_${id}`);
  const kafka = new Kafka({
    clientId: `test-${id}`,
    brokers: [...servers.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const prefix = `t${id}.`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      TOPICS.flagChanges,
      TOPICS.segmentChanges,
      TOPICS.endUsers,
      TOPICS.endUsersDeadLetter,
    ].map((t) => ({ topic: topicName(t, prefix), numPartitions: 1 })),
    waitForLeaders: true,
  });
  const ownerToken = `owner-${randomBytes(24).toString('base64url')}`;
  const logger = pino({ level: process.env.VANE_TEST_LOG_LEVEL ?? 'silent' });
  const publisher = new KafkaChangePublisher(kafka);
  let store = new MongoDocumentStore(db);
  const start = () =>
    startApiServer(
      {
        store,
        publisher,
        source: new KafkaMessageSource(kafka, logger),
        logger,
      },
      {
        grpcPort: 0,
        httpPort: 0,
        bootstrapToken: ownerToken,
        topicPrefix: prefix,
        relayIntervalMs: 200,
        now: options.now,
      },
    );
  let server = await start();
  let owner = adminClients(`127.0.0.1:${server.grpcPort}`, ownerToken);

  const others: (() => Promise<void>)[] = [];
  const changes: ChangeLog = { flags: [], segments: [] };
  const consumer: Consumer = kafka.consumer({ groupId: `test-${id}-changes` });
  await consumer.connect();
  await consumer.subscribe({
    topics: [topicName(TOPICS.flagChanges, prefix), topicName(TOPICS.segmentChanges, prefix)],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const value = message.value ?? Buffer.alloc(0);
      if (topic.endsWith(TOPICS.flagChanges)) changes.flags.push(FlagChanged.decode(value));
      else changes.segments.push(SegmentChanged.decode(value));
    },
  });

  const fixture: ApiFixture = {
    get server() {
      return server;
    },
    get address() {
      return `127.0.0.1:${server.grpcPort}`;
    },
    get owner() {
      return owner;
    },
    ownerToken,
    kafka,
    prefix,
    changes,
    async waitForChanges(predicate, ms = 30_000) {
      await vi.waitFor(
        () => {
          if (!predicate(changes)) throw new Error(`change events not seen within ${ms} ms`);
        },
        { timeout: ms, interval: 50 },
      );
    },
    async restart() {
      owner.close();
      await server.stop();
      await store.close();
      store = new MongoDocumentStore(db);
      server = await start();
      owner = adminClients(`127.0.0.1:${server.grpcPort}`, ownerToken);
    },
    async startAnother() {
      const otherMongo = new MongoClient(servers.mongoUrl);
      await otherMongo.connect();
      const otherStore = new MongoDocumentStore(otherMongo.db(db.databaseName));
      const otherPublisher = new KafkaChangePublisher(kafka);
      const other = await startApiServer(
        {
          store: otherStore,
          publisher: otherPublisher,
          source: new KafkaMessageSource(kafka, logger),
          logger,
        },
        {
          grpcPort: 0,
          httpPort: 0,
          bootstrapToken: ownerToken,
          topicPrefix: prefix,
          relayIntervalMs: 200,
        },
      );
      const clients = adminClients(`127.0.0.1:${other.grpcPort}`, ownerToken);
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        clients.close();
        await within(15_000, 'second api-server stop', other.stop());
        await within(15_000, 'second store close', otherStore.close());
        await within(15_000, 'second producer close', otherPublisher.close());
        await otherMongo.close();
      };
      others.push(stop);
      return { owner: clients, stop };
    },
    async close() {
      await Promise.all(others.map((stop) => stop()));
      owner.close();
      await within(15_000, 'api-server stop', server.stop());
      await within(15_000, 'store close', store.close());
      await within(15_000, 'consumer disconnect', consumer.disconnect());
      await within(15_000, 'producer close', publisher.close());
      await within(
        15_000,
        'topic cleanup',
        admin.deleteTopics({
          topics: [
            TOPICS.flagChanges,
            TOPICS.segmentChanges,
            TOPICS.endUsers,
            TOPICS.endUsersDeadLetter,
          ].map((t) => topicName(t, prefix)),
        }),
      );
      await within(15_000, 'admin disconnect', admin.disconnect());
      await db.dropDatabase();
      await mongo.close();
    },
  };
  return fixture;
}
