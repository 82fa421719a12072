// The client and its middleware over a real grpc-js server on loopback (the analytics
// InsightsService as the example service): typed errors with and without details, a malformed
// trailer, the bearer token, the deadline and partial requests.
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import { Metadata as CallMetadata } from 'nice-grpc-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InsightsServiceDefinition,
  InsightsServiceService,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import type {
  GetFlagInsightsRequest,
  GetFlagInsightsResponse,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { encodeErrorDetails, ERROR_DETAILS_KEY } from './error-details.js';
import { VaneCallError } from './vane-call-error.js';
import { createVaneClient, vaneChannel } from './vane-client.js';
import type { Channel } from './index.js';

function failure(code: status, details: string, trailer?: Uint8Array): Partial<ServiceError> {
  const metadata = new Metadata();
  if (trailer) metadata.set(ERROR_DETAILS_KEY, Buffer.from(trailer));
  return { code, details, metadata };
}

/** Each flag key makes the method answer one way; `uniqueUsers` echoes what the server saw. */
function getFlagInsights(
  call: ServerUnaryCall<GetFlagInsightsRequest, GetFlagInsightsResponse>,
  done: sendUnaryData<GetFlagInsightsResponse>,
): void {
  const { flagKey, envId } = call.request;
  const authorization = String(call.metadata.get('authorization')[0] ?? '');
  switch (flagKey) {
    case 'invalid':
      return done(
        failure(
          status.INVALID_ARGUMENT,
          'invalid request',
          encodeErrorDetails(status.INVALID_ARGUMENT, 'invalid request', {
            reason: ErrorReason.ERROR_REASON_VALIDATION_FAILED,
            fieldViolations: [
              { field: 'env_id', description: 'is required' },
              { field: 'flag_key', description: 'is odd' },
            ],
            currentRevision: 0,
            resourceType: ResourceType.RESOURCE_TYPE_UNSPECIFIED,
            resourceId: '',
            metadata: {},
          }),
        ),
      );
    case 'plain':
      return done(failure(status.NOT_FOUND, 'no such flag'));
    case 'malformed':
      return done(failure(status.INTERNAL, 'odd trailer', Uint8Array.of(0xff, 0xff, 0xff)));
    case 'slow':
      setTimeout(() => done(null, { insights: undefined }), 2_000).unref();
      return;
  }
  done(null, {
    insights: {
      interval: 0,
      buckets: [],
      totals: [],
      uniqueUsers: authorization.length + envId.length,
    },
  });
}

let server: Server;
let channel: Channel;
let seenAuthorization: string[] = [];

beforeAll(async () => {
  server = new Server();
  server.addService(InsightsServiceService, {
    getFlagInsights: (
      call: ServerUnaryCall<GetFlagInsightsRequest, GetFlagInsightsResponse>,
      done: sendUnaryData<GetFlagInsightsResponse>,
    ) => {
      seenAuthorization.push(String(call.metadata.get('authorization')[0] ?? ''));
      getFlagInsights(call, done);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  channel = vaneChannel(`127.0.0.1:${port}`);
});

afterAll(async () => {
  channel?.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

async function rejection(call: Promise<unknown>): Promise<VaneCallError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof VaneCallError))
    throw new Error(`expected a VaneCallError, got ${String(err)}`);
  return err;
}

describe('createVaneClient', () => {
  const client = () => createVaneClient(InsightsServiceDefinition, channel, { token: 'abc' });

  it('takes partial requests and sends the bearer token', async () => {
    seenAuthorization = [];
    const res = await client().getFlagInsights({ flagKey: 'ok' });
    expect(seenAuthorization).toEqual(['Bearer abc']);
    expect(res.insights?.uniqueUsers).toBe('Bearer abc'.length);
  });

  it('lets a call send its own authorization, and sends none without a token', async () => {
    seenAuthorization = [];
    await client().getFlagInsights(
      { flagKey: 'ok' },
      { metadata: CallMetadata({ authorization: 'Bearer mine' }) },
    );
    await createVaneClient(InsightsServiceDefinition, channel).getFlagInsights({ flagKey: 'ok' });
    expect(seenAuthorization).toEqual(['Bearer mine', '']);
  });

  it('throws a VaneCallError with the ErrorInfo and its field violations', async () => {
    const err = await rejection(client().getFlagInsights({ flagKey: 'invalid' }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe('invalid request');
    expect(err.path).toBe('/vane.analytics.v1.InsightsService/GetFlagInsights');
    expect(err.info?.reason).toBe(ErrorReason.ERROR_REASON_VALIDATION_FAILED);
    expect(err.info?.fieldViolations).toEqual([
      { field: 'env_id', description: 'is required' },
      { field: 'flag_key', description: 'is odd' },
    ]);
    expect(err.fieldErrors).toEqual({ env_id: 'is required', flag_key: 'is odd' });
  });

  it('throws a VaneCallError without info when the server sent no details', async () => {
    const err = await rejection(client().getFlagInsights({ flagKey: 'plain' }));
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.details).toBe('no such flag');
    expect(err.info).toBeUndefined();
  });

  it('reads a malformed details trailer as no info, not a crash', async () => {
    const err = await rejection(client().getFlagInsights({ flagKey: 'malformed' }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('odd trailer');
    expect(err.info).toBeUndefined();
  });

  it('fails a call after the deadline with DEADLINE_EXCEEDED', async () => {
    const slow = createVaneClient(InsightsServiceDefinition, channel, { deadlineMs: 100 });
    const started = Date.now();
    const err = await rejection(slow.getFlagInsights({ flagKey: 'slow' }));
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    expect(err.info).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('passes a caller’s own abort through unchanged', async () => {
    const slow = createVaneClient(InsightsServiceDefinition, channel, { deadlineMs: 5_000 });
    const controller = new AbortController();
    const call = slow.getFlagInsights({ flagKey: 'slow' }, { signal: controller.signal });
    controller.abort();
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(VaneCallError);
    expect((err as Error).name).toBe('AbortError');
  });
});
