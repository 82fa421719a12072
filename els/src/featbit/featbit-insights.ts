// FeatBit's insight payload (`POST /api/public/insight/track`, featbit.md §2.7) turned into the
// same reports Vane's own TrackRequest produces, so FeatBit's events reach the same topics.
import type { UserEvents } from '@vane/gen/node/vane/sync/v1/track';
import { endUserToProto } from '@vane/core/proto';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import { userFromFeatBit } from './featbit-json.js';

/** Most evaluations plus metrics taken from one request; the rest are skipped. */
export const MAX_INSIGHT_EVENTS = 10_000;

/** What one insight request contributed. */
export interface InsightOutcome {
  readonly accepted: number;
  readonly skipped: number;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Reports every valid item of FeatBit's insight array (a user with `variations` and/or
 * `metrics`); invalid items are skipped, as FeatBit does. Throws nothing.
 */
export function reportInsights(
  body: unknown,
  envId: string,
  reporter: SdkReporter | undefined,
): InsightOutcome {
  if (!Array.isArray(body)) return { accepted: 0, skipped: 1 };
  let accepted = 0;
  let skipped = 0;
  for (const item of body as unknown[]) {
    if (typeof item !== 'object' || item === null) {
      skipped++;
      continue;
    }
    const { user: rawUser, variations, metrics } = item as Record<string, unknown>;
    const user = userFromFeatBit(rawUser);
    if (typeof user === 'string') {
      skipped++;
      continue;
    }
    const group: UserEvents = { flagEvaluations: [], metrics: [] };
    for (const v of Array.isArray(variations) ? (variations as unknown[]) : []) {
      if (accepted + group.flagEvaluations.length >= MAX_INSIGHT_EVENTS) break;
      const e = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
      const variation = (
        typeof e.variation === 'object' && e.variation !== null ? e.variation : {}
      ) as Record<string, unknown>;
      if (text(e.featureFlagKey) === '' || text(variation.id) === '') {
        skipped++;
        continue;
      }
      group.flagEvaluations.push({
        eventId: '',
        timestampMs: num(e.timestamp),
        flagKey: text(e.featureFlagKey),
        variationId: text(variation.id),
        sendToExperiment: e.sendToExperiment === true,
        reason: '',
      });
    }
    for (const m of Array.isArray(metrics) ? (metrics as unknown[]) : []) {
      if (accepted + group.flagEvaluations.length + group.metrics.length >= MAX_INSIGHT_EVENTS) {
        break;
      }
      const e = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
      if (text(e.eventName) === '') {
        skipped++;
        continue;
      }
      group.metrics.push({
        eventId: '',
        timestampMs: num(e.timestamp),
        eventName: text(e.eventName),
        numericValue: typeof e.numericValue === 'number' ? num(e.numericValue) : 1,
        type: text(e.type) || 'CustomEvent',
        route: text(e.route),
        appType: text(e.appType),
      });
    }
    accepted += group.flagEvaluations.length + group.metrics.length;
    reporter?.track(envId, group, endUserToProto(user));
  }
  return { accepted, skipped };
}
