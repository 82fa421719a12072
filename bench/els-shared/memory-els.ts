// ELS in this process on its in-memory adapters (MemoryEnvironmentSource, MemoryBroker change
// feed), with one environment, and the frames the benches send or compare against.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import type { EndUser, FeatureFlag } from '@vane/core';
import { MemoryChangeFeed, MemoryEnvironmentSource, startEls } from '@vane/els';
import type { RunningEls } from '@vane/els';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import type { FeatureFlag as ProtoFlag } from '@vane/gen/node/vane/model/v1/flag';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
// Not exported by @vane/els's index: the core → proto mapping ELS itself uses for definitions.
import { flagToProto } from '@vane/core/proto';
import type { BenchFlag, BenchSegment } from './environment-data.js';

/** The bench environment's id and secrets. */
export const BENCH_ENV = {
  id: 'bench-env',
  server: 'bench-server-secret',
  client: 'bench-client-secret',
} as const;

/** The subprotocols an SDK of `kind` offers for the bench environment. */
export function protocolsFor(kind: 'server' | 'client'): string[] {
  return ['vane.sync.v1', `vane.secret.${BENCH_ENV[kind]}`];
}

/** A running in-memory ELS. */
export interface MemoryEls {
  readonly els: RunningEls;
  readonly url: (kind: 'server' | 'client') => string;
  /** Publishes a change of `flag` (as a FlagChanged on the change topic) with a new version. */
  publishFlag(flag: FeatureFlag): number;
  stop(): Promise<void>;
}

/** Starts ELS on port 0 with the flags and segments in the bench environment. */
export async function startMemoryEls(
  flags: readonly BenchFlag[],
  segments: readonly BenchSegment[],
): Promise<MemoryEls> {
  const source = new MemoryEnvironmentSource();
  source.putSecret(BENCH_ENV.server, { envId: BENCH_ENV.id, kind: 'server' });
  source.putSecret(BENCH_ENV.client, { envId: BENCH_ENV.id, kind: 'client' });
  for (const f of flags) source.putFlag(BENCH_ENV.id, f);
  for (const s of segments) source.putSegment(BENCH_ENV.id, s);
  const broker = new MemoryBroker();
  const els = await startEls(
    { source, feed: new MemoryChangeFeed(broker), logger: pino({ level: 'warn' }) },
    { port: 0, idleTimeoutMs: 30 * 60_000, maxConnections: 100_000 },
  );
  let last = 0;
  return {
    els,
    url: (kind) => `ws://127.0.0.1:${els.port}/sdk/v1/stream?kind=${kind}`,
    publishFlag: (flag) => {
      const version = Math.max(Date.now(), last + 1);
      last = version;
      const value = FlagChanged.encode({
        eventId: randomUUID(),
        envId: BENCH_ENV.id,
        version,
        change: { $case: 'flag', value: { ...toProto(flag), version } },
      }).finish();
      broker.publish(topicName(TOPICS.flagChanges), [{ key: BENCH_ENV.id, value }]);
      return version;
    },
    stop: () => els.stop(),
  };
}

/** The proto definition of a core flag, as ELS sends it. */
export function toProto(flag: FeatureFlag): ProtoFlag {
  return flagToProto(flag);
}

/** A server PATCH push holding one flag: what ELS sends to every server SDK for a flag change. */
export function patchFrame(flag: FeatureFlag, version: number): Uint8Array {
  return ServerFrame.encode({
    kind: {
      $case: 'sync',
      value: {
        requestId: 0,
        kind: SyncKind.SYNC_KIND_PATCH,
        version,
        payload: {
          $case: 'definitions',
          value: {
            flags: [{ ...toProto(flag), version }],
            segments: [],
            deletedFlags: [],
            deletedSegments: [],
          },
        },
      },
    },
  }).finish();
}

/** A sync request (version 0), base64, as the load generator sends it; with a user for clients. */
export function syncRequest(user?: EndUser): string {
  const bytes = ClientFrame.encode({
    kind: {
      $case: 'sync',
      value: {
        requestId: 1,
        version: 0,
        ...(user
          ? {
              user: {
                keyId: user.keyId,
                name: user.name ?? '',
                customProperties: (user.customizedProperties ?? []).map((p) => ({
                  name: p.name,
                  value: p.value ?? '',
                })),
              },
            }
          : {}),
      },
    },
  }).finish();
  return Buffer.from(bytes).toString('base64');
}

/** A reply of exactly `size` bytes (a valid ServerFrame: a sync response padded with a flag). */
export function paddedReply(size: number): Uint8Array {
  const frame = (pad: number): Uint8Array =>
    ServerFrame.encode({
      kind: {
        $case: 'sync',
        value: {
          requestId: 1,
          kind: SyncKind.SYNC_KIND_FULL,
          version: 1,
          payload: {
            $case: 'evaluations',
            value: { userKeyId: 'x'.repeat(pad), flags: [], deletedFlags: [] },
          },
        },
      },
    }).finish();
  let pad = size;
  while (frame(pad).length > size && pad > 0) pad -= 1;
  return frame(pad);
}
