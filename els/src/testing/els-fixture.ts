// A fresh ELS on port 0 over in-memory adapters, with one environment, for unit tests.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { vi } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import type { FeatureFlag, Segment } from '@vane/core';
import { FlagChanged, SegmentChanged } from '@vane/gen/node/vane/events/v1/changes';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { MemoryEnvironmentSource } from '../environments/memory-environment-source.js';
import { startEls } from '../els-server.js';
import type { ElsOptions, RunningEls } from '../els-server.js';
import type { FlagCache } from '../cache/flag-cache.js';
import { flagToProto, segmentToProto } from '@vane/core/proto';
import { MemoryChangeFeed } from '../sync/change-feed.js';
import { TestSdk } from './test-sdk.js';

/** The fixture environment's id and secrets. */
export const ENV = { id: 'env-1', server: 'server-secret-1', client: 'client-secret-1' } as const;

/** A flag served `on` to members of segment `seg-1` and `off` to everyone else. */
export function segmentFlag(version: number): FeatureFlag & { version: number } {
  const base = sampleFlag('flag-seg', 'seg-gated', version);
  return {
    ...base,
    rules: [
      {
        id: 'r1',
        name: 'members',
        includedInExpt: true,
        conditions: [{ property: 'User is in segment', op: null, value: '["seg-1"]' }],
        variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
      },
    ],
    fallthrough: {
      includedInExpt: true,
      variations: [{ id: 'off', rollout: [0, 1], exptRollout: 1 }],
    },
  };
}

/** A running ELS with its in-memory source and broker. */
export interface ElsFixture {
  readonly els: RunningEls;
  readonly source: MemoryEnvironmentSource;
  readonly broker: MemoryBroker;
  connect(kind: 'server' | 'client', secret?: string, protocols?: string[]): Promise<TestSdk>;
  publishFlag(
    version: number,
    flag: FeatureFlag | undefined,
    deleted?: { id: string; key: string },
  ): void;
  publishSegment(version: number, segment: Segment, affectedFlagIds: string[]): void;
  /**
   * Closes the SDKs opened with `connect`, checks that ELS then has no connection open (a test
   * that opens one must close it: a leak fails here, not in a later test), and stops ELS.
   */
  stop(): Promise<void>;
}

let eventCounter = 0;

/** The open connections that ELS counts in its `vane_els_connections` gauge (every kind). */
async function openConnections(registry: Registry): Promise<number> {
  const gauge = await registry.getSingleMetric('vane_els_connections')?.get();
  return (gauge?.values ?? []).reduce((n, v) => n + v.value, 0);
}

/** Starts ELS with flags `always-on` (v10), `seg-gated` (v11) and segment `seg-1` = [alice] (v12). */
export async function startElsFixture(
  options: Partial<ElsOptions> & { cache?: FlagCache } = {},
): Promise<ElsFixture> {
  const { cache, ...elsOptions } = options;
  const source = new MemoryEnvironmentSource();
  source.putSecret(ENV.server, { envId: ENV.id, kind: 'server' });
  source.putSecret(ENV.client, { envId: ENV.id, kind: 'client' });
  source.putFlag(ENV.id, sampleFlag('flag-on', 'always-on', 10));
  source.putFlag(ENV.id, segmentFlag(11));
  source.putSegment(ENV.id, sampleSegment('seg-1', 12, ['alice']));
  const broker = new MemoryBroker();
  const metricsRegistry = new Registry();
  const els = await startEls(
    {
      source,
      metricsRegistry,
      feed: new MemoryChangeFeed(broker),
      logger: pino({ level: 'silent' }),
      ...(cache ? { cache } : {}),
    },
    { ...elsOptions, port: 0 },
  );
  const sdks: TestSdk[] = [];
  return {
    els,
    source,
    broker,
    connect: async (kind, secret, protocols) => {
      const sdk = await TestSdk.connect(els.port, kind, secret ?? ENV[kind], protocols);
      sdks.push(sdk);
      return sdk;
    },
    publishFlag: (version, flag, deleted) => {
      const change: FlagChanged['change'] =
        flag !== undefined
          ? { $case: 'flag', value: flagToProto({ ...flag, version }) }
          : {
              $case: 'deleted',
              value: { id: deleted?.id ?? '', key: deleted?.key ?? '', version },
            };
      const value = FlagChanged.encode({
        eventId: `e${++eventCounter}`,
        envId: ENV.id,
        version,
        change,
      }).finish();
      broker.publish(topicName(TOPICS.flagChanges), [{ key: ENV.id, value }]);
    },
    publishSegment: (version, segment, affectedFlagIds) => {
      const value = SegmentChanged.encode({
        eventId: `e${++eventCounter}`,
        envId: ENV.id,
        version,
        change: { $case: 'segment', value: segmentToProto({ ...segment, version }) },
        affectedFlagIds,
      }).finish();
      broker.publish(topicName(TOPICS.segmentChanges), [{ key: ENV.id, value }]);
    },
    stop: async () => {
      await Promise.all(sdks.map((s) => s.close()));
      try {
        // Closing is asynchronous on the server side too: wait for the count, then judge.
        await vi.waitFor(
          async () => {
            const open = await openConnections(metricsRegistry);
            if (open > 0) throw new Error(`${open} SDK connection(s) left open at teardown`);
          },
          { timeout: 2_000, interval: 20 },
        );
      } finally {
        await els.stop();
      }
    },
  };
}
