// Insight events of the browser SDK: what is queued per variation call or `track`, and how a
// batch becomes a TrackRequest grouped by user. Ids and times are fixed when the event happens,
// so a resent batch carries the same ids.
import type { HeldResult } from './result-cache.js';
import type { WireClientFrame, WireUser } from './wire.js';

/** One queued event. */
export type QueuedEvent = {
  user: WireUser;
  id: string;
  at: number;
  flag?: HeldResult;
  metric?: [name: string, value: number];
};

/** A random UUID v4 (crypto.randomUUID where available, e.g. not on plain-http pages). */
export function uuid(): string {
  const c = globalThis.crypto;
  if (c.randomUUID) return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 15) | 64;
  b[8] = ((b[8] as number) & 63) | 128;
  const h = [...b].map((x) => (x + 256).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The TrackRequest users of a batch. */
export function groupByUser(
  batch: readonly QueuedEvent[],
): NonNullable<WireClientFrame['track']>['users'] {
  const groups = new Map<string, NonNullable<WireClientFrame['track']>['users'][number]>();
  for (const e of batch) {
    let g = groups.get(e.user.keyId);
    if (!g) groups.set(e.user.keyId, (g = { user: e.user, flagEvaluations: [], metrics: [] }));
    if (e.flag)
      g.flagEvaluations?.push({
        eventId: e.id,
        timestampMs: e.at,
        flagKey: e.flag.flagKey,
        variationId: e.flag.variationId,
        sendToExperiment: e.flag.sendToExperiment,
        reason: e.flag.reason,
      });
    if (e.metric)
      g.metrics?.push({
        eventId: e.id,
        timestampMs: e.at,
        eventName: e.metric[0],
        numericValue: e.metric[1],
        appType: 'Vane-Browser-Client-SDK',
      });
  }
  return [...groups.values()];
}
