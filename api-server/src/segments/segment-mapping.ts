// Proto ↔ stored form of segments.
import { randomUUID } from 'node:crypto';
import type { Segment as ProtoSegment } from '@vane/gen/node/vane/model/v1/segment';
import { conditionsFromProto, conditionsToProto } from '../flags/flag-mapping.js';
import type { SegmentDoc } from './segment-doc.js';

/** The editable segment fields of a proto segment, in stored form. */
export function segmentFieldsFromProto(
  s: ProtoSegment,
): Pick<SegmentDoc, 'name' | 'description' | 'tags' | 'included' | 'excluded' | 'rules'> {
  const keys = (list: readonly string[]): string[] => [
    ...new Set(list.map((k) => k.trim()).filter((k) => k !== '')),
  ];
  return {
    name: s.name.trim(),
    description: s.description,
    tags: keys(s.tags),
    included: keys(s.included),
    excluded: keys(s.excluded),
    rules: s.rules.map((r) => ({
      id: r.id || randomUUID(),
      name: r.name,
      conditions: conditionsFromProto(r.conditions),
    })),
  };
}

/** The proto form of a stored segment. */
export function segmentToProto(doc: SegmentDoc): ProtoSegment {
  return {
    id: doc._id,
    envId: doc.envId,
    key: doc.key,
    name: doc.name ?? '',
    description: doc.description ?? '',
    tags: [...(doc.tags ?? [])],
    included: [...doc.included],
    excluded: [...doc.excluded],
    rules: doc.rules.map((r) => ({
      id: r.id ?? '',
      name: r.name ?? '',
      conditions: conditionsToProto(r.conditions),
    })),
    isArchived: doc.isArchived ?? false,
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
    version: doc.version,
  };
}
