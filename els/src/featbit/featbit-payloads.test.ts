import { describe, expect, it } from 'vitest';
import { sampleFlag, sampleSegment } from '../environments/environment-source-conformance.js';
import { EnvironmentSnapshot } from '../sync/environment-snapshot.js';
import { flagToFeatBit } from './featbit-json.js';
import {
  clientPayload,
  patchFrames,
  serverFrameText,
  serverPayload,
  serverPush,
} from './featbit-payloads.js';

const snapshot = (): EnvironmentSnapshot =>
  new EnvironmentSnapshot(
    'env',
    {
      flags: [sampleFlag('f1', 'one', 10), sampleFlag('f2', 'two', 11)],
      segments: [sampleSegment('seg-1', 12, ['alice'])],
    },
    { tombstoneLimit: 10, floor: 100 },
  );

const keys = (text: string): string[] =>
  (JSON.parse(text) as { data: { featureFlags: { key: string }[] } }).data.featureFlags.map(
    (f) => f.key,
  );

describe('FeatBit server payloads', () => {
  it('shares one FULL (object and frame text) per version, and rebuilds it after a change', () => {
    const s = snapshot();
    const a = serverPayload(s, 0);
    const b = serverPayload(s, 0);
    expect(b).toBe(a);
    expect(serverFrameText(b)).toBe(serverFrameText(a));
    expect(a.featureFlags).toEqual([
      flagToFeatBit(sampleFlag('f1', 'one', 10), 'env'),
      flagToFeatBit(sampleFlag('f2', 'two', 11), 'env'),
    ]);
    expect(JSON.parse(serverFrameText(a))).toEqual({ messageType: 'data-sync', data: a });

    s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isEnabled: false }, undefined);
    const afterChange = serverPayload(s, 0);
    expect(afterChange).not.toBe(a);
    expect(afterChange.featureFlags[0]?.isEnabled).toBe(false);
  });

  it('answers every non-zero cursor with a PATCH of what is newer, even before the floor', () => {
    const s = snapshot();
    // The floor is 100 (the load): a Vane SDK at 42 gets a FULL; FeatBit's rule is a PATCH.
    expect(s.canPatch(42)).toBe(false);
    const old = serverPayload(s, 42);
    expect(old.eventType).toBe('patch');
    expect(old.featureFlags).toEqual([]);
    expect(old.segments).toEqual([]);
    expect(serverPayload(s, 11).eventType).toBe('patch');
    expect(keys(serverFrameText(serverPayload(s, 10)))).toEqual(['two']);

    s.applyFlag(200, { ...sampleFlag('f1', 'one', 200), isEnabled: false }, undefined);
    const patch = serverPayload(s, 100);
    expect(patch.eventType).toBe('patch');
    expect(keys(serverFrameText(patch))).toEqual(['one']);
    expect(serverPayload(s, 100)).not.toBe(patch);
  });

  it('sends a deletion as an archived item with a newer updatedAt, in a PATCH and a push', () => {
    const s = snapshot();
    const deletion = s.applyFlag(300, undefined, { id: 'f2', key: 'two', version: 300 });
    expect(deletion).toBeDefined();
    const pushed = serverPush(deletion!);
    expect(pushed.eventType).toBe('patch');
    expect(pushed.featureFlags).toEqual([
      expect.objectContaining({
        id: 'f2',
        key: 'two',
        isArchived: true,
        updatedAt: new Date(300).toISOString(),
        variations: [],
      }),
    ]);
    const removedSegment = s.applySegment(
      400,
      { ...sampleSegment('seg-1', 400, ['alice']), isArchived: true },
      undefined,
      [],
    );
    expect(serverPush(removedSegment!).segments).toEqual([
      expect.objectContaining({
        id: 'seg-1',
        isArchived: true,
        updatedAt: new Date(400).toISOString(),
      }),
    ]);
    // A reconnecting SDK at 250 gets both, in version order; the FULL leaves them out.
    const patch = serverPayload(s, 250);
    expect(patch.featureFlags.map((f) => [f.key, f.isArchived])).toEqual([['two', true]]);
    expect(patch.segments.map((g) => [g.id, g.isArchived])).toEqual([['seg-1', true]]);
    expect(keys(serverFrameText(serverPayload(s, 0)))).toEqual(['one']);
    expect(serverPayload(s, 400).featureFlags).toEqual([]);
  });

  it('sends items archived before the load in a PATCH (they are logged as tombstones)', () => {
    const s = new EnvironmentSnapshot(
      'env',
      {
        flags: [sampleFlag('f1', 'one', 10), { ...sampleFlag('f2', 'two', 50), isArchived: true }],
        segments: [],
      },
      { tombstoneLimit: 10, floor: 100 },
    );
    expect(serverPayload(s, 20).featureFlags.map((f) => [f.key, f.isArchived])).toEqual([
      ['two', true],
    ]);
    expect(serverPayload(s, 50).featureFlags).toEqual([]);
    expect(keys(serverFrameText(serverPayload(s, 0)))).toEqual(['one']);
  });
});

describe('FeatBit client payloads', () => {
  const user = { keyId: 'alice', name: 'Alice', customizedProperties: [] };

  it('is a FULL for 0 and a PATCH for any cursor, complete when the cursor is before the floor', () => {
    const s = snapshot();
    const full = clientPayload(s, user, 0);
    expect(full.payload.eventType).toBe('full');
    expect(full.complete).toBe(true);
    expect(full.payload.featureFlags.map((f) => f.id).sort()).toEqual(['one', 'two']);

    const old = clientPayload(s, user, 42);
    expect(old.payload.eventType).toBe('patch');
    expect(old.complete).toBe(true);
    expect(old.payload.featureFlags.map((f) => f.id).sort()).toEqual(['one', 'two']);

    const current = clientPayload(s, user, s.version);
    expect(current.payload).toMatchObject({ eventType: 'patch', featureFlags: [] });
    expect(current.complete).toBe(false);
  });

  it('carries a deletion after the cursor as "flag archived" with a null variation', () => {
    const s = snapshot();
    s.applyFlag(300, undefined, { id: 'f2', key: 'two', version: 300 });
    const patch = clientPayload(s, user, 200);
    expect(patch.removed).toEqual(['two']);
    expect(patch.payload.featureFlags).toEqual([
      expect.objectContaining({
        id: 'two',
        variation: null,
        variationId: null,
        matchReason: 'flag archived',
      }),
    ]);
    expect(clientPayload(s, user, 0).payload.featureFlags.map((f) => f.id)).toEqual(['one']);
  });
});

describe('FeatBit server PATCH frames', () => {
  it('splits a PATCH into one item per frame, oldest first; FULLs and small PATCHes stay whole', () => {
    const s = snapshot();
    s.applyFlag(300, { ...sampleFlag('f2', 'two', 300), isEnabled: false }, undefined);
    s.applySegment(200, sampleSegment('seg-1', 200, ['bob']), undefined, []);
    s.applyFlag(400, undefined, { id: 'f1', key: 'one', version: 400 });
    const frames = patchFrames(serverPayload(s, 100));
    expect(
      frames.map((f) => [
        ...f.featureFlags.map((i) => `${i.key}@${i.updatedAt}`),
        ...f.segments.map((i) => `${i.id}@${i.updatedAt}`),
      ]),
    ).toEqual([
      [`seg-1@${new Date(200).toISOString()}`],
      [`two@${new Date(300).toISOString()}`],
      [`one@${new Date(400).toISOString()}`],
    ]);
    expect(frames.every((f) => f.eventType === 'patch')).toBe(true);
    const full = serverPayload(s, 0);
    expect(patchFrames(full)).toEqual([full]);
    const empty = serverPayload(s, 400);
    expect(patchFrames(empty)).toEqual([{ eventType: 'patch', featureFlags: [], segments: [] }]);
  });
});
