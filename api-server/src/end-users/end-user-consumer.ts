// Records the end users that SDKs report: consumes `vane.end-users` (EndUserSeen, published by
// ELS) and upserts each user idempotently, so redeliveries and out-of-order messages are harmless.
import { TOPICS, topicName } from '@vane/core';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import type { Logger } from 'pino';
import { SYSTEM } from '../auth/principal.js';
import type { ChangePublisher, IncomingMessage, MessageSource } from '../bus/change-publisher.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { Collection } from '../store/document-store.js';
import { applySighting, endUserId } from './end-user-doc.js';
import type { EndUserDoc, Sighting } from './end-user-doc.js';
import { MAX_USER_KEY_LENGTH, saveEndUser } from './end-user-service.js';

/** Consumer group of the api-server instances (they share the topic's partitions). */
export const END_USER_CONSUMER_GROUP = 'vane-api-server.end-users';

/** How many users of one batch are written at the same time. */
const CONCURRENCY = 16;

/** Dependencies of the end-user consumer. */
export interface EndUserConsumerDeps {
  readonly source: MessageSource;
  /** Where poison messages go (`vane.end-users.dlq`). */
  readonly publisher: ChangePublisher;
  readonly endUsers: Collection<EndUserDoc>;
  readonly writer: ChangeWriter;
  readonly logger: Logger;
  /** Deployment prefix of topic names (`''` = none). */
  readonly topicPrefix?: string;
  readonly groupId?: string;
  /** Time for messages without `seen_at` (ms since the epoch); tests pin it. */
  readonly clock?: () => number;
}

/** A message decoded into a sighting, or the reason it is poison. */
function decode(
  message: IncomingMessage,
  now: number,
): { sighting: Sighting } | { poison: string } {
  let seen: EndUserSeen;
  try {
    seen = EndUserSeen.decode(message.value);
  } catch (err) {
    return { poison: `undecodable: ${err instanceof Error ? err.message : String(err)}` };
  }
  const keyId = seen.user?.keyId ?? '';
  if (seen.envId === '') return { poison: 'env_id is empty' };
  if (keyId.trim() === '') return { poison: 'user.key_id is empty' };
  if (keyId.length > MAX_USER_KEY_LENGTH) {
    return { poison: `user.key_id is longer than ${MAX_USER_KEY_LENGTH} characters` };
  }
  return {
    sighting: {
      envId: seen.envId,
      keyId,
      name: seen.user?.name ?? '',
      properties: (seen.user?.customProperties ?? []).filter(
        (p) => p.name !== 'keyId' && p.name !== 'name',
      ),
      seenAt: seen.seenAt?.getTime() ?? now,
    },
  };
}

/**
 * Handles one batch: poison messages go to the dead-letter topic, the rest are grouped by user and
 * applied with one write per user. Throws (so the batch is delivered again) only on trouble that
 * heals by itself, such as an unreachable store.
 */
export function endUserBatchHandler(
  deps: EndUserConsumerDeps,
): (batch: readonly IncomingMessage[]) => Promise<void> {
  const log = deps.logger.child({ module: 'end-user-consumer' });
  const deadLetterTopic = topicName(TOPICS.endUsersDeadLetter, deps.topicPrefix);
  const clock = deps.clock ?? Date.now;

  return async (batch) => {
    const byUser = new Map<string, Sighting[]>();
    const poison: IncomingMessage[] = [];
    const now = clock();
    for (const message of batch) {
      const decoded = decode(message, now);
      if ('poison' in decoded) {
        log.warn(
          { offset: message.offset, key: message.key, reason: decoded.poison },
          'end-user message set aside to the dead-letter topic',
        );
        poison.push(message);
        continue;
      }
      const { sighting } = decoded;
      const id = endUserId(sighting.envId, sighting.keyId);
      const list = byUser.get(id) ?? [];
      list.push(sighting);
      byUser.set(id, list);
    }
    if (poison.length > 0) {
      await deps.publisher.publish(
        poison.map((m) => ({ topic: deadLetterTopic, key: m.key, value: m.value })),
      );
    }
    const users = [...byUser.values()];
    for (let i = 0; i < users.length; i += CONCURRENCY) {
      await Promise.all(
        users.slice(i, i + CONCURRENCY).map((sightings) => {
          // Oldest first, so that a batch gives what in-order delivery would.
          sightings.sort((a, b) => a.seenAt - b.seenAt);
          const first = sightings[0]!;
          return saveEndUser(
            deps.writer,
            deps.endUsers,
            first.envId,
            first.keyId,
            (current) => sightings.reduce(applySighting, current)!,
            { actorId: SYSTEM.tokenId, action: 'seen' },
          );
        }),
      );
    }
  };
}

/** Starts consuming `vane.end-users`; `close()` stops after the batch in hand. */
export async function startEndUserConsumer(
  deps: EndUserConsumerDeps,
): Promise<{ close(): Promise<void> }> {
  return deps.source.subscribe(
    topicName(TOPICS.endUsers, deps.topicPrefix),
    // Prefixed like the topics: installs sharing a cluster never share (and rebalance) a group.
    deps.groupId ?? `${deps.topicPrefix ?? ''}${END_USER_CONSUMER_GROUP}`,
    endUserBatchHandler(deps),
  );
}
