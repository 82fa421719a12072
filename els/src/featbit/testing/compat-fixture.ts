// Test kit for the FeatBit and OFREP tests: an ELS on port 0 over in-memory adapters, with an
// environment whose flags exercise targets, rules, segments and rollouts, secrets in FeatBit's
// 44-character format, and helpers to publish changes and read published events.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import type { EndUser, FeatureFlag, Segment } from '@vane/core';
import { FlagChanged, SegmentChanged } from '@vane/gen/node/vane/events/v1/changes';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import type { VersionedFlag, VersionedSegment } from '../../environments/environment-source.js';
import { MemoryEnvironmentSource } from '../../environments/memory-environment-source.js';
import { startEls } from '../../els-server.js';
import type { ElsOptions, RunningEls } from '../../els-server.js';
import type { EventSink } from '../../outbound/event-sink.js';
import { MemoryEventSink } from '../../outbound/event-sink.js';
import { flagToProto, segmentToProto } from '@vane/core/proto';
import { MemoryChangeFeed } from '../../sync/change-feed.js';

// .NET's Guid.ToByteArray() (first three groups little-endian), URL-safe base64, 22 characters.
function encodeGuid(uuid: string): string {
  const b = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  const net = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
  return net.toString('base64').replace(/\//g, '_').replace(/\+/g, '-').slice(0, 22);
}

/** A secret in FeatBit's 44-character format carrying `envId` (as the api-server makes them). */
export function featbitSecret(envId: string): string {
  return encodeGuid(randomUUID()) + encodeGuid(envId);
}

/** The environment of the kit. */
export const COMPAT_ENV = randomUUID();

let clock = Date.now() - 120_000;
/** A fresh sync version, greater than every one handed out before. */
export function nextVersion(): number {
  clock = Math.max(clock + 1, Date.now());
  return clock;
}

const rollout = (id: string, a: number, b: number) => ({
  id,
  rollout: [a, b] as [number, number],
  exptRollout: 1,
});

const cond = (property: string, op: string | null, value: string) => ({ property, op, value });

/** The segment used by `beta`: u-1 and u-2 in, u-3 out, and everyone at @vane.dev. */
export function betaSegment(version: number, included = ['u-1', 'u-2']): VersionedSegment {
  return {
    id: 'seg-beta',
    key: 'beta-users',
    name: 'Beta users',
    included,
    excluded: ['u-3'],
    rules: [{ id: 'sr1', name: 'staff', conditions: [cond('email', 'EndsWith', '@vane.dev')] }],
    isArchived: false,
    version,
  };
}

const base = (id: string, key: string, version: number): VersionedFlag => ({
  id,
  key,
  name: key,
  variationType: 'boolean',
  variations: [
    { id: `${id}-on`, name: 'on', value: 'true' },
    { id: `${id}-off`, name: 'off', value: 'false' },
  ],
  isEnabled: true,
  disabledVariationId: `${id}-off`,
  targetUsers: [],
  rules: [],
  fallthrough: { includedInExpt: true, variations: [rollout(`${id}-on`, 0, 1)] },
  exptIncludeAllTargets: true,
  isArchived: false,
  version,
});

/** The kit's flags (each kind of targeting the FeatBit SDKs and OFREP must agree on). */
export function compatFlags(): VersionedFlag[] {
  const color: VersionedFlag = {
    ...base('f-color', 'color', nextVersion()),
    variationType: 'string',
    variations: [
      { id: 'blue', name: 'blue', value: 'blue' },
      { id: 'green', name: 'green', value: 'green' },
      { id: 'red', name: 'red', value: 'red' },
      { id: 'yellow', name: 'yellow', value: 'yellow' },
    ],
    disabledVariationId: 'red',
    rules: [
      {
        id: 'r-fr',
        name: 'french',
        includedInExpt: true,
        conditions: [cond('country', 'Equal', 'FR')],
        variations: [rollout('blue', 0, 1)],
      },
      {
        id: 'r-paid',
        name: 'paid plans',
        includedInExpt: true,
        conditions: [cond('plan', 'IsOneOf', '["pro","team"]'), cond('age', 'LessThan', '50')],
        variations: [rollout('green', 0, 0.3), rollout('blue', 0.3, 1)],
      },
    ],
    fallthrough: {
      includedInExpt: true,
      variations: [rollout('red', 0, 0.5), rollout('yellow', 0.5, 1)],
    },
    exptIncludeAllTargets: false,
  };
  const beta: VersionedFlag = {
    ...base('f-beta', 'beta', nextVersion()),
    targetUsers: [{ keyIds: ['u-7', 'u-8'], variationId: 'f-beta-on' }],
    rules: [
      {
        id: 'r-seg',
        name: 'beta segment',
        includedInExpt: true,
        conditions: [cond('User is in segment', null, '["seg-beta"]')],
        variations: [rollout('f-beta-on', 0, 1)],
      },
    ],
    fallthrough: { includedInExpt: true, variations: [rollout('f-beta-off', 0, 1)] },
  };
  const limit: VersionedFlag = {
    ...base('f-limit', 'limit', nextVersion()),
    variationType: 'number',
    variations: [
      { id: 'l10', name: 'ten', value: '10' },
      { id: 'l20', name: 'twenty', value: '20' },
      { id: 'l30', name: 'thirty', value: '30.5' },
      { id: 'l100', name: 'hundred', value: '100' },
    ],
    disabledVariationId: 'l10',
    rules: [
      {
        id: 'r-age',
        name: 'seniors',
        dispatchKey: 'keyId',
        includedInExpt: true,
        conditions: [
          cond('age', 'BiggerEqualThan', '55'),
          cond('User is not in segment', null, '["seg-beta"]'),
        ],
        variations: [rollout('l100', 0, 1)],
      },
    ],
    fallthrough: {
      includedInExpt: true,
      dispatchKey: 'plan',
      variations: [rollout('l10', 0, 0.2), rollout('l20', 0.2, 0.5), rollout('l30', 0.5, 1)],
    },
  };
  const config: VersionedFlag = {
    ...base('f-config', 'config', nextVersion()),
    variationType: 'json',
    variations: [
      { id: 'dark', name: 'dark', value: '{"theme":"dark","size":3}' },
      { id: 'light', name: 'light', value: '{"theme":"light","size":2}' },
    ],
    disabledVariationId: 'light',
    rules: [
      {
        id: 'r-name',
        name: 'a-names',
        includedInExpt: true,
        conditions: [cond('name', 'StartsWith', 'a'), cond('email', 'Contains', 'example')],
        variations: [rollout('light', 0, 1)],
      },
    ],
    fallthrough: { includedInExpt: true, variations: [rollout('dark', 0, 1)] },
  };
  const off: VersionedFlag = { ...base('f-off', 'killswitch', nextVersion()), isEnabled: false };
  const simple = base('f-simple', 'simple', nextVersion());
  return [color, beta, limit, config, off, simple];
}

/** `n` users with varied attributes (country, plan, age, email, name). */
export function compatUsers(n: number): EndUser[] {
  const countries = ['FR', 'DE', 'US', 'JP'];
  const plans = ['free', 'pro', 'team', 'enterprise'];
  const names = ['alice', 'bob', 'anna', 'zed', 'carol'];
  return Array.from({ length: n }, (_, i) => ({
    keyId: `u-${i}`,
    name: `${names[i % names.length]}-${i}`,
    customizedProperties: [
      { name: 'country', value: countries[i % countries.length] ?? 'US' },
      { name: 'plan', value: plans[(i * 7) % plans.length] ?? 'free' },
      { name: 'age', value: String((i * 13) % 80) },
      { name: 'email', value: i % 5 === 0 ? `u${i}@vane.dev` : `u${i}@example.com` },
    ],
  }));
}

/** A running ELS with the kit's environment. */
export interface CompatFixture {
  readonly els: RunningEls;
  /** Stops ELS (SDKs see 1001); `startAgain` starts a new one on the same port and source. */
  stopEls(): Promise<void>;
  startAgain(): Promise<void>;
  readonly url: string;
  readonly source: MemoryEnvironmentSource;
  readonly broker: MemoryBroker;
  readonly serverSecret: string;
  readonly clientSecret: string;
  readonly flags: VersionedFlag[];
  /** Publishes a flag change (as the api-server would) and returns its version. */
  publishFlag(flag: FeatureFlag, deleted?: boolean): number;
  /** Publishes a segment change and returns its version. */
  publishSegment(segment: Segment, affectedFlagIds: string[]): number;
  /** Insight events published so far (decoded). */
  insights(): InsightEvent[];
  /** End users published so far (decoded). */
  endUsers(): EndUserSeen[];
  stop(): Promise<void>;
}

let eventCounter = 0;

/** Starts the kit; `events` replaces the in-process event sink (e.g. a Kafka sink). */
export async function startCompatFixture(
  options: Partial<ElsOptions> = {},
  events?: EventSink,
): Promise<CompatFixture> {
  const source = new MemoryEnvironmentSource();
  const serverSecret = featbitSecret(COMPAT_ENV);
  const clientSecret = featbitSecret(COMPAT_ENV);
  source.putSecret(serverSecret, { envId: COMPAT_ENV, kind: 'server' });
  source.putSecret(clientSecret, { envId: COMPAT_ENV, kind: 'client' });
  const flags = compatFlags();
  for (const f of flags) source.putFlag(COMPAT_ENV, f);
  source.putSegment(COMPAT_ENV, betaSegment(nextVersion()));
  const broker = new MemoryBroker();
  const sink = events ?? new MemoryEventSink(broker);
  const start = (port: number) =>
    startEls(
      {
        source,
        feed: new MemoryChangeFeed(broker),
        logger: pino({ level: process.env.VANE_TEST_LOG ?? 'silent' }),
        events: sink,
      },
      { ...options, port },
    );
  let els = await start(0);
  const port = els.port;
  let running = true;
  const insights: InsightEvent[] = [];
  const endUsers: EndUserSeen[] = [];
  const subs = [
    broker.subscribe(
      topicName(TOPICS.insights),
      { groupId: 'compat-kit', fromBeginning: true },
      (batch) => {
        for (const r of batch) insights.push(InsightEvent.decode(r.value));
        return Promise.resolve();
      },
    ),
    broker.subscribe(
      topicName(TOPICS.endUsers),
      { groupId: 'compat-kit', fromBeginning: true },
      (batch) => {
        for (const r of batch) endUsers.push(EndUserSeen.decode(r.value));
        return Promise.resolve();
      },
    ),
  ];
  return {
    get els() {
      return els;
    },
    url: `http://127.0.0.1:${port}`,
    stopEls: async () => {
      running = false;
      await els.stop();
    },
    startAgain: async () => {
      els = await start(port);
      running = true;
    },
    source,
    broker,
    serverSecret,
    clientSecret,
    flags,
    publishFlag: (flag, deleted = false) => {
      const version = nextVersion();
      const change: FlagChanged['change'] = deleted
        ? { $case: 'deleted', value: { id: flag.id, key: flag.key, version } }
        : { $case: 'flag', value: flagToProto({ ...flag, version }) };
      const value = FlagChanged.encode({
        eventId: `fb-${++eventCounter}`,
        envId: COMPAT_ENV,
        version,
        change,
      }).finish();
      broker.publish(topicName(TOPICS.flagChanges), [{ key: COMPAT_ENV, value }]);
      return version;
    },
    publishSegment: (segment, affectedFlagIds) => {
      const version = nextVersion();
      const value = SegmentChanged.encode({
        eventId: `fb-${++eventCounter}`,
        envId: COMPAT_ENV,
        version,
        change: { $case: 'segment', value: segmentToProto({ ...segment, version }) },
        affectedFlagIds,
      }).finish();
      broker.publish(topicName(TOPICS.segmentChanges), [{ key: COMPAT_ENV, value }]);
      return version;
    },
    insights: () => insights,
    endUsers: () => endUsers,
    stop: async () => {
      if (running) await els.stop();
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
