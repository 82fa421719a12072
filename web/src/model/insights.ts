// Flag insights → chart series: one series per variation, a point per bucket (0 where the bucket
// has no evaluation of that variation).
import type { FlagInsights } from '@vane/gen/web/vane/analytics/v1/insights_service';
import type { Variation } from '@vane/gen/web/vane/model/v1/flag';

/** One variation's evaluations over time. */
export interface InsightSeries {
  readonly id: string;
  readonly name: string;
  readonly points: { readonly t: Date; readonly y: number }[];
}

/** The chart series of insights, in the flag's variation order, then unknown ids. */
export function insightSeries(
  insights: FlagInsights,
  variations: readonly Variation[],
): InsightSeries[] {
  const ids = [
    ...variations.map((v) => v.id),
    ...insights.buckets.flatMap((b) => b.variations.map((v) => v.variationId)),
  ].filter((id, i, all) => all.indexOf(id) === i);
  const buckets = insights.buckets.filter((b) => b.startTime !== undefined);
  if (buckets.length === 0) return ids.map((id) => ({ id, name: id, points: [] }));
  return ids
    .map((id) => {
      const v = variations.find((x) => x.id === id);
      return {
        id,
        name: v ? v.name || v.value : `unknown (${id.slice(0, 8)})`,
        points: buckets.map((b) => ({
          t: b.startTime!,
          y: b.variations.find((x) => x.variationId === id)?.evaluations ?? 0,
        })),
      };
    })
    .filter((s) => s.points.some((p) => p.y > 0) || variations.some((v) => v.id === s.id));
}
