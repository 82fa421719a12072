// A minimal Protobuf codec for the frames a client SDK exchanges (`proto/vane/sync/v1/`): it
// encodes ClientFrame (sync, identify, track, ping) and decodes ServerFrame (evaluations, pong,
// error, track ack). It exists for size: the generated ts-proto code and its runtime weigh more
// than the whole budget. `wire.test.ts` checks it against the generated codecs, both ways.
// Field names follow ts-proto's; 64-bit integers are JS numbers (exact below 2^53: versions and
// millisecond timestamps).

/* eslint-disable no-sparse-arrays -- a schema is indexed by field number; holes are unused numbers */

/** A field: name, type (0 varint, 1 string, 2 bool, 3 double, or a nested schema), repeated. */
type Field = readonly [name: string, type: 0 | 1 | 2 | 3 | Schema, repeated?: 1];
/** A message schema: fields indexed by field number. */
type Schema = readonly (Field | undefined)[];

const END_USER: Schema = [
  ,
  ['keyId', 1],
  ['name', 1],
  ['customProperties', [, ['name', 1], ['value', 1]], 1],
];
const SYNC_REQUEST: Schema = [, ['requestId', 0], ['version', 0], ['user', END_USER]];
const IDENTIFY_REQUEST: Schema = [, ['requestId', 0], ['user', END_USER], ['version', 0]];
const FLAG_EVALUATION: Schema = [
  ,
  ['eventId', 1],
  ['timestampMs', 0],
  ['flagKey', 1],
  ['variationId', 1],
  ['sendToExperiment', 2],
  ['reason', 1],
];
const METRIC: Schema = [
  ,
  ['eventId', 1],
  ['timestampMs', 0],
  ['eventName', 1],
  ['numericValue', 3],
  ['type', 1],
  ['route', 1],
  ['appType', 1],
];
const TRACK_REQUEST: Schema = [
  ,
  ['requestId', 0],
  [
    'users',
    [, ['user', END_USER], ['flagEvaluations', FLAG_EVALUATION, 1], ['metrics', METRIC, 1]],
    1,
  ],
];
const CLIENT_FRAME: Schema = [
  ,
  ['sync', SYNC_REQUEST],
  ['identify', IDENTIFY_REQUEST],
  ['track', TRACK_REQUEST],
  ['ping', [, ['clientTimeMs', 0]]],
];

const TOMBSTONE: Schema = [, ['id', 1], ['key', 1], ['version', 0]];
const EVALUATION_RESULT: Schema = [
  ,
  ['flagKey', 1],
  ['variationId', 1],
  ['value', 1],
  ['variationType', 0],
  ['reasonKind', 0],
  ['reason', 1],
  ['sendToExperiment', 2],
  ['version', 0],
];
const SERVER_FRAME: Schema = [
  ,
  [
    'sync',
    [
      ,
      ['requestId', 0],
      ['kind', 0],
      ['version', 0],
      ,
      [
        'evaluations',
        [, ['userKeyId', 1], ['flags', EVALUATION_RESULT, 1], ['deletedFlags', TOMBSTONE, 1]],
      ],
    ],
  ],
  ['pong', [, ['clientTimeMs', 0], ['serverTimeMs', 0]]],
  ['error', [, ['requestId', 0], ['code', 0], ['message', 1], ['retryAfterMs', 0], ['closing', 2]]],
  [
    'trackAck',
    [, ['requestId', 0], ['accepted', 0], ['rejected', [, ['eventId', 1], ['reason', 1]], 1]],
  ],
];

const utf8 = new TextEncoder();
const text = new TextDecoder();

type Message = Record<string, unknown>;

function varint(out: number[], n: number): void {
  for (; n >= 128; n = Math.floor(n / 128)) out.push((n % 128) | 128);
  out.push(n);
}

function encode(schema: Schema, message: Message, out: number[]): void {
  schema.forEach((field, number) => {
    if (field === undefined) return;
    const [name, type, repeated] = field;
    const raw = message[name];
    for (const value of repeated ? ((raw ?? []) as unknown[]) : [raw]) {
      if (typeof type === 'object') {
        if (value == null) continue;
        const body: number[] = [];
        encode(type, value as Message, body);
        varint(out, (number << 3) | 2);
        varint(out, body.length);
        for (const b of body) out.push(b);
      } else if (type === 1) {
        if (!value) continue;
        const bytes = utf8.encode(value as string);
        varint(out, (number << 3) | 2);
        varint(out, bytes.length);
        for (const b of bytes) out.push(b);
      } else if (type === 3) {
        if (!value) continue;
        varint(out, (number << 3) | 1);
        const d = new DataView(new ArrayBuffer(8));
        d.setFloat64(0, value as number, true);
        for (let i = 0; i < 8; i++) out.push(d.getUint8(i));
      } else if (value) {
        varint(out, number << 3);
        varint(out, type === 2 ? 1 : (value as number));
      }
    }
  });
}

function decode(schema: Schema, buf: Uint8Array, start: number, end: number): Message {
  const message: Message = {};
  for (const field of schema) {
    if (field === undefined) continue;
    const [name, type, repeated] = field;
    message[name] = repeated ? [] : typeof type === 'object' ? undefined : [0, '', false, 0][type];
  }
  let pos = start;
  const read = (): number => {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      if (pos >= end) throw new Error('truncated varint');
      const b = buf[pos++] as number;
      n += (b & 127) * scale;
      if (b < 128) return n;
    }
  };
  while (pos < end) {
    const tag = read();
    const wire = tag % 8;
    const field = schema[Math.floor(tag / 8)];
    const len = wire === 0 ? 0 : wire === 1 ? 8 : wire === 5 ? 4 : wire === 2 ? read() : -1;
    if (len < 0) throw new Error(`bad wire type ${wire}`);
    if (pos + len > end) throw new Error('truncated field');
    const at = pos;
    if (wire === 0) {
      const n = read();
      if (field && typeof field[1] !== 'object') message[field[0]] = field[1] === 2 ? n !== 0 : n;
      continue;
    }
    pos += len;
    if (field === undefined) continue;
    const [name, type, repeated] = field;
    let value: unknown;
    if (typeof type === 'object' && wire === 2) value = decode(type, buf, at, at + len);
    else if (type === 1 && wire === 2) value = text.decode(buf.subarray(at, at + len));
    else if (type === 3 && wire === 1)
      value = new DataView(buf.buffer, buf.byteOffset + at, 8).getFloat64(0, true);
    else continue;
    if (repeated) (message[name] as unknown[]).push(value);
    else message[name] = value;
  }
  return message;
}

/** The wire form of `EndUser`. */
export interface WireUser {
  keyId: string;
  name?: string;
  customProperties?: { name: string; value: string }[];
}

/** One evaluated flag as ELS sends it (`vane.model.v1.EvaluationResult`). */
export interface WireResult {
  flagKey: string;
  variationId: string;
  value: string;
  variationType: number;
  reasonKind: number;
  reason: string;
  sendToExperiment: boolean;
  version: number;
}

/** What a client SDK sends: exactly one of the members. */
export interface WireClientFrame {
  sync?: { requestId: number; version: number; user: WireUser };
  identify?: { requestId: number; user: WireUser; version: number };
  track?: {
    requestId: number;
    users: {
      user?: WireUser;
      flagEvaluations?: {
        eventId: string;
        timestampMs: number;
        flagKey: string;
        variationId: string;
        sendToExperiment: boolean;
        reason: string;
      }[];
      metrics?: {
        eventId: string;
        timestampMs: number;
        eventName: string;
        numericValue: number;
        type?: string;
        route?: string;
        appType?: string;
      }[];
    }[];
  };
  ping?: { clientTimeMs: number };
}

/** What ELS sends a client SDK; absent members were not in the frame. */
export interface WireServerFrame {
  sync?: {
    requestId: number;
    kind: number;
    version: number;
    evaluations?: {
      userKeyId: string;
      flags: WireResult[];
      deletedFlags: { id: string; key: string; version: number }[];
    };
  };
  pong?: { clientTimeMs: number; serverTimeMs: number };
  error?: {
    requestId: number;
    code: number;
    message: string;
    retryAfterMs: number;
    closing: boolean;
  };
  trackAck?: {
    requestId: number;
    accepted: number;
    rejected: { eventId: string; reason: string }[];
  };
}

/** Encodes a ClientFrame. */
export function encodeClientFrame(frame: WireClientFrame): Uint8Array {
  const out: number[] = [];
  encode(CLIENT_FRAME, frame as Message, out);
  return new Uint8Array(out);
}

/** Decodes a ServerFrame; throws on malformed bytes. */
export function decodeServerFrame(bytes: Uint8Array): WireServerFrame {
  return decode(SERVER_FRAME, bytes, 0, bytes.length);
}
