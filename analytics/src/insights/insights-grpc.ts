// gRPC handlers of `vane.analytics.v1.InsightsService`: map proto ↔ domain, call the service.
import { status } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { grpcCodeName } from '@vane/server-kit';
import {
  BucketInterval as ProtoInterval,
  type GetFlagInsightsRequest,
  type GetFlagInsightsResponse,
  type InsightsServiceServer,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import { InvalidArgument } from '../errors/domain-errors.js';
import { toServiceError } from '../errors/grpc-errors.js';
import type { GrpcHandlerDeps } from '../server/grpc-handler-deps.js';
import { checkInternalToken } from '../server/grpc-auth.js';
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

/** The InsightsService implementation over a `FlagInsightsService`. */
export function insightsGrpcHandlers(
  service: FlagInsightsService,
  { logger, metrics, internalToken }: GrpcHandlerDeps,
): InsightsServiceServer {
  return {
    getFlagInsights(
      call: ServerUnaryCall<GetFlagInsightsRequest, GetFlagInsightsResponse>,
      callback: sendUnaryData<GetFlagInsightsResponse>,
    ): void {
      const method = 'GetFlagInsights';
      const run = async (): Promise<GetFlagInsightsResponse> => {
        checkInternalToken(call.metadata, internalToken);
        const req = call.request;
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
      };
      run().then(
        (response) => {
          metrics.grpcCalls.inc({ method, code: grpcCodeName(status.OK) });
          callback(null, response);
        },
        (err: unknown) => {
          const error = toServiceError(err, logger, method);
          metrics.grpcCalls.inc({ method, code: grpcCodeName(error.code ?? status.UNKNOWN) });
          callback(error);
        },
      );
    },
  };
}
