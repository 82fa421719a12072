// The hand-written client codec against the generated (ts-proto, `gen/src/web`) codecs, both ways:
// what the SDK encodes decodes with the generated ClientFrame to the same message (and the same
// bytes), and what the generated ServerFrame encodes decodes with the SDK to the same values.
import { describe, expect, it } from 'vitest';
import { ClientFrame, ServerFrame, StreamErrorCode } from '@vane/gen/web/vane/sync/v1/frames';
import { EvaluationReasonKind } from '@vane/gen/web/vane/model/v1/evaluation';
import { VariationType } from '@vane/gen/web/vane/model/v1/flag';
import { SyncKind } from '@vane/gen/web/vane/sync/v1/sync';
import { decodeServerFrame, encodeClientFrame } from './wire.js';
import type { WireClientFrame } from './wire.js';

const user = {
  keyId: 'user-é-🚀',
  name: 'Zoë',
  customProperties: [
    { name: 'plan', value: 'pro' },
    { name: 'empty', value: '' },
  ],
};
const bigVersion = 1_764_000_000_123; // > 2^32: exercises multi-byte 64-bit varints

const clientFrames: [string, WireClientFrame, ClientFrame][] = [
  [
    'sync',
    { sync: { requestId: 1, version: bigVersion, user } },
    { kind: { $case: 'sync', value: { requestId: 1, version: bigVersion, user } } },
  ],
  [
    'sync for version 0',
    { sync: { requestId: 4_294_967_295, version: 0, user: { keyId: 'u' } } },
    {
      kind: {
        $case: 'sync',
        value: {
          requestId: 4_294_967_295,
          version: 0,
          user: { keyId: 'u', name: '', customProperties: [] },
        },
      },
    },
  ],
  [
    'identify',
    { identify: { requestId: 300, user, version: 2 ** 53 - 1 } },
    { kind: { $case: 'identify', value: { requestId: 300, user, version: 2 ** 53 - 1 } } },
  ],
  [
    'track',
    {
      track: {
        requestId: 9,
        users: [
          {
            user,
            flagEvaluations: [
              {
                eventId: '3f1c7c8e-52a4-4b3e-9c1e-0a4f7a1b2c3d',
                timestampMs: bigVersion,
                flagKey: 'dark-mode',
                variationId: 'on',
                sendToExperiment: true,
                reason: 'rule 1',
              },
            ],
            metrics: [
              {
                eventId: 'a',
                timestampMs: 5,
                eventName: 'checkout',
                numericValue: -12.75,
                type: 'CustomEvent',
                route: '/cart',
                appType: 'Vane-Browser-Client-SDK',
              },
            ],
          },
          { flagEvaluations: [], metrics: [] },
        ],
      },
    },
    {
      kind: {
        $case: 'track',
        value: {
          requestId: 9,
          users: [
            {
              user,
              flagEvaluations: [
                {
                  eventId: '3f1c7c8e-52a4-4b3e-9c1e-0a4f7a1b2c3d',
                  timestampMs: bigVersion,
                  flagKey: 'dark-mode',
                  variationId: 'on',
                  sendToExperiment: true,
                  reason: 'rule 1',
                },
              ],
              metrics: [
                {
                  eventId: 'a',
                  timestampMs: 5,
                  eventName: 'checkout',
                  numericValue: -12.75,
                  type: 'CustomEvent',
                  route: '/cart',
                  appType: 'Vane-Browser-Client-SDK',
                },
              ],
            },
            { user: undefined, flagEvaluations: [], metrics: [] },
          ],
        },
      },
    },
  ],
  [
    'ping',
    { ping: { clientTimeMs: bigVersion } },
    { kind: { $case: 'ping', value: { clientTimeMs: bigVersion } } },
  ],
];

describe('client wire codec: ClientFrame', () => {
  for (const [name, wire, generated] of clientFrames) {
    it(`encodes ${name} as the generated encoder does`, () => {
      const ours = encodeClientFrame(wire);
      expect(ClientFrame.decode(ours)).toEqual(ClientFrame.fromPartial(generated));
      expect([...ours]).toEqual([
        ...ClientFrame.encode(ClientFrame.fromPartial(generated)).finish(),
      ]);
    });
  }
});

describe('client wire codec: ServerFrame', () => {
  it('decodes a generated evaluations sync (FULL and PATCH with tombstones)', () => {
    const flags = [
      {
        flagKey: 'dark-mode',
        variationId: 'on',
        value: 'true',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        reasonKind: EvaluationReasonKind.EVALUATION_REASON_KIND_RULE_MATCH,
        reason: 'beta users ✓',
        sendToExperiment: true,
        version: bigVersion,
      },
      {
        flagKey: 'empty',
        variationId: '',
        value: '',
        variationType: VariationType.VARIATION_TYPE_UNSPECIFIED,
        reasonKind: EvaluationReasonKind.EVALUATION_REASON_KIND_UNSPECIFIED,
        reason: '',
        sendToExperiment: false,
        version: 0,
      },
    ];
    const deletedFlags = [{ id: 'f9', key: 'gone', version: bigVersion + 1 }];
    const bytes = ServerFrame.encode(
      ServerFrame.fromPartial({
        kind: {
          $case: 'sync',
          value: {
            requestId: 7,
            kind: SyncKind.SYNC_KIND_PATCH,
            version: bigVersion + 1,
            payload: {
              $case: 'evaluations',
              value: { userKeyId: user.keyId, flags, deletedFlags },
            },
          },
        },
      }),
    ).finish();
    expect(decodeServerFrame(bytes)).toEqual({
      sync: {
        requestId: 7,
        kind: SyncKind.SYNC_KIND_PATCH,
        version: bigVersion + 1,
        evaluations: { userKeyId: user.keyId, flags, deletedFlags },
      },
    });
  });

  it('decodes pong, error and track ack', () => {
    const pong = ServerFrame.encode({
      kind: { $case: 'pong', value: { clientTimeMs: bigVersion, serverTimeMs: bigVersion + 3 } },
    }).finish();
    expect(decodeServerFrame(pong)).toEqual({
      pong: { clientTimeMs: bigVersion, serverTimeMs: bigVersion + 3 },
    });
    const error = ServerFrame.encode({
      kind: {
        $case: 'error',
        value: {
          requestId: 3,
          code: StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
          message: 'slow down',
          retryAfterMs: 1500,
          closing: true,
        },
      },
    }).finish();
    expect(decodeServerFrame(error)).toEqual({
      error: { requestId: 3, code: 7, message: 'slow down', retryAfterMs: 1500, closing: true },
    });
    const ack = ServerFrame.encode({
      kind: {
        $case: 'trackAck',
        value: { requestId: 9, accepted: 2, rejected: [{ eventId: 'x', reason: 'not a UUID' }] },
      },
    }).finish();
    expect(decodeServerFrame(ack)).toEqual({
      trackAck: { requestId: 9, accepted: 2, rejected: [{ eventId: 'x', reason: 'not a UUID' }] },
    });
  });

  it('skips fields it does not know (definitions payload, future fields)', () => {
    const bytes = ServerFrame.encode({
      kind: {
        $case: 'sync',
        value: {
          requestId: 1,
          kind: SyncKind.SYNC_KIND_FULL,
          version: 5,
          payload: {
            $case: 'definitions',
            value: { flags: [], segments: [], deletedFlags: [], deletedSegments: [] },
          },
        },
      },
    }).finish();
    expect(decodeServerFrame(bytes)).toEqual({
      sync: { requestId: 1, kind: 1, version: 5, evaluations: undefined },
    });
    // A future field 15 (fixed32, fixed64, varint and length-delimited forms) is skipped.
    const future = new Uint8Array([
      ...[(15 << 3) | 5, 1, 2, 3, 4],
      ...[(15 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8],
      ...[(15 << 3) | 0, 0xff, 0x01],
      ...[(15 << 3) | 2, 2, 9, 9],
      ...pong(),
    ]);
    expect(decodeServerFrame(future)).toEqual({ pong: { clientTimeMs: 1, serverTimeMs: 2 } });
  });

  it('throws on malformed bytes instead of returning garbage', () => {
    expect(() => decodeServerFrame(new Uint8Array([0x0a, 0x05, 1]))).toThrow(/truncated/);
    expect(() => decodeServerFrame(new Uint8Array([0x08, 0xff]))).toThrow(/truncated/);
    expect(() => decodeServerFrame(new Uint8Array([(1 << 3) | 7]))).toThrow(/wire type/);
  });
});

function pong(): number[] {
  return [
    ...ServerFrame.encode({
      kind: { $case: 'pong', value: { clientTimeMs: 1, serverTimeMs: 2 } },
    }).finish(),
  ];
}
