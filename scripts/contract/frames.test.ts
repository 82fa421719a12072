// Round trips of the WebSocket frames through the generated code (imported the way services do),
// and the promise that the browser output never pulls in @grpc/grpc-js.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ClientFrame,
  CloseCode,
  ServerFrame,
  StreamErrorCode,
} from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import { VariationType, type FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import { ClientFrame as WebClientFrame } from '@vane/gen/web/vane/sync/v1/frames';

const version = 1_732_400_000_123; // ms since the epoch: needs more than 32 bits

const flag: FeatureFlag = {
  id: '0b6a3c1e-5f0e-4c1e-9a55-0d3f0c6a1b11',
  envId: 'e1',
  key: 'new-checkout',
  name: 'New checkout',
  description: '',
  tags: ['checkout'],
  variationType: VariationType.VARIATION_TYPE_BOOLEAN,
  variations: [
    { id: 'v-true', name: 'on', value: 'true' },
    { id: 'v-false', name: 'off', value: 'false' },
  ],
  isEnabled: true,
  disabledVariationId: 'v-false',
  targetUsers: [{ keyIds: ['u-1'], variationId: 'v-true' }],
  rules: [
    {
      id: 'r1',
      name: 'beta testers',
      dispatchKey: '',
      includedInExpt: true,
      conditions: [{ id: 'c1', property: 'User is in segment', op: '', value: '["s1"]' }],
      variations: [{ variationId: 'v-true', rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 }],
    },
  ],
  fallthrough: {
    dispatchKey: '',
    includedInExpt: true,
    variations: [
      { variationId: 'v-true', rolloutStart: 0, rolloutEnd: 0.5, exptRollout: 1 },
      { variationId: 'v-false', rolloutStart: 0.5, rolloutEnd: 1, exptRollout: 1 },
    ],
  },
  exptIncludeAllTargets: false,
  isArchived: false,
  prerequisites: [],
  createdAt: new Date('2024-11-23T22:00:00.123Z'),
  updatedAt: new Date('2024-11-23T22:13:20.123Z'),
  creatorId: 't1',
  updaterId: 't1',
  revision: 3,
  version,
};

describe('ClientFrame', () => {
  it('round-trips a sync request with a user', () => {
    const frame = ClientFrame.create({
      kind: {
        $case: 'sync',
        value: {
          requestId: 7,
          version,
          user: {
            keyId: 'u-1',
            name: 'Ada',
            customProperties: [{ name: 'plan', value: 'pro' }],
          },
        },
      },
    });
    const bytes = ClientFrame.encode(frame).finish();
    expect(ClientFrame.decode(bytes)).toEqual(frame);
  });

  it('round-trips a track batch', () => {
    const frame = ClientFrame.create({
      kind: {
        $case: 'track',
        value: {
          requestId: 8,
          users: [
            {
              user: { keyId: 'u-2', name: '', customProperties: [] },
              flagEvaluations: [
                {
                  eventId: '6f1c1d6e-3b1a-4c0e-8f6e-2a7d9e3c4b5a',
                  timestampMs: version,
                  flagKey: 'new-checkout',
                  variationId: 'v-true',
                  sendToExperiment: true,
                  reason: 'default',
                },
              ],
              metrics: [
                {
                  eventId: '7a2d2e7f-4c2b-4d1f-9a7f-3b8e0f4d5c6b',
                  timestampMs: version + 1,
                  eventName: 'checkout',
                  numericValue: 42.5,
                  type: 'CustomEvent',
                  route: '/cart',
                  appType: 'Vane-Node-Server-SDK',
                },
              ],
            },
          ],
        },
      },
    });
    expect(ClientFrame.decode(ClientFrame.encode(frame).finish())).toEqual(frame);
  });

  it('decodes an empty or unknown kind as undefined (UNSUPPORTED_FRAME) and throws on garbage (MALFORMED_FRAME)', () => {
    expect(ClientFrame.decode(new Uint8Array()).kind).toBeUndefined();
    // Field 99, varint 1: a frame kind from a newer SDK.
    expect(ClientFrame.decode(Uint8Array.from([0x98, 0x06, 0x01])).kind).toBeUndefined();
    const ping = ClientFrame.encode({ kind: { $case: 'ping', value: { clientTimeMs: version } } });
    const bytes = ping.finish();
    expect(() => ClientFrame.decode(bytes.subarray(0, bytes.length - 1))).toThrow();
  });

  it('encodes the same bytes from the web output', () => {
    const frame = ClientFrame.create({ kind: { $case: 'ping', value: { clientTimeMs: version } } });
    const web = WebClientFrame.create({
      kind: { $case: 'ping', value: { clientTimeMs: version } },
    });
    expect(WebClientFrame.encode(web).finish()).toEqual(ClientFrame.encode(frame).finish());
  });
});

describe('ServerFrame', () => {
  it('round-trips a server-SDK patch with definitions and tombstones', () => {
    const frame = ServerFrame.create({
      kind: {
        $case: 'sync',
        value: {
          requestId: 0,
          kind: SyncKind.SYNC_KIND_PATCH,
          version: version + 5,
          payload: {
            $case: 'definitions',
            value: {
              flags: [flag],
              segments: [],
              deletedFlags: [{ id: 'f-old', key: 'old-flag', version: version + 5 }],
              deletedSegments: [],
            },
          },
        },
      },
    });
    const decoded = ServerFrame.decode(ServerFrame.encode(frame).finish());
    expect(decoded).toEqual(frame);
    const sync = decoded.kind?.$case === 'sync' ? decoded.kind.value : undefined;
    const payload = sync?.payload?.$case === 'definitions' ? sync.payload.value : undefined;
    expect(payload?.flags[0]?.updatedAt).toEqual(new Date('2024-11-23T22:13:20.123Z'));
    expect(payload?.flags[0]?.version).toBe(version);
  });

  it('round-trips a client-SDK full sync with evaluations', () => {
    const frame = ServerFrame.create({
      kind: {
        $case: 'sync',
        value: {
          requestId: 7,
          kind: SyncKind.SYNC_KIND_FULL,
          version,
          payload: {
            $case: 'evaluations',
            value: {
              userKeyId: 'u-1',
              flags: [
                {
                  flagKey: 'new-checkout',
                  variationId: 'v-true',
                  value: 'true',
                  variationType: VariationType.VARIATION_TYPE_BOOLEAN,
                  reasonKind: EvaluationReasonKind.EVALUATION_REASON_KIND_TARGETED,
                  reason: 'targeted',
                  sendToExperiment: false,
                  version,
                },
              ],
              deletedFlags: [],
            },
          },
        },
      },
    });
    expect(ServerFrame.decode(ServerFrame.encode(frame).finish())).toEqual(frame);
  });

  it('round-trips pong, error and track ack frames', () => {
    const frames = [
      ServerFrame.create({
        kind: { $case: 'pong', value: { clientTimeMs: version, serverTimeMs: version + 3 } },
      }),
      ServerFrame.create({
        kind: {
          $case: 'error',
          value: {
            requestId: 9,
            code: StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
            message: 'too many frames',
            retryAfterMs: 1500,
            closing: false,
          },
        },
      }),
      ServerFrame.create({
        kind: {
          $case: 'trackAck',
          value: {
            requestId: 8,
            accepted: 1,
            rejected: [{ eventId: 'x', reason: 'event_id is not a UUID' }],
          },
        },
      }),
    ];
    for (const frame of frames) {
      expect(ServerFrame.decode(ServerFrame.encode(frame).finish())).toEqual(frame);
    }
  });
});

describe('CloseCode', () => {
  it('numbers each enum value as its WebSocket close code', () => {
    expect(CloseCode.CLOSE_CODE_GOING_AWAY).toBe(1001);
    expect(CloseCode.CLOSE_CODE_INTERNAL_ERROR).toBe(1011);
    expect(CloseCode.CLOSE_CODE_UNAUTHENTICATED).toBe(4001);
    expect(CloseCode.CLOSE_CODE_FORBIDDEN).toBe(4003);
    expect(CloseCode.CLOSE_CODE_TOO_MANY_MALFORMED_FRAMES).toBe(4008);
    expect(CloseCode.CLOSE_CODE_RATE_LIMITED).toBe(4029);
  });
});

describe('gen/src/web', () => {
  const web = resolve(import.meta.dirname, '../../gen/src/web');

  /** Every .ts file under a directory. */
  function files(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return files(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  }

  it('never imports @grpc/grpc-js or uses Node Buffers', () => {
    const all = files(web);
    expect(all.length).toBeGreaterThan(20);
    const offenders = all.filter((file) =>
      /@grpc\/grpc-js|\bBuffer\b/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
