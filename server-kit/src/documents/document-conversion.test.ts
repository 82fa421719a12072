import { describe, expect, it } from 'vitest';
import type { EnvironmentDoc, FlagDoc, SegmentDoc } from './definition-documents.js';
import {
  coreFlag,
  coreSegment,
  secretGrant,
  tombstoneKey,
  tombstoneOf,
} from './document-conversion.js';

const bookkeeping = { revision: 3, outbox: [], creatorId: 'u1', updaterId: 'u2' };
const flagDoc: FlagDoc = {
  _id: 'f1',
  id: 'f1',
  ...bookkeeping,
  envId: 'env',
  key: 'checkout',
  variationType: 'boolean',
  variations: [{ id: 'on', name: 'on', value: 'true' }],
  isEnabled: true,
  disabledVariationId: 'on',
  targetUsers: [],
  rules: [],
  fallthrough: {
    includedInExpt: true,
    variations: [{ id: 'on', rollout: [0, 1], exptRollout: 1 }],
  },
  exptIncludeAllTargets: true,
  version: 42,
  segmentIds: ['s1'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

describe('stored definitions → core', () => {
  it('drops bookkeeping and keeps core fields, the id and the version', () => {
    const flag = coreFlag({ ...flagDoc, deleted: false });
    for (const field of ['_id', 'revision', 'outbox', 'deleted', 'segmentIds', 'creatorId']) {
      expect(flag).not.toHaveProperty(field);
    }
    expect(flag).toMatchObject({ id: 'f1', envId: 'env', key: 'checkout', version: 42 });
    expect(flag.variations).toEqual(flagDoc.variations);
    expect(flag.updatedAt).toBe(flagDoc.updatedAt);
    const segment = {
      id: 's1',
      envId: 'env',
      key: 'beta',
      included: ['a'],
      excluded: [],
      rules: [],
      version: 7,
      createdAt: '',
      updatedAt: '',
    };
    const segmentDoc: SegmentDoc = { ...segment, _id: 's1', ...bookkeeping };
    expect(coreSegment(segmentDoc)).toEqual(segment);
  });

  it('reads a tombstone with the key it had before the delete freed it', () => {
    const deleted = { ...flagDoc, deleted: true, key: tombstoneKey('checkout', 'f1'), version: 50 };
    expect(deleted.key).not.toBe('checkout');
    expect(tombstoneOf(deleted)).toEqual({ id: 'f1', key: 'checkout', version: 50 });
  });

  it('grants a secret of a live environment only, with its kind', () => {
    const env: EnvironmentDoc = {
      _id: 'env',
      ...bookkeeping,
      projectId: 'p',
      key: 'prod',
      name: 'Prod',
      description: '',
      createdAt: 1,
      updatedAt: 1,
      secrets: [
        { id: 'a', name: 'server', kind: 'server', value: 'S', createdAt: 1 },
        { id: 'b', name: 'client', kind: 'client', value: 'C', createdAt: 1 },
        { id: 'c', name: 'odd', kind: 'other' as 'server', value: 'X', createdAt: 1 },
      ],
    };
    expect(secretGrant(env, 'S')).toEqual({ envId: 'env', kind: 'server' });
    expect(secretGrant(env, 'C')).toEqual({ envId: 'env', kind: 'client' });
    expect(secretGrant(env, 'X')).toBeUndefined();
    expect(secretGrant(env, 'nope')).toBeUndefined();
    expect(secretGrant({ ...env, deleted: true }, 'S')).toBeUndefined();
  });
});
