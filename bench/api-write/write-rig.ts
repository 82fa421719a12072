// The servers of the api-write bench: an in-process api-server on the rig's FerretDB and Kafka
// (its own database and topic prefix), a raw driver collection and producer for the baseline on
// the same servers, one Kafka consumer that timestamps every change event, and the clean-up.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Collection } from 'mongodb';
import { pino } from 'pino';
import {
  KafkaChangePublisher,
  KafkaMessageSource,
  MongoDocumentStore,
  startApiServer,
} from '@vane/api-server';
import { TOPICS, topicName } from '@vane/core';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { adminClients } from '../../api-server/src/testing/api-fixture.js';
import type { AdminClients } from '../../api-server/src/testing/api-fixture.js';

/** The fields of a stored flag document that the bench reads or writes (it holds the rest too). */
export interface StoredFlag {
  _id: string;
  envId: string;
  key: string;
  revision: number;
  isEnabled: boolean;
  rules: unknown[];
  updatedAt: string;
}

/** How many commands of one name a Mongo client sent, and their summed duration. */
export interface CommandStat {
  count: number;
  ms: number;
}

/** Which part of a write sent a command; see `phaseOf`. */
export type Phase = 'caller' | 'relay' | 'background';

/**
 * The part of a write that sends a command of this shape, by what each part of the api-server
 * sends: the relay inserts audit entries, pulls change records out of outboxes (`$pull` on
 * `outbox`), scans for outboxes and purges relayed tombstones; the version counter's hint
 * (`counters` upserts, pruning `version_claims`) is written off the caller's path. Everything else
 * is on the path that the caller waits for.
 */
export function phaseOf(commandName: string, command: Record<string, unknown>): Phase {
  const target = command[commandName];
  const json = JSON.stringify(command.updates ?? command.filter ?? command.deletes ?? '');
  if (commandName === 'insert' && target === 'audit_log') return 'relay';
  if (commandName === 'update' && target === 'counters') return 'background';
  if (commandName === 'delete' && target === 'version_claims') return 'background';
  if (commandName === 'update' && json.includes('"$pull":{"outbox"')) return 'relay';
  if ((commandName === 'find' || commandName === 'aggregate') && json.includes('outbox')) {
    return 'relay';
  }
  if (commandName === 'delete' && target !== 'version_claims') return 'relay';
  return 'caller';
}

/**
 * A client that counts its commands and sums their durations into `stats`, keyed by phase,
 * command and collection (`caller: find flags`).
 */
function monitored(url: string, stats: Map<string, CommandStat>): MongoClient {
  const client = new MongoClient(url, { monitorCommands: true });
  const names = new Map<number, string>();
  client.on('commandStarted', (e) => {
    const target: unknown = e.command[e.commandName];
    const name = typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName;
    names.set(e.requestId, `${phaseOf(e.commandName, e.command)}: ${name}`);
  });
  const add = (requestId: number, ms: number, suffix = ''): void => {
    const name = `${names.get(requestId) ?? 'unknown'}${suffix}`;
    names.delete(requestId);
    const stat = stats.get(name) ?? { count: 0, ms: 0 };
    stat.count += 1;
    stat.ms += ms;
    stats.set(name, stat);
  };
  client.on('commandSucceeded', (e) => add(e.requestId, e.duration));
  client.on('commandFailed', (e) => add(e.requestId, e.duration, ' (failed)'));
  return client;
}

/** Everything a scenario needs, and the clean-up. */
export interface WriteRig {
  readonly flags: AdminClients['flags'];
  readonly envId: string;
  /** The benchmark's flags as created: boolean, off, no rules. */
  readonly created: readonly FeatureFlag[];
  /** The baseline's copies of the created flags' stored documents (same fields, same size). */
  readonly baseline: Collection<StoredFlag>;
  /** `_id`s of the baseline documents, in the order of `created`. */
  readonly baselineIds: readonly string[];
  /** A plain producer (no idempotence, no in-flight limit) for the baseline's messages. */
  readonly producer: Producer;
  readonly baselineTopic: string;
  /** When each change event was consumed (`performance.now()`), by its version, per topic. */
  readonly seen: { readonly vane: Map<number, number>; readonly baseline: Map<number, number> };
  /** Commands sent so far by the api-server's Mongo client or by the baseline's, by name. */
  commands(system: 'vane' | 'baseline'): Map<string, CommandStat>;
  /** Flag documents whose outbox still holds change records (not yet relayed). */
  pendingChanges(): Promise<number>;
  /** Failed relay passes (Kafka unavailable, say) since the api-server started. */
  relayFailures(): number;
  /** Stops the server and clients, deletes the topics, the consumer group and the database. */
  close(): Promise<void>;
}

/** Awaits a clean-up step but moves on (with a warning) after `ms`, so one stuck step cannot hang. */
async function within(ms: number, label: string, step: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`clean-up: ${label} did not finish in ${ms} ms; moving on`);
      resolve();
    }, ms);
  });
  await Promise.race([
    step().then(
      () => undefined,
      (err: unknown) => console.warn(`clean-up: ${label} failed:`, err),
    ),
    timeout,
  ]);
  clearTimeout(timer);
}

/** Runs `step`, trying again (up to 5 times, 1 s apart) while it fails, e.g. on a Kafka restart. */
async function retried(step: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await step();
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Resolves once `predicate` holds (polls every 50 ms); throws after `ms`. */
export async function waitFor(
  label: string,
  predicate: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${label}: not done within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts everything and creates a project, an environment and `flagCount` flags. */
export async function startWriteRig(flagCount: number): Promise<WriteRig> {
  const servers = testServers();
  const name = uniqueTestName('bench_api_write');
  const prefix = `${name}.`;
  const steps: [string, () => Promise<unknown>][] = [];
  const cleanUp = async (): Promise<void> => {
    for (const [label, step] of steps.reverse()) await within(15_000, label, step);
  };
  try {
    const observer = new MongoClient(servers.mongoUrl);
    await observer.connect();
    steps.push(['observer close', () => observer.close()]);
    const db = observer.db(name);
    steps.push(['drop database', () => db.dropDatabase()]);
    const stats = {
      vane: new Map<string, CommandStat>(),
      baseline: new Map<string, CommandStat>(),
    };
    const vaneMongo = monitored(servers.mongoUrl, stats.vane);
    const baseMongo = monitored(servers.mongoUrl, stats.baseline);
    await Promise.all([vaneMongo.connect(), baseMongo.connect()]);
    steps.push(['mongo clients close', () => Promise.all([vaneMongo.close(), baseMongo.close()])]);

    const kafka = new Kafka({
      clientId: `bench-${randomBytes(4).toString('hex')}`,
      brokers: [...servers.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    steps.push(['kafka admin disconnect', () => admin.disconnect()]);
    const baselineTopic = `${prefix}bench.baseline`;
    const topics = [
      ...[
        TOPICS.flagChanges,
        TOPICS.segmentChanges,
        TOPICS.endUsers,
        TOPICS.endUsersDeadLetter,
      ].map((t) => topicName(t, prefix)),
      baselineTopic,
    ];
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    steps.push(['topic deletion', () => retried(() => admin.deleteTopics({ topics }))]);

    const seen = { vane: new Map<number, number>(), baseline: new Map<number, number>() };
    const flagTopic = topicName(TOPICS.flagChanges, prefix);
    const groupId = `${name}-changes`;
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    steps.push(['consumer group deletion', () => retried(() => admin.deleteGroups([groupId]))]);
    steps.push(['consumer disconnect', () => consumer.disconnect()]);
    await consumer.subscribe({ topics: [flagTopic, baselineTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const at = performance.now();
        const { version } = FlagChanged.decode(message.value ?? Buffer.alloc(0));
        (topic === flagTopic ? seen.vane : seen.baseline).set(version, at);
      },
    });

    const producer = kafka.producer();
    await producer.connect();
    steps.push(['baseline producer disconnect', () => producer.disconnect()]);

    const token = `owner-${randomBytes(24).toString('base64url')}`;
    const logger = pino({ level: 'silent' });
    const publisher = new KafkaChangePublisher(kafka);
    steps.push(['publisher close', () => publisher.close()]);
    const server = await startApiServer(
      {
        store: new MongoDocumentStore(vaneMongo.db(name)),
        publisher,
        source: new KafkaMessageSource(kafka, logger),
        logger,
      },
      { grpcPort: 0, httpPort: 0, bootstrapToken: token, topicPrefix: prefix },
    );
    steps.push(['api-server stop', () => server.stop()]);
    const clients = adminClients(`127.0.0.1:${server.grpcPort}`, token);
    steps.push(['grpc clients close', async () => clients.close()]);

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
    const created: FeatureFlag[] = [];
    for (let i = 0; i < flagCount; i += 1) {
      const key = `bench-flag-${String(i).padStart(3, '0')}`;
      const { flag } = await clients.flags.createFeatureFlag({
        envId,
        flag: FeatureFlag.fromPartial({
          key,
          name: `Bench flag ${i}`,
          description: 'A flag of the api-write benchmark',
          tags: ['bench'],
          variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        }),
        comment: '',
      });
      created.push(flag!);
    }

    const flagDocs = db.collection<StoredFlag>('flags');
    const pendingChanges = () => flagDocs.countDocuments({ 'outbox.0': { $exists: true } });
    await waitFor('relay of the created flags', async () => (await pendingChanges()) === 0).catch(
      (err: unknown) => {
        const failures = server.relay.publishFailures;
        throw new Error(`${String(err)}; ${failures} failed relay passes (is Kafka up?)`);
      },
    );
    const stored = await flagDocs.find({ envId }).sort({ key: 1 }).toArray();
    const baselineIds = stored.map((doc) => `baseline-${doc._id}`);
    await db
      .collection<StoredFlag>('baseline_flags')
      .insertMany(stored.map((doc, i) => ({ ...doc, _id: baselineIds[i]! })));

    return {
      flags: clients.flags,
      envId,
      created,
      baseline: baseMongo.db(name).collection<StoredFlag>('baseline_flags'),
      baselineIds,
      producer,
      baselineTopic,
      seen,
      commands: (system) => new Map([...stats[system]].map(([k, v]) => [k, { ...v }])),
      pendingChanges: async () => pendingChanges(),
      relayFailures: () => server.relay.publishFailures,
      close: cleanUp,
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
