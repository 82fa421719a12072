// Consumes `vane.flag-changes` and `vane.segment-changes` (one consumer group per ELS instance, so
// every instance sees every change), drops duplicates by event id and applies the rest.
import type { Logger } from 'pino';
import { TOPICS, topicName } from '@vane/core';
import { FlagChanged, SegmentChanged } from '@vane/gen/node/vane/events/v1/changes';
import { flagFromProto, segmentFromProto } from '@vane/core/proto';
import type { ChangeFeed, ChangeRecord, FeedObserver, FeedSubscription } from './change-feed.js';
import type { DefinitionChange, SnapshotRegistry } from './snapshot-registry.js';

/** Options of the consumer. */
export interface ChangeConsumerOptions {
  readonly topicPrefix: string;
  readonly groupId: string;
  /** How many recent event ids are remembered for de-duplication. */
  readonly dedupeSize?: number;
  /** Status and lag of the feed. */
  readonly observer?: FeedObserver;
  /** Seconds from a record's publication to the end of its application (pushes included). */
  readonly observeDelay?: (seconds: number) => void;
}

/** Starts consuming changes into the registry; resolves with the running subscription. */
export async function startChangeConsumer(
  feed: ChangeFeed,
  registry: SnapshotRegistry,
  options: ChangeConsumerOptions,
  logger: Logger,
): Promise<FeedSubscription> {
  const flagTopic = topicName(TOPICS.flagChanges, options.topicPrefix);
  const segmentTopic = topicName(TOPICS.segmentChanges, options.topicPrefix);
  const seen = new RecentIds(options.dedupeSize ?? 10_000);
  const log = logger.child({ module: 'change-consumer' });

  const handle = (records: readonly ChangeRecord[]): Promise<void> => {
    for (const record of records) {
      const change = decode(record, flagTopic, segmentTopic, log);
      if (change === undefined || !seen.add(change.eventId)) continue;
      registry.apply(change.change);
      if (record.timestamp !== undefined && record.timestamp > 0) {
        options.observeDelay?.(Math.max(0, Date.now() - record.timestamp) / 1000);
      }
    }
    return Promise.resolve();
  };
  return feed.subscribe([flagTopic, segmentTopic], options.groupId, handle, options.observer);
}

function decode(
  record: ChangeRecord,
  flagTopic: string,
  segmentTopic: string,
  log: Logger,
): { eventId: string; change: DefinitionChange } | undefined {
  try {
    if (record.topic === flagTopic) {
      const m = FlagChanged.decode(record.value);
      const c = m.change;
      return {
        eventId: m.eventId,
        change: {
          type: 'flag',
          envId: m.envId,
          version: m.version,
          ...(c?.$case === 'flag' ? { flag: flagFromProto(c.value) } : {}),
          ...(c?.$case === 'deleted' ? { deleted: c.value } : {}),
        },
      };
    }
    if (record.topic === segmentTopic) {
      const m = SegmentChanged.decode(record.value);
      const c = m.change;
      const segment = c?.$case === 'segment' ? segmentFromProto(c.value) : undefined;
      return {
        eventId: m.eventId,
        change: {
          type: 'segment',
          envId: m.envId,
          version: m.version,
          ...(segment !== undefined ? { segment: { ...segment, version: m.version } } : {}),
          ...(c?.$case === 'deleted' ? { deleted: c.value } : {}),
          affectedFlagIds: m.affectedFlagIds,
        },
      };
    }
  } catch (error) {
    log.warn({ err: error, topic: record.topic }, 'undecodable change record skipped');
  }
  return undefined;
}

// A bounded set of recently seen ids; the oldest are forgotten first.
class RecentIds {
  readonly #ids = new Set<string>();
  constructor(private readonly limit: number) {}

  // False when the id was seen recently; empty ids are never de-duplicated.
  add(id: string): boolean {
    if (id === '') return true;
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.limit) {
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    return true;
  }
}
