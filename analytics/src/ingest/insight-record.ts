// The stored form of an insight event (domain type), and its decoding from the Kafka payload
// (`vane.events.v1.InsightEvent`, binary protobuf) with the checks that make a message poison.
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';

/** Fields every stored event has. */
interface RecordBase {
  /** Unique id; a second event with the same id is a duplicate and counts once. */
  readonly eventId: string;
  readonly envId: string;
  /** Event time by the SDK's clock, ms since the epoch. */
  readonly timestampMs: number;
  /** When ELS received it, ms since the epoch (0 if unknown). */
  readonly receivedAtMs: number;
  readonly userKeyId: string;
  readonly userName: string;
}

/** A flag evaluation (exposure when `sendToExperiment`). */
export interface FlagEvaluationRecord extends RecordBase {
  readonly kind: 'flag';
  readonly flagKey: string;
  readonly flagId: string;
  readonly variationId: string;
  readonly sendToExperiment: boolean;
  readonly reason: string;
}

/** A tracked metric event. */
export interface MetricRecord extends RecordBase {
  readonly kind: 'metric';
  readonly eventName: string;
  readonly numericValue: number;
  readonly type: string;
  readonly route: string;
  readonly appType: string;
}

/** One stored insight event. */
export type InsightRecord = FlagEvaluationRecord | MetricRecord;

/** A message that can never be stored; it goes to the dead-letter topic. */
export class PoisonMessage extends Error {}

function required(value: string, field: string): string {
  if (value.length === 0) throw new PoisonMessage(`${field} is empty`);
  return value;
}

/** Decodes and checks a Kafka payload; throws `PoisonMessage` when it can never be stored. */
export function decodeInsightRecord(payload: Uint8Array): InsightRecord {
  let event: InsightEvent;
  try {
    event = InsightEvent.decode(payload);
  } catch (err) {
    throw new PoisonMessage(`not an InsightEvent: ${(err as Error).message}`);
  }
  return toInsightRecord(event);
}

/** Checks a decoded event and converts it; throws `PoisonMessage` when it can never be stored. */
export function toInsightRecord(event: InsightEvent): InsightRecord {
  // Explicit fields, no spreads: this runs once per consumed message.
  const timestampMs = event.timestamp ? event.timestamp.getTime() : Number.NaN;
  if (!(timestampMs >= 0)) throw new PoisonMessage('timestamp is missing or invalid');
  const receivedAtMs = event.receivedAt ? event.receivedAt.getTime() : 0;
  const eventId = required(event.eventId, 'event_id');
  const envId = required(event.envId, 'env_id');
  const kind = event.kind;
  if (kind?.$case === 'flagEvaluation') {
    const f = kind.value;
    return {
      kind: 'flag',
      eventId,
      envId,
      timestampMs,
      receivedAtMs: receivedAtMs > 0 ? receivedAtMs : 0,
      flagKey: required(f.flagKey, 'flag_evaluation.flag_key'),
      flagId: f.flagId,
      variationId: required(f.variationId, 'flag_evaluation.variation_id'),
      sendToExperiment: f.sendToExperiment,
      reason: f.reason,
      userKeyId: required(f.userKeyId, 'flag_evaluation.user_key_id'),
      userName: f.userName,
    };
  }
  if (kind?.$case === 'metric') {
    const m = kind.value;
    if (!Number.isFinite(m.numericValue)) {
      throw new PoisonMessage('metric.numeric_value is not finite');
    }
    return {
      kind: 'metric',
      eventId,
      envId,
      timestampMs,
      receivedAtMs: receivedAtMs > 0 ? receivedAtMs : 0,
      eventName: required(m.eventName, 'metric.event_name'),
      numericValue: m.numericValue,
      type: m.type,
      route: m.route,
      appType: m.appType,
      userKeyId: required(m.userKeyId, 'metric.user_key_id'),
      userName: m.userName,
    };
  }
  throw new PoisonMessage('kind is not set');
}

/** Encodes a record as the Kafka payload (producers in tests, benchmarks and the embedded mode). */
export function encodeInsightRecord(record: InsightRecord): Uint8Array {
  const base = {
    eventId: record.eventId,
    envId: record.envId,
    timestamp: new Date(record.timestampMs),
    receivedAt: record.receivedAtMs > 0 ? new Date(record.receivedAtMs) : undefined,
  };
  const event: InsightEvent =
    record.kind === 'flag'
      ? {
          ...base,
          kind: {
            $case: 'flagEvaluation',
            value: {
              flagKey: record.flagKey,
              flagId: record.flagId,
              variationId: record.variationId,
              sendToExperiment: record.sendToExperiment,
              userKeyId: record.userKeyId,
              userName: record.userName,
              reason: record.reason,
            },
          },
        }
      : {
          ...base,
          kind: {
            $case: 'metric',
            value: {
              eventName: record.eventName,
              numericValue: record.numericValue,
              type: record.type,
              route: record.route,
              appType: record.appType,
              userKeyId: record.userKeyId,
              userName: record.userName,
            },
          },
        };
  return InsightEvent.encode(event).finish();
}

/** The Kafka key of a record: `<env_id>:<user key_id>` (per-user ordering). */
export function insightKey(record: InsightRecord): string {
  return `${record.envId}:${record.userKeyId}`;
}
