// Experiment results: validates an experiment spec, reads the per-variation aggregates from the
// store and runs the statistics (contract: ExperimentResultsService).
import type { InsightStore } from '../ingest/insight-store.js';
import {
  analyzeExperiment,
  type ArmData,
  type ExperimentAnalysis,
  type MetricKind,
} from '../stats/experiment-analysis.js';
import { Unavailable, Violations } from '@vane/server-kit';

/** FeatBit's defaults. */
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_MIN_USERS = 30;

/** An experiment spec in domain terms (proto field names are used for error paths). */
export interface ExperimentRequest {
  readonly envId: string;
  readonly flagKey: string;
  readonly variations: readonly { readonly variationId: string; readonly trafficWeight: number }[];
  readonly baselineVariationId: string;
  readonly metricEventName: string;
  /** `unspecified` and `invalid` are rejected. */
  readonly metric: MetricKind | 'unspecified' | 'invalid';
  /** `invalid` is rejected. */
  readonly successCriterion: 'higher' | 'lower' | 'invalid';
  readonly startMs: number | undefined;
  /** Unset means now (a running iteration). */
  readonly endMs: number | undefined;
  /** 0 means 0.05. */
  readonly alpha: number;
  /** 0 means 30. */
  readonly minUsersPerVariation: number;
}

/** The analysis plus when it was computed. */
export interface ExperimentResults extends ExperimentAnalysis {
  readonly computedAtMs: number;
}

/** Computes experiment results from the stored events. */
export class ExperimentResultsService {
  constructor(
    private readonly store: InsightStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws InvalidArgument (every bad field) or Unavailable (store down). */
  async get(req: ExperimentRequest): Promise<ExperimentResults> {
    const now = this.now();
    const v = new Violations();
    const f = (name: string): string => `spec.${name}`;
    v.check(req.envId.trim() !== '', f('env_id'), 'is required');
    v.check(req.flagKey.trim() !== '', f('flag_key'), 'is required');
    v.check(req.variations.length >= 2, f('variations'), 'needs at least two variations');
    const ids = new Set<string>();
    req.variations.forEach((variation, i) => {
      const id = variation.variationId;
      v.check(id.trim() !== '', f(`variations[${i}].variation_id`), 'is required');
      v.check(
        id === '' || !ids.has(id),
        f(`variations[${i}].variation_id`),
        `duplicates ${JSON.stringify(id)}`,
      );
      ids.add(id);
      const w = variation.trafficWeight;
      v.check(w >= 0 && w <= 1, f(`variations[${i}].traffic_weight`), 'must be in [0, 1]');
    });
    v.check(
      ids.has(req.baselineVariationId),
      f('baseline_variation_id'),
      'must be the id of one of the variations',
    );
    v.check(req.metricEventName.trim() !== '', f('metric_event_name'), 'is required');
    v.check(
      req.metric === 'conversion' || req.metric === 'numeric',
      f('metric_type'),
      'must be METRIC_TYPE_CONVERSION or METRIC_TYPE_NUMERIC',
    );
    v.check(req.successCriterion !== 'invalid', f('success_criterion'), 'unknown value');
    v.check(req.startMs !== undefined, f('window.start_time'), 'is required');
    v.check(
      req.startMs === undefined || req.endMs === undefined || req.endMs >= req.startMs,
      f('window.end_time'),
      'must not be before start_time',
    );
    v.check(
      req.alpha === 0 || (req.alpha > 0 && req.alpha <= 0.5),
      f('alpha'),
      'must be in (0, 0.5], or 0 for 0.05',
    );
    v.check(
      Number.isInteger(req.minUsersPerVariation) && req.minUsersPerVariation >= 0,
      f('min_users_per_variation'),
      'must be 0 (for 30) or more',
    );
    v.throwIfAny();
    const metric = req.metric as MetricKind;
    const startMs = req.startMs!;
    const endMs = req.endMs ?? Math.max(now, startMs);

    const rows = await this.store
      .experimentData({
        envId: req.envId,
        flagKey: req.flagKey,
        variationIds: req.variations.map((x) => x.variationId),
        metricEventName: req.metricEventName,
        metric,
        startMs,
        endMs,
      })
      .catch((err: unknown) => {
        throw new Unavailable('the event store is unavailable', { cause: err });
      });
    const byId = new Map(rows.map((r) => [r.variationId, r]));
    const arms: ArmData[] = req.variations.map((x) => {
      const row = byId.get(x.variationId);
      return {
        variationId: x.variationId,
        trafficWeight: x.trafficWeight,
        exposedUsers: row?.exposedUsers ?? 0,
        users: row?.users ?? 0,
        conversions: row?.conversions ?? 0,
        totalValue: row?.totalValue ?? 0,
        mean: row?.mean ?? 0,
        variance: row?.variance ?? 0,
      };
    });
    const analysis = analyzeExperiment(arms, {
      metric,
      baselineVariationId: req.baselineVariationId,
      alpha: req.alpha === 0 ? DEFAULT_ALPHA : req.alpha,
      minUsers: req.minUsersPerVariation === 0 ? DEFAULT_MIN_USERS : req.minUsersPerVariation,
      higherIsBetter: req.successCriterion !== 'lower',
    });
    return { ...analysis, computedAtMs: now };
  }
}
