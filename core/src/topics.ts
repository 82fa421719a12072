// Kafka topic names: the one module that names them (payloads are the `vane.events.v1` messages).
// A deployment may prefix every name (e.g. `staging.`) so several Vane installs can share a cluster.

/** The base names of Vane's Kafka topics, with the producer → consumers of each. */
export const TOPICS = Object.freeze({
  /** `FlagChanged`, key = env id: api-server → every ELS instance. */
  flagChanges: 'vane.flag-changes',
  /** `SegmentChanged`, key = env id: api-server → every ELS instance. */
  segmentChanges: 'vane.segment-changes',
  /** `EndUserSeen`, key = `<envId>:<keyId>`: ELS → api-server. */
  endUsers: 'vane.end-users',
  /** `InsightEvent`, key = `<envId>:<userKeyId>`: ELS → analytics. */
  insights: 'vane.insights',
  /** Insight messages analytics could not decode or store, set aside so the partition moves on. */
  insightsDeadLetter: 'vane.insights.dlq',
  /** End-user messages api-server could not decode or store. */
  endUsersDeadLetter: 'vane.end-users.dlq',
});

/** A topic base name. */
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The full topic name under an optional deployment prefix (`''` = none). */
export function topicName(base: TopicName, prefix = ''): string {
  return `${prefix}${base}`;
}
