// Proto ↔ stored form of segments, on core's mapping (see flag-mapping.ts).
import { randomUUID } from 'node:crypto';
import type { Segment as ProtoSegment } from '@vane/gen/node/vane/model/v1/segment';
import { segmentToProto as coreSegmentToProto } from '@vane/core/proto';
import { conditionsFromProto } from '../flags/flag-mapping.js';
import type { SegmentDoc } from '@vane/server-kit/documents';

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

/** The proto form of a stored segment: core's mapping plus the document's bookkeeping. */
export function segmentToProto(doc: SegmentDoc): ProtoSegment {
  return {
    ...coreSegmentToProto(doc),
    id: doc._id,
    creatorId: doc.creatorId,
    updaterId: doc.updaterId,
    revision: doc.revision,
  };
}
