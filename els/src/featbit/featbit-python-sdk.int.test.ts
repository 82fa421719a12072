// FeatBit's published Python server SDK (fb-python-sdk 1.2.0, unmodified, in a venv made by
// scripts/python/featbit-venv.sh) against ELS: it connects over FeatBit's streaming protocol,
// evaluates like Vane's evaluator for hundreds of users, receives every kind of live change
// (toggle, rule, segment, archive, restore, hard delete), survives ELS restarts, and its events
// reach Kafka (real Kafka from the rig) in Vane's own topics.
//
// What the SDK does with a `data-sync` message (fbclient/streaming.py, data_storage.py): a
// `full` replaces its store only when its version (the newest `updatedAt` in it) is greater than
// the version it holds, else it is rejected ("could not apply data-sync message") and the status
// stays as it was; a `patch` upserts each item whose `updatedAt` is newer than the held item's;
// an item with `isArchived: true` is kept as a marker and no longer served ("flag not found").
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, compileEnvironment, topicName } from '@vane/core';
import type { EndUser, FeatureFlag } from '@vane/core';
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
import { PythonSdk, ensurePythonSdkVenv, pythonUser } from './testing/python-sdk.js';
import type { PythonSdkDetail, PythonSdkStatus, PythonUser } from './testing/python-sdk.js';

// The first run creates the venv (downloads from PyPI); later runs find it up to date.
const VENV_TIMEOUT_MS = 300_000;
const NOT_FOUND = 'flag not found';

let python: string | undefined;
async function venv(): Promise<string> {
  python ??= await ensurePythonSdkVenv(VENV_TIMEOUT_MS);
  return python;
}

/**
 * Polls `probe` until `accept` holds or `timeoutMs` passes; the failure names what was awaited,
 * the last value seen and the end of the SDK's log.
 */
async function until<T>(
  sdk: PythonSdk,
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const last = await probe();
      if (accept(last)) return last;
      throw new Error(
        `${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}\n` +
          `--- SDK log (end) ---\n${sdk.logTail(30)}`,
      );
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

const statusIs = (sdk: PythonSdk, state: PythonSdkStatus['state'], timeoutMs = 10_000) =>
  until(
    sdk,
    `status ${state}`,
    () => sdk.status(),
    (s) => s.state === state,
    timeoutMs,
  );

const servesValue = (
  sdk: PythonSdk,
  flag: string,
  user: PythonUser,
  value: unknown,
  timeoutMs = 10_000,
) =>
  until(
    sdk,
    `${flag} = ${JSON.stringify(value)} for ${user.keyId}`,
    () => sdk.detail(flag, user, '<default>'),
    (d) => JSON.stringify(d.value) === JSON.stringify(value),
    timeoutMs,
  );

const servesDefault = (sdk: PythonSdk, flag: string, user: PythonUser) =>
  until(
    sdk,
    `${flag} not served (default value, "${NOT_FOUND}")`,
    () => sdk.detail(flag, user, '<default>'),
    (d) => d.value === '<default>' && d.reason === NOT_FOUND,
  );

/** A Vane variation value as the SDK returns it (cast by the flag's type). */
function typed(flag: FeatureFlag, value: string | undefined): unknown {
  if (value === undefined) return '<default>';
  switch (flag.variationType) {
    case 'boolean':
    case 'json':
      return JSON.parse(value) as unknown;
    case 'number':
      return Number(value);
    default:
      return value;
  }
}

function kitFlag(kit: CompatFixture, key: string): FeatureFlag {
  const flag = kit.flags.find((f) => f.key === key);
  if (flag === undefined) throw new Error(`no flag ${key} in the kit`);
  return flag;
}

async function startSdk(kit: CompatFixture, flushIntervalS = 1): Promise<PythonSdk> {
  const sdk = await PythonSdk.start(await venv(), {
    secret: kit.serverSecret,
    url: kit.url,
    flushIntervalS,
  });
  await statusIs(sdk, 'OK', 15_000);
  return sdk;
}

const user = (keyId: string, props: Record<string, string> = {}): PythonUser =>
  pythonUser({
    keyId,
    name: keyId,
    customizedProperties: Object.entries(props).map(([name, value]) => ({ name, value })),
  });

describe('fb-python-sdk against ELS (in-process)', () => {
  let kit: CompatFixture;
  let sdk: PythonSdk;

  beforeAll(async () => {
    await venv();
    kit = await startCompatFixture();
    sdk = await startSdk(kit);
  }, VENV_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('is ready: status OK, initialized, holding every flag of the environment', async () => {
    expect(await sdk.status()).toEqual({ state: 'OK', error: null, initialized: true });
    expect(await sdk.flags()).toEqual(kit.flags.map((f) => f.key).sort());
  });

  it('evaluates every flag like Vane for 400 users (targets, rules, segments, rollouts)', async () => {
    const env = compileEnvironment({ flags: kit.flags, segments: [betaSegment(1)] });
    const users: EndUser[] = compatUsers(400);
    const seen = new Map<string, Set<string>>();
    let compared = 0;
    // 100 users × every flag per command: four round trips.
    for (let i = 0; i < users.length; i += 100) {
      const requests = users.slice(i, i + 100).flatMap((u) =>
        kit.flags.map((flag) => ({
          flag: flag.key,
          user: pythonUser(u),
          default: '<default>',
          expected: env.evaluate(flag.key, u),
          typedFlag: flag,
        })),
      );
      const results: PythonSdkDetail[] = await sdk.details(
        requests.map(({ flag, user, default: d }) => ({ flag, user, default: d })),
      );
      expect(results).toHaveLength(requests.length);
      requests.forEach((r, j) => {
        const got = results[j];
        expect({
          user: r.user.keyId,
          flag: r.flag,
          value: got?.value,
          variationId: got?.variationId,
        }).toEqual({
          user: r.user.keyId,
          flag: r.flag,
          value: typed(r.typedFlag, r.expected.variation?.value),
          variationId: r.expected.variation?.id ?? null,
        });
        compared++;
        const values = seen.get(r.flag) ?? new Set<string>();
        values.add(JSON.stringify(got?.value));
        seen.set(r.flag, values);
      });
    }
    expect(compared).toBe(400 * kit.flags.length);
    // The users reach every branch: both rule outcomes and all rollout shares.
    expect([...(seen.get('color') ?? [])].sort()).toEqual([
      '"blue"',
      '"green"',
      '"red"',
      '"yellow"',
    ]);
    // `limit` buckets its default rule by `plan` (dispatchKey), so only some shares occur.
    expect([...(seen.get('limit') ?? [])].sort()).toEqual(['10', '100', '30.5']);
    expect([...(seen.get('beta') ?? [])].sort()).toEqual(['false', 'true']);
    expect([...(seen.get('config') ?? [])]).toHaveLength(2);
  });

  it('receives a live toggle (off, then on again)', async () => {
    const u = user('toggle-1');
    const simple = kitFlag(kit, 'simple');
    expect((await sdk.detail('simple', u, false)).value).toBe(true);
    kit.publishFlag({ ...simple, isEnabled: false });
    await servesValue(sdk, 'simple', u, false);
    expect((await sdk.detail('simple', u, true)).reason).toBe('flag off');
    kit.publishFlag({ ...simple, isEnabled: true });
    await servesValue(sdk, 'simple', u, true);
  });

  it('receives a live rule change', async () => {
    const u = user('rule-1', { country: 'FR', plan: 'free', age: '30', email: 'r@example.com' });
    const color = kitFlag(kit, 'color');
    expect((await sdk.detail('color', u, 'none')).value).toBe('blue');
    const [fr, ...rest] = color.rules;
    if (fr === undefined) throw new Error('fixture');
    kit.publishFlag({
      ...color,
      rules: [{ ...fr, variations: [{ id: 'green', rollout: [0, 1], exptRollout: 1 }] }, ...rest],
    });
    await servesValue(sdk, 'color', u, 'green');
    expect((await sdk.detail('color', u, 'none')).reason).toBe('rule match');
  });

  it('receives a live segment membership change', async () => {
    const u = user('live-1', { email: 'live@example.com' });
    expect((await sdk.detail('beta', u, true)).value).toBe(false);
    kit.publishSegment(betaSegment(0, ['u-1', 'u-2', 'live-1']), ['f-beta']);
    await servesValue(sdk, 'beta', u, true);
    kit.publishSegment(betaSegment(0, ['u-1', 'u-2']), ['f-beta']);
    await servesValue(sdk, 'beta', u, false);
  });

  it('serves a restored flag again (archived, then unarchived with a newer version)', async () => {
    const u = user('restore-1');
    const killswitch = kitFlag(kit, 'killswitch');
    expect((await sdk.detail('killswitch', u, true)).value).toBe(false);
    kit.publishFlag({ ...killswitch, isArchived: true });
    // Restored with a change, so the value shows that the restored version arrived.
    kit.publishFlag({ ...killswitch, isArchived: false, isEnabled: true });
    await servesValue(sdk, 'killswitch', u, true);
    expect(await sdk.flags()).toContain('killswitch');
  });
});

// Expected to fail against an ELS that answers archives and deletions with a `full` instead of
// a `patch` carrying the item with `isArchived: true` and a newer `updatedAt` (as FeatBit's own
// server does): the SDK rejects a `full` that is not newer than what it holds.
describe('fb-python-sdk: archived and hard-deleted flags', () => {
  let kit: CompatFixture;
  let sdk: PythonSdk;

  beforeAll(async () => {
    kit = await startCompatFixture();
    sdk = await startSdk(kit);
  }, VENV_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('stops serving an archived flag (default value)', async () => {
    const u = user('zz-archive', { email: 'z@example.com' });
    expect((await sdk.detail('config', u, 'none')).value).toEqual({ theme: 'dark', size: 3 });
    kit.publishFlag({ ...kitFlag(kit, 'config'), isArchived: true });
    await servesDefault(sdk, 'config', u);
    expect(await sdk.flags()).not.toContain('config');
    // The rest is still served.
    expect((await sdk.detail('simple', u, false)).value).toBe(true);
  });

  it('stops serving a hard-deleted flag (default value)', async () => {
    const u = user('delete-1');
    expect((await sdk.detail('beta', u, true)).value).toBe(false);
    kit.publishFlag(kitFlag(kit, 'beta'), true);
    await servesDefault(sdk, 'beta', u);
    expect(await sdk.flags()).not.toContain('beta');
    expect((await sdk.detail('simple', u, false)).value).toBe(true);
  });
});

describe('fb-python-sdk across an ELS restart with no change', () => {
  let kit: CompatFixture;
  let sdk: PythonSdk | undefined;

  beforeAll(async () => {
    kit = await startCompatFixture();
  });
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('reconnects: status OK again and the same values', async () => {
    sdk = await startSdk(kit);
    const u = user('restart-1');
    expect((await sdk.detail('simple', u, false)).value).toBe(true);
    await kit.stopEls();
    // The SDK has seen the connection go (so OK below is a new OK, after the reconnect).
    await statusIs(sdk, 'INTERRUPTED');
    await kit.startAgain();
    await statusIs(sdk, 'OK', 15_000);
    expect((await sdk.detail('simple', u, false)).value).toBe(true);
    expect(await sdk.flags()).toEqual(kit.flags.map((f) => f.key).sort());
  });
});

describe('fb-python-sdk across an ELS restart with a change made while it was down', () => {
  let kit: CompatFixture;
  let sdk: PythonSdk | undefined;

  beforeAll(async () => {
    kit = await startCompatFixture();
  });
  afterAll(async () => {
    await sdk?.close();
    await kit?.stop();
  });

  it('reconnects and gets the change saved while ELS was down', async () => {
    sdk = await startSdk(kit);
    const u = user('restart-2');
    expect((await sdk.detail('simple', u, false)).value).toBe(true);
    await kit.stopEls();
    await statusIs(sdk, 'INTERRUPTED');
    // The api-server saves the change (and publishes it) while no ELS runs.
    kit.source.putFlag(COMPAT_ENV, {
      ...kitFlag(kit, 'simple'),
      isEnabled: false,
      version: nextVersion(),
    });
    await kit.startAgain();
    await servesValue(sdk, 'simple', u, false, 15_000);
    await statusIs(sdk, 'OK', 15_000);
  });
});

describe('fb-python-sdk events reach Kafka', () => {
  const prefix = `${uniqueTestName('featbit_python')}.`;
  let kafka: Kafka;
  let consumer: Consumer;
  let kit: CompatFixture;
  let sdk: PythonSdk | undefined;
  const insights: InsightEvent[] = [];
  const users: EndUserSeen[] = [];

  beforeAll(async () => {
    await venv();
    kafka = new Kafka({
      clientId: 'featbit-python-test',
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
  }, VENV_TIMEOUT_MS + 60_000);

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

  it('publishes its evaluations, metrics and identified users to the insight and end-user topics', async () => {
    const s = await startSdk(kit, 0.2);
    sdk = s;
    const u = user('kafka-user', { country: 'FR' });
    expect((await s.detail('color', u, 'none')).value).toBe('blue');
    await s.track(u, 'checkout', 3);
    await s.identify(user('identify-user', { plan: 'team' }));
    await s.flush();
    const mine = () =>
      insights.filter((e) => e.envId !== '' && e.kind?.value.userKeyId === 'kafka-user');
    await until(
      s,
      'an evaluation and a metric of kafka-user in Kafka',
      () => Promise.resolve(mine().length),
      (n) => n >= 2,
      20_000,
    );
    expect(mine()).toHaveLength(2);
    const evaluation = mine().find((e) => e.kind?.$case === 'flagEvaluation');
    expect(evaluation?.kind).toMatchObject({
      $case: 'flagEvaluation',
      value: { flagKey: 'color', variationId: 'blue', userKeyId: 'kafka-user' },
    });
    const metric = mine().find((e) => e.kind?.$case === 'metric');
    expect(metric?.kind).toMatchObject({
      $case: 'metric',
      value: { eventName: 'checkout', numericValue: 3, appType: 'pythonserverside' },
    });
    const seen = (keyId: string) => users.find((e) => e.user?.keyId === keyId);
    await until(
      s,
      'kafka-user and identify-user in the end-user topic',
      () => Promise.resolve([seen('kafka-user'), seen('identify-user')]),
      (found) => found.every((f) => f !== undefined),
      20_000,
    );
    expect(seen('kafka-user')?.user?.customProperties).toEqual([{ name: 'country', value: 'FR' }]);
    expect(seen('identify-user')?.user).toMatchObject({
      keyId: 'identify-user',
      name: 'identify-user',
      customProperties: [{ name: 'plan', value: 'team' }],
    });
  });
});
