import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import type {
  DefinitionsPayload,
  EvaluationsPayload,
  SyncResponse,
} from '@vane/gen/node/vane/sync/v1/sync';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { startElsFixture } from '../testing/els-fixture.js';
import type { ElsFixture } from '../testing/els-fixture.js';
import type { TestSdk } from '../testing/test-sdk.js';

function sync(frame: ServerFrame): SyncResponse {
  if (frame.kind?.$case !== 'sync') throw new Error(`expected sync, got ${frame.kind?.$case}`);
  return frame.kind.value;
}
function definitions(frame: ServerFrame): DefinitionsPayload & { kind: SyncKind; version: number } {
  const s = sync(frame);
  if (s.payload?.$case !== 'definitions') throw new Error('expected definitions');
  return { ...s.payload.value, kind: s.kind, version: s.version };
}
function evaluations(frame: ServerFrame): EvaluationsPayload & { kind: SyncKind } {
  const s = sync(frame);
  if (s.payload?.$case !== 'evaluations') throw new Error('expected evaluations');
  return { ...s.payload.value, kind: s.kind };
}
const served = (p: EvaluationsPayload): Record<string, string> =>
  Object.fromEntries(p.flags.map((f) => [f.flagKey, f.variationId]));

async function expectNothingPending(sdk: TestSdk): Promise<void> {
  sdk.send({ kind: { $case: 'ping', value: { clientTimeMs: 1 } } });
  expect((await sdk.next()).kind?.$case).toBe('pong');
}

let fx: ElsFixture;
beforeEach(async () => {
  fx = await startElsFixture();
});
afterEach(async () => {
  await fx.stop();
});

describe('server SDK sync', () => {
  it('answers FULL for version 0, then an empty PATCH for the returned version', async () => {
    const sdk = await fx.connect('server');
    sdk.send({ kind: { $case: 'sync', value: { requestId: 7, version: 0 } } });
    const first = await sdk.next();
    expect(sync(first).requestId).toBe(7);
    const full = definitions(first);
    expect(full.kind).toBe(SyncKind.SYNC_KIND_FULL);
    expect(full.flags.map((f) => f.key).sort()).toEqual(['always-on', 'seg-gated']);
    expect(full.segments.map((s) => s.id)).toEqual(['seg-1']);
    expect(full.version).toBeGreaterThan(0);

    sdk.send({ kind: { $case: 'sync', value: { requestId: 8, version: full.version } } });
    const patch = definitions(await sdk.next());
    expect(patch.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(patch.flags).toEqual([]);
    expect(patch.version).toBe(full.version);
  });

  it('pushes a change as a PATCH and includes it in later patches; stale changes are ignored', async () => {
    const sdk = await fx.connect('server');
    sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
    const full = definitions(await sdk.next());
    const v = full.version + 1000;
    fx.publishFlag(v, { ...sampleFlag('flag-on', 'always-on', v), isEnabled: false });
    const push = await sdk.next();
    expect(sync(push).requestId).toBe(0);
    const pushed = definitions(push);
    expect(pushed.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(pushed.version).toBe(v);
    expect(pushed.flags.map((f) => [f.key, f.isEnabled])).toEqual([['always-on', false]]);

    fx.publishFlag(v - 1, sampleFlag('flag-on', 'always-on', v - 1)); // stale: dropped
    await expectNothingPending(sdk);

    const late = await fx.connect('server');
    late.send({ kind: { $case: 'sync', value: { requestId: 2, version: full.version } } });
    const patch = definitions(await late.next());
    expect(patch.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(patch.flags.map((f) => f.key)).toEqual(['always-on']);
    expect(patch.version).toBe(v);
  });

  it('encodes a push once for all server connections of the environment', async () => {
    const sdks = await Promise.all([
      fx.connect('server'),
      fx.connect('server'),
      fx.connect('server'),
    ]);
    let version = 0;
    for (const sdk of sdks) {
      sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
      version = definitions(await sdk.next()).version;
    }
    const encode = vi.spyOn(ServerFrame, 'encode');
    try {
      fx.publishFlag(version + 1, {
        ...sampleFlag('flag-on', 'always-on', version + 1),
        isEnabled: false,
      });
      const pushes = await Promise.all(sdks.map((sdk) => sdk.next()));
      expect(pushes.map((p) => definitions(p).version)).toEqual([
        version + 1,
        version + 1,
        version + 1,
      ]);
      expect(encode).toHaveBeenCalledTimes(1);
    } finally {
      encode.mockRestore();
    }
  });

  it('carries deletions as tombstones in pushes and patches, never in a FULL', async () => {
    const sdk = await fx.connect('server');
    sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
    const full = definitions(await sdk.next());
    const v = full.version + 5;
    fx.publishFlag(v, undefined, { id: 'flag-on', key: 'always-on' });
    const pushed = definitions(await sdk.next());
    expect(pushed.deletedFlags).toEqual([{ id: 'flag-on', key: 'always-on', version: v }]);

    const archived = { ...sampleSegment('seg-1', v + 1), isArchived: true };
    fx.publishSegment(v + 1, archived, []);
    expect(definitions(await sdk.next()).deletedSegments).toEqual([
      { id: 'seg-1', key: 'seg-1', version: v + 1 },
    ]);

    const late = await fx.connect('server');
    late.send({ kind: { $case: 'sync', value: { requestId: 2, version: full.version } } });
    const patch = definitions(await late.next());
    expect(patch.deletedFlags.map((t) => t.key)).toEqual(['always-on']);
    expect(patch.deletedSegments.map((t) => t.id)).toEqual(['seg-1']);
    late.send({ kind: { $case: 'sync', value: { requestId: 3, version: 0 } } });
    const again = definitions(await late.next());
    expect(again.kind).toBe(SyncKind.SYNC_KIND_FULL);
    expect(again.deletedFlags).toEqual([]);
    expect(again.flags.map((f) => f.key)).toEqual(['seg-gated']);
  });

  it('answers FULL for a version older than the snapshot can patch from', async () => {
    const sdk = await fx.connect('server');
    sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 5 } } });
    expect(definitions(await sdk.next()).kind).toBe(SyncKind.SYNC_KIND_FULL);
  });
});

describe('client SDK sync', () => {
  it('sends evaluated results only, never rules or segments', async () => {
    const sdk = await fx.connect('client');
    sdk.send({
      kind: {
        $case: 'sync',
        value: {
          requestId: 3,
          version: 0,
          user: { keyId: 'alice', name: '', customProperties: [] },
        },
      },
    });
    const frame = await sdk.next();
    const payload = evaluations(frame);
    expect(payload.kind).toBe(SyncKind.SYNC_KIND_FULL);
    expect(payload.userKeyId).toBe('alice');
    expect(served(payload)).toEqual({ 'always-on': 'on', 'seg-gated': 'on' });
    const text = JSON.stringify(frame);
    expect(text).not.toContain('seg-1');
    expect(text).not.toContain('User is in segment');
  });

  it('requires a user key', async () => {
    const sdk = await fx.connect('client');
    sdk.send({ kind: { $case: 'sync', value: { requestId: 4, version: 0 } } });
    expect((await sdk.next()).kind).toMatchObject({
      $case: 'error',
      value: { requestId: 4, code: 4 },
    });
  });

  it('identify switches the user and answers with their results', async () => {
    const sdk = await fx.connect('client');
    sdk.send({
      kind: {
        $case: 'sync',
        value: { requestId: 1, version: 0, user: { keyId: 'bob', name: '', customProperties: [] } },
      },
    });
    expect(served(evaluations(await sdk.next()))['seg-gated']).toBe('off');
    sdk.send({
      kind: {
        $case: 'identify',
        value: {
          requestId: 2,
          version: 0,
          user: { keyId: 'alice', name: '', customProperties: [] },
        },
      },
    });
    const answer = await sdk.next();
    expect(sync(answer).requestId).toBe(2);
    expect(evaluations(answer).userKeyId).toBe('alice');
    expect(served(evaluations(answer))['seg-gated']).toBe('on');
  });

  it('pushes re-evaluated results only to users whose result changed', async () => {
    const bob = await fx.connect('client');
    const alice = await fx.connect('client');
    const server = await fx.connect('server');
    for (const [sdk, keyId] of [
      [bob, 'bob'],
      [alice, 'alice'],
    ] as const) {
      sdk.send({
        kind: {
          $case: 'sync',
          value: { requestId: 1, version: 0, user: { keyId, name: '', customProperties: [] } },
        },
      });
      await sdk.next();
    }
    server.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
    const full = definitions(await server.next());
    fx.publishSegment(
      full.version + 1,
      sampleSegment('seg-1', full.version + 1, ['alice', 'bob']),
      ['flag-seg'],
    );

    const pushed = evaluations(await bob.next());
    expect(pushed.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    expect(served(pushed)).toEqual({ 'seg-gated': 'on' });
    expect(definitions(await server.next()).segments.map((s) => s.included)).toEqual([
      ['alice', 'bob'],
    ]);
    await expectNothingPending(alice);
  });

  it('pushes a deleted flag as a tombstone to client SDKs', async () => {
    const sdk = await fx.connect('client');
    sdk.send({
      kind: {
        $case: 'sync',
        value: { requestId: 1, version: 0, user: { keyId: 'bob', name: '', customProperties: [] } },
      },
    });
    const v = sync(await sdk.next()).version + 1;
    fx.publishFlag(v, undefined, { id: 'flag-on', key: 'always-on' });
    expect(evaluations(await sdk.next()).deletedFlags).toEqual([
      { id: 'flag-on', key: 'always-on', version: v },
    ]);
  });
});
