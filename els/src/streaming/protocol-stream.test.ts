import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { ENV, startElsFixture } from '../testing/els-fixture.js';
import type { ElsFixture } from '../testing/els-fixture.js';
import { MAX_FRAME_BYTES, MAX_MALFORMED_FRAMES } from './frame-dispatcher.js';

function errorCode(frame: ServerFrame): StreamErrorCode | undefined {
  return frame.kind?.$case === 'error' ? frame.kind.value.code : undefined;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

let fx: ElsFixture;
beforeEach(async () => {
  fx = await startElsFixture();
});
afterEach(async () => {
  await fx.stop();
});

describe('handshake', () => {
  it('selects vane.sync.v1 and never echoes the secret', async () => {
    const sdk = await fx.connect('server');
    expect(sdk.ws.protocol).toBe('vane.sync.v1');
  });

  it('closes with 4001 for an unknown or missing secret', async () => {
    expect((await (await fx.connect('server', 'wrong')).closed).code).toBe(
      CloseCode.CLOSE_CODE_UNAUTHENTICATED,
    );
    const none = await fx.connect('server', '');
    expect((await none.closed).code).toBe(CloseCode.CLOSE_CODE_UNAUTHENTICATED);
  });

  it('closes with 4003 when the secret is for the other kind', async () => {
    const clientAsServer = await fx.connect('server', ENV.client);
    expect((await clientAsServer.closed).code).toBe(CloseCode.CLOSE_CODE_FORBIDDEN);
    const serverAsClient = await fx.connect('client', ENV.server);
    expect((await serverAsClient.closed).code).toBe(CloseCode.CLOSE_CODE_FORBIDDEN);
  });

  it('closes with 4000 for a bad kind', async () => {
    const sdk = await fx.connect('admin' as 'server', ENV.server);
    expect((await sdk.closed).code).toBe(CloseCode.CLOSE_CODE_BAD_REQUEST);
  });
});

describe('frames', () => {
  it('answers a ping with a pong echoing the client time', async () => {
    const sdk = await fx.connect('server');
    sdk.send({ kind: { $case: 'ping', value: { clientTimeMs: 1234 } } });
    const frame = await sdk.next();
    expect(frame.kind).toMatchObject({ $case: 'pong', value: { clientTimeMs: 1234 } });
  });

  it('answers malformed frames with errors, then closes with 4008 after too many', async () => {
    const sdk = await fx.connect('server');
    sdk.sendRaw('{"not":"protobuf"}');
    expect(errorCode(await sdk.next())).toBe(StreamErrorCode.STREAM_ERROR_CODE_MALFORMED_FRAME);
    for (let i = 1; i <= MAX_MALFORMED_FRAMES; i++) sdk.sendRaw(new Uint8Array([0x0a, 0xff, 0x01]));
    for (let i = 1; i < MAX_MALFORMED_FRAMES; i++) {
      expect(errorCode(await sdk.next())).toBe(StreamErrorCode.STREAM_ERROR_CODE_MALFORMED_FRAME);
    }
    const last = await sdk.next();
    expect(last.kind).toMatchObject({ $case: 'error', value: { closing: true } });
    expect((await sdk.closed).code).toBe(CloseCode.CLOSE_CODE_TOO_MANY_MALFORMED_FRAMES);
  });

  it('answers an unset frame kind with UNSUPPORTED_FRAME and keeps the connection', async () => {
    const sdk = await fx.connect('server');
    sdk.send({});
    expect(errorCode(await sdk.next())).toBe(StreamErrorCode.STREAM_ERROR_CODE_UNSUPPORTED_FRAME);
    sdk.send({ kind: { $case: 'identify', value: { requestId: 9, version: 0 } } });
    expect((await sdk.next()).kind).toMatchObject({
      $case: 'error',
      value: { requestId: 9, code: StreamErrorCode.STREAM_ERROR_CODE_UNSUPPORTED_FRAME },
    });
  });

  it('drops a frame over 1 MiB with FRAME_TOO_LARGE and stays open', async () => {
    const sdk = await fx.connect('server');
    sdk.sendRaw(new Uint8Array(MAX_FRAME_BYTES + 1));
    expect(errorCode(await sdk.next())).toBe(StreamErrorCode.STREAM_ERROR_CODE_FRAME_TOO_LARGE);
    sdk.send({ kind: { $case: 'ping', value: { clientTimeMs: 1 } } });
    expect((await sdk.next()).kind?.$case).toBe('pong');
  });

  it('closes with 1009 for a frame over 4 MiB', async () => {
    const sdk = await fx.connect('server');
    sdk.sendRaw(new Uint8Array(4 * 1024 * 1024 + 1));
    expect((await sdk.closed).code).toBe(CloseCode.CLOSE_CODE_MESSAGE_TOO_BIG);
  });

  it('acknowledges track batches and rejects bad event ids', async () => {
    const sdk = await fx.connect('server');
    const user = { keyId: 'alice', name: '', customProperties: [] };
    const evaluation = {
      timestampMs: 1,
      flagKey: 'always-on',
      variationId: 'on',
      sendToExperiment: false,
      reason: '',
    };
    sdk.send({
      kind: {
        $case: 'track',
        value: {
          requestId: 5,
          users: [
            {
              user,
              flagEvaluations: [
                { ...evaluation, eventId: '0b6a3f7e-4f1c-4e7b-9b8a-2d1f3c4b5a69' },
                { ...evaluation, eventId: 'not-a-uuid' },
              ],
              metrics: [],
            },
          ],
        },
      },
    });
    expect((await sdk.next()).kind).toMatchObject({
      $case: 'trackAck',
      value: {
        requestId: 5,
        accepted: 1,
        rejected: [{ eventId: 'not-a-uuid', reason: 'event_id is not a UUID' }],
      },
    });
  });
});

describe('users keep the limits of vane.model.v1.EndUser', () => {
  const bad: [
    string,
    { keyId: string; name: string; customProperties: { name: string; value: string }[] },
    RegExp,
  ][] = [
    ['a blank key', { keyId: '   ', name: '', customProperties: [] }, /key_id is required/],
    [
      'a 513-character key',
      { keyId: 'k'.repeat(513), name: '', customProperties: [] },
      /longer than 512/,
    ],
    [
      'an empty attribute name',
      { keyId: 'u', name: '', customProperties: [{ name: '', value: 'x' }] },
      /custom_properties\[0\]\.name must be 1–128/,
    ],
    [
      'a 4,097-character value',
      { keyId: 'u', name: '', customProperties: [{ name: 'p', value: 'v'.repeat(4097) }] },
      /custom_properties\[0\]\.value is longer than 4096/,
    ],
  ];

  it.each(bad)(
    'a client SyncRequest with %s gets INVALID_ARGUMENT naming the field',
    async (_, user, message) => {
      const sdk = await fx.connect('client');
      sdk.send({ kind: { $case: 'sync', value: { requestId: 3, version: 0, user } } });
      const frame = await sdk.next();
      expect(errorCode(frame)).toBe(StreamErrorCode.STREAM_ERROR_CODE_INVALID_ARGUMENT);
      expect(frame.kind?.$case === 'error' && frame.kind.value.message).toMatch(message);
    },
  );

  it('checks the user of an IdentifyRequest and of a TrackRequest too; the limits themselves pass', async () => {
    const sdk = await fx.connect('client');
    const okUser = {
      keyId: 'k'.repeat(512),
      name: '',
      customProperties: [{ name: 'p'.repeat(128), value: 'v'.repeat(4096) }],
    };
    sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0, user: okUser } } });
    expect((await sdk.next()).kind?.$case).not.toBe('error');
    sdk.send({
      kind: { $case: 'identify', value: { requestId: 2, version: 0, user: bad[1]![1] } },
    });
    const identify = await sdk.next();
    expect(errorCode(identify)).toBe(StreamErrorCode.STREAM_ERROR_CODE_INVALID_ARGUMENT);
    const eventId = '0b6a3f7e-4f1c-4e7b-9b8a-2d1f3c4b5a69';
    sdk.send({
      kind: {
        $case: 'track',
        value: {
          requestId: 4,
          users: [
            {
              user: bad[3]![1],
              flagEvaluations: [
                {
                  eventId,
                  timestampMs: 1,
                  flagKey: 'always-on',
                  variationId: 'on',
                  sendToExperiment: false,
                  reason: '',
                },
              ],
              metrics: [],
            },
          ],
        },
      },
    });
    const ack = (await sdk.next()).kind;
    expect(ack).toMatchObject({ $case: 'trackAck', value: { requestId: 4, accepted: 0 } });
    const rejected = ack?.$case === 'trackAck' ? ack.value.rejected : [];
    expect(rejected.map((r) => r.eventId)).toEqual([eventId]);
    expect(rejected[0]?.reason).toMatch(/value is longer than 4096/);
  });
});

describe('operations', () => {
  it('serves health, readiness and metrics', async () => {
    const port = fx.els.port;
    expect(await get(port, '/healthz')).toMatchObject({ status: 200 });
    expect(await get(port, '/readyz')).toMatchObject({ status: 200 });
    await fx.connect('server');
    const metrics = await get(port, '/metrics');
    expect(metrics.body).toContain('vane_els_connections{kind="server"} 1');
  });

  it('closes connections with 1001 on stop', async () => {
    const sdk = await fx.connect('client');
    const closed = sdk.closed;
    await fx.els.stop();
    expect((await closed).code).toBe(CloseCode.CLOSE_CODE_GOING_AWAY);
    fx = { ...fx, stop: () => Promise.resolve() };
  });
});

describe('idle connections', () => {
  it('closes a connection that sent nothing for the idle timeout with 1001', async () => {
    const idle = await startElsFixture({ idleTimeoutMs: 200 });
    try {
      const sdk = await idle.connect('server');
      expect((await sdk.closed).code).toBe(CloseCode.CLOSE_CODE_GOING_AWAY);
    } finally {
      await idle.stop();
    }
  });
});
