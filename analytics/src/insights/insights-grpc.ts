// The methods of `vane.analytics.v1.InsightsService`: map proto ↔ domain, call the service
// (server-kit's `grpcHandlers` adds auth, metrics and errors).
import { InvalidArgument } from '@vane/server-kit';
import type { AsyncService } from '@vane/server-kit';
import {
  BucketInterval as ProtoInterval,
  type InsightsServiceServer,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import type { BucketInterval, FlagInsightsService } from './flag-insights-service.js';

const TO_DOMAIN: Partial<Record<ProtoInterval, BucketInterval>> = {
  [ProtoInterval.BUCKET_INTERVAL_MINUTE]: 'minute',
  [ProtoInterval.BUCKET_INTERVAL_HOUR]: 'hour',
  [ProtoInterval.BUCKET_INTERVAL_DAY]: 'day',
};

const TO_PROTO: Record<BucketInterval, ProtoInterval> = {
  minute: ProtoInterval.BUCKET_INTERVAL_MINUTE,
  hour: ProtoInterval.BUCKET_INTERVAL_HOUR,
  day: ProtoInterval.BUCKET_INTERVAL_DAY,
};

function intervalOf(value: ProtoInterval): BucketInterval | undefined {
  if (value === ProtoInterval.BUCKET_INTERVAL_UNSPECIFIED) return undefined;
  const interval = TO_DOMAIN[value];
  if (!interval) {
    throw new InvalidArgument([{ field: 'interval', description: `unknown value ${value}` }]);
  }
  return interval;
}

/** The methods of InsightsService over a `FlagInsightsService`. */
export function insightsGrpcMethods(
  service: FlagInsightsService,
): AsyncService<InsightsServiceServer, void> {
  return {
    async getFlagInsights(req) {
      const result = await service.get({
        envId: req.envId,
        flagKey: req.flagKey,
        startMs: req.timeRange?.startTime?.getTime(),
        endMs: req.timeRange?.endTime?.getTime(),
        interval: intervalOf(req.interval),
      });
      return {
        insights: {
          interval: TO_PROTO[result.interval],
          buckets: result.buckets.map((b) => ({
            startTime: new Date(b.startMs),
            variations: [...b.variations],
          })),
          totals: [...result.totals],
          uniqueUsers: result.uniqueUsers,
        },
      };
    },
  };
}
