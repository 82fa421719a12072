// The published `@featbit/node-server-sdk`, unmodified, against ELS: it connects over FeatBit's
// streaming protocol, evaluates like Vane's evaluator for hundreds of users, receives live
// changes, and its events reach Kafka (real Kafka from the rig) in Vane's own topics.
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSyncModeEnum, FbClientBuilder, UserBuilder } from '@featbit/node-server-sdk';
import type { IFbClient, IUser } from '@featbit/node-server-sdk';
import { TOPICS, compileEnvironment, topicName } from '@vane/core';
import type { EndUser } from '@vane/core';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { KafkaEventSink } from '../outbound/kafka-event-sink.js';
import {
  COMPAT_ENV,
  betaSegment,
  compatUsers,
  nextVersion,
  startCompatFixture,
} from './testing/compat-fixture.js';
import type { CompatFixture } from './testing/compat-fixture.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function sdkUser(u: EndUser): IUser {
  let b = new UserBuilder(u.keyId).name(u.name ?? '');
  for (const p of u.customizedProperties ?? []) b = b.custom(p.name, p.value ?? '');
  return b.build();
}

async function startSdk(kit: CompatFixture, options: { flushInterval?: number } = {}) {
  const client: IFbClient = new FbClientBuilder()
    .sdkKey(kit.serverSecret)
    .streamingUri(kit.url.replace('http', 'ws'))
    .eventsUri(kit.url)
    .flushInterval(options.flushInterval ?? 2000)
    .logger(silent)
    .build();
  await client.waitForInitialization();
  return client;
}

describe('@featbit/node-server-sdk against ELS (in-process)', () => {
  let kit: CompatFixture;
  let sdk: IFbClient;

  beforeAll(async () => {
    kit = await startCompatFixture();
    sdk = await startSdk(kit);
  });
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('evaluates every flag like Vane for 400 users (targets, rules, segments, rollouts)', async () => {
    const env = compileEnvironment({ flags: kit.flags, segments: [betaSegment(1)] });
    const users = compatUsers(400);
    const seen = new Map<string, Set<string>>();
    let compared = 0;
    for (const u of users) {
      for (const flag of kit.flags) {
        const expected = env.evaluate(flag.key, u);
        const detail = await sdk.stringVariationDetail(flag.key, sdkUser(u), '<default>');
        expect({ user: u.keyId, flag: flag.key, value: detail.value }).toEqual({
          user: u.keyId,
          flag: flag.key,
          value: expected.variation?.value,
        });
        compared++;
        const values = seen.get(flag.key) ?? new Set<string>();
        values.add(String(detail.value));
        seen.set(flag.key, values);
      }
    }
    expect(compared).toBe(2400);
    // The users reach every branch: both rule outcomes and all rollout shares.
    expect([...(seen.get('color') ?? [])].sort()).toEqual(['blue', 'green', 'red', 'yellow']);
    // `limit` buckets its default rule by `plan` (dispatchKey), so only some shares occur.
    expect([...(seen.get('limit') ?? [])].sort()).toEqual(['10', '100', '30.5']);
    expect([...(seen.get('beta') ?? [])].sort()).toEqual(['false', 'true']);
    expect([...(seen.get('config') ?? [])]).toHaveLength(2);
  });

  it('receives a live flag change and a live segment change', async () => {
    // FeatBit's Node SDK throws on string operators over a missing attribute (featbit.md §3.1),
    // so the user carries the attribute the segment's rule reads.
    const u = sdkUser({
      keyId: 'live-1',
      name: 'x',
      customizedProperties: [{ name: 'email', value: 'live@example.com' }],
    });
    expect(await sdk.boolVariation('simple', u, true)).toBe(true);
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.publishFlag({ ...simple, isEnabled: false });
    await expect.poll(() => sdk.boolVariation('simple', u, true)).toBe(false);
    expect(await sdk.boolVariation('beta', u, false)).toBe(false);
    kit.publishSegment(betaSegment(0, ['u-1', 'u-2', 'live-1']), ['f-beta']);
    await expect.poll(() => sdk.boolVariation('beta', u, false)).toBe(true);
    // Archive, restore, delete: the deletion arrives as an archived item with no variations;
    // this SDK ignores `isArchived`, finds nothing to serve and returns the caller's default.
    kit.publishFlag({ ...simple, isArchived: true });
    await expect
      .poll(() => sdk.boolVariationDetail('simple', u, true))
      .toMatchObject({ value: true, kind: 'Error', reason: 'malformed flag' });
    kit.publishFlag({ ...simple, isArchived: false });
    await expect.poll(() => sdk.boolVariation('simple', u, false)).toBe(true);
    kit.publishFlag(simple, true);
    await expect
      .poll(() => sdk.boolVariationDetail('simple', u, false))
      .toMatchObject({ value: false, kind: 'Error', reason: 'malformed flag' });
  });
});

describe('@featbit/node-server-sdk across an ELS restart', () => {
  let kit: CompatFixture;
  let sdk: IFbClient | undefined;

  beforeAll(async () => {
    kit = await startCompatFixture();
  });
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('reconnects and gets the change saved while ELS was down', async () => {
    sdk = await startSdk(kit);
    const u = sdkUser({ keyId: 'restart-1', name: 'r', customizedProperties: [] });
    expect(await sdk.boolVariation('simple', u, false)).toBe(true);
    await kit.stopEls();
    // The api-server saves the change (and publishes it) while no ELS runs.
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.source.putFlag(COMPAT_ENV, { ...simple, isEnabled: false, version: nextVersion() });
    await kit.startAgain();
    await expect.poll(() => sdk?.boolVariation('simple', u, true), { timeout: 15_000 }).toBe(false);
  });
});

describe('@featbit/node-server-sdk in polling mode (server/latest-all)', () => {
  let kit: CompatFixture;
  let sdk: IFbClient | undefined;

  beforeAll(async () => {
    kit = await startCompatFixture();
  });
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('initialises from latest-all and picks up a change on a later poll', async () => {
    sdk = new FbClientBuilder()
      .sdkKey(kit.serverSecret)
      .dataSyncMode(DataSyncModeEnum.POLLING)
      .pollingUri(kit.url)
      .pollingInterval(200)
      .eventsUri(kit.url)
      .disableEvents(true)
      .logger(silent)
      .build();
    await sdk.waitForInitialization();
    const u = sdkUser({ keyId: 'poll-1', name: 'p', customizedProperties: [] });
    expect(await sdk.boolVariation('simple', u, false)).toBe(true);
    const simple = kit.flags.find((f) => f.key === 'simple');
    if (!simple) throw new Error('fixture');
    kit.publishFlag({ ...simple, isEnabled: false });
    await expect.poll(() => sdk?.boolVariation('simple', u, true)).toBe(false);
    // Later polls (empty patches) keep working.
    await new Promise((resolve) => setTimeout(resolve, 600));
    kit.publishFlag(simple);
    await expect.poll(() => sdk?.boolVariation('simple', u, false)).toBe(true);
  });
});

describe('@featbit/node-server-sdk events reach Kafka', () => {
  const prefix = `${uniqueTestName('featbit_node')}.`;
  let kafka: Kafka;
  let consumer: Consumer;
  let kit: CompatFixture;
  let sdk: IFbClient | undefined;
  const insights: InsightEvent[] = [];
  const users: EndUserSeen[] = [];

  beforeAll(async () => {
    kafka = new Kafka({
      clientId: 'featbit-node-test',
      brokers: [...testServers().kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [TOPICS.insights, TOPICS.endUsers].map((t) => ({
        topic: topicName(t, prefix),
        numPartitions: 1,
      })),
    });
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: `${prefix}reader` });
    await consumer.connect();
    await consumer.subscribe({
      topics: [topicName(TOPICS.insights, prefix), topicName(TOPICS.endUsers, prefix)],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        if (!message.value) return Promise.resolve();
        if (topic.endsWith(TOPICS.insights)) insights.push(InsightEvent.decode(message.value));
        else users.push(EndUserSeen.decode(message.value));
        return Promise.resolve();
      },
    });
    const sink = new KafkaEventSink(kafka, pino({ level: 'silent' }));
    kit = await startCompatFixture({ topicPrefix: prefix }, sink);
  });

  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
    await consumer?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin
      .deleteTopics({
        topics: [topicName(TOPICS.insights, prefix), topicName(TOPICS.endUsers, prefix)],
      })
      .catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes its evaluations, metrics and users to the insight and end-user topics', async () => {
    sdk = await startSdk(kit, { flushInterval: 200 });
    const user = sdkUser({
      keyId: 'kafka-user',
      name: 'Kay',
      customizedProperties: [{ name: 'country', value: 'FR' }],
    });
    expect(await sdk.stringVariation('color', user, 'none')).toBe('blue');
    sdk.track(user, 'checkout', 3);
    await sdk.flush();
    await expect
      .poll(
        () =>
          insights.filter((e) => e.envId !== '' && e.kind?.value.userKeyId === 'kafka-user').length,
        {
          timeout: 20_000,
        },
      )
      .toBe(2);
    const evaluation = insights.find((e) => e.kind?.$case === 'flagEvaluation');
    expect(evaluation?.kind).toMatchObject({
      $case: 'flagEvaluation',
      value: {
        flagKey: 'color',
        variationId: 'blue',
        userKeyId: 'kafka-user',
      },
    });
    const metric = insights.find((e) => e.kind?.$case === 'metric');
    expect(metric?.kind).toMatchObject({
      $case: 'metric',
      value: {
        eventName: 'checkout',
        numericValue: 3,
        appType: 'NodeJS-Server-SDK',
      },
    });
    await expect
      .poll(() => users.some((u) => u.user?.keyId === 'kafka-user'), { timeout: 20_000 })
      .toBe(true);
    expect(users.find((u) => u.user?.keyId === 'kafka-user')?.user?.customProperties).toEqual([
      { name: 'country', value: 'FR' },
    ]);
  });
});
