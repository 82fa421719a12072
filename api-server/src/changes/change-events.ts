// The Kafka messages of flag and segment changes (`vane.events.v1`), built from change records.
import { TOPICS, topicName } from '@vane/core';
import { FlagChanged, SegmentChanged } from '@vane/gen/node/vane/events/v1/changes';
import type { OutgoingMessage } from '../bus/change-publisher.js';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import { flagToProto } from '../flags/flag-mapping.js';
import { segmentToProto } from '../segments/segment-mapping.js';
import type { ChangeRecord } from '../store/document-store.js';

type State = { _id: string; key: string; envId: string; version?: number };

function stateOf<T>(record: ChangeRecord): { after: T | undefined; before: State } {
  return {
    after: record.after === null ? undefined : ({ ...(record.after as object), outbox: [] } as T),
    before: (record.after ?? record.before) as unknown as State,
  };
}

/** The `FlagChanged` message of a flag's change record. */
export function flagChangedMessage(record: ChangeRecord, prefix: string): OutgoingMessage {
  const { after, before } = stateOf<FlagDoc>(record);
  const version = record.version ?? 0;
  const value = FlagChanged.encode({
    eventId: record.id,
    envId: before.envId,
    version,
    change: after
      ? { $case: 'flag', value: flagToProto(after) }
      : { $case: 'deleted', value: { id: before._id, key: before.key, version } },
    occurredAt: new Date(record.at),
  }).finish();
  return { topic: topicName(TOPICS.flagChanges, prefix), key: before.envId, value };
}

/** The `SegmentChanged` message of a segment's change record, with the affected flags. */
export function segmentChangedMessage(
  record: ChangeRecord,
  affectedFlagIds: readonly string[],
  prefix: string,
): OutgoingMessage {
  const { after, before } = stateOf<SegmentDoc>(record);
  const version = record.version ?? 0;
  const value = SegmentChanged.encode({
    eventId: record.id,
    envId: before.envId,
    version,
    change: after
      ? { $case: 'segment', value: segmentToProto(after) }
      : { $case: 'deleted', value: { id: before._id, key: before.key, version } },
    affectedFlagIds: [...affectedFlagIds],
    occurredAt: new Date(record.at),
  }).finish();
  return { topic: topicName(TOPICS.segmentChanges, prefix), key: before.envId, value };
}
