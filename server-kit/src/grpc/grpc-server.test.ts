// The handler wrapper, the error mapping and the registration, over a real grpc-js server and
// Vane's client library on loopback (the analytics InsightsService as the example service).
import { Client, Server, ServerCredentials, credentials, status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVaneClient, vaneChannel, VaneCallError } from '@vane/grpc-client';
import type { Channel } from '@vane/grpc-client';
import {
  InsightsServiceDefinition,
  InsightsServiceService,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import type {
  GetFlagInsightsResponse,
  InsightsServiceServer,
} from '@vane/gen/node/vane/analytics/v1/insights_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import type { ErrorInfo } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import {
  NotFound,
  RevisionConflict,
  Unauthenticated,
  Unavailable,
  Violations,
} from './domain-errors.js';
import type { AsyncService } from './grpc-handlers.js';
import { serveServices, serviceName, unaryService } from './grpc-server.js';
import type { ServedServices } from './grpc-server.js';

class StoreDown extends Error {}

/** Each flag key makes the method answer or throw one way. */
const methods: AsyncService<InsightsServiceServer, string> = {
  async getFlagInsights(request, { principal }) {
    switch (request.flagKey) {
      case 'invalid':
        new Violations().add('env_id', 'is required').add('flag_key', 'is odd').throwIfAny();
        break;
      case 'missing':
        throw new NotFound(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, 'f1', 'flag');
      case 'conflict':
        throw new RevisionConflict(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, 'f1', 7);
      case 'down':
        throw new Unavailable('the event store is unavailable');
      case 'outage':
        throw new StoreDown('connection refused');
      case 'bug':
        throw new Error('secret internals');
    }
    return { insights: { interval: 0, buckets: [], totals: [], uniqueUsers: principal.length } };
  },
};

const observed: { method: string; code: number }[] = [];
let server: Server;
let served: ServedServices;
let channel: Channel;
let address: string;

beforeAll(async () => {
  server = new Server();
  served = serveServices(
    server,
    [
      unaryService(InsightsServiceService, methods, {
        authenticate: (metadata) => {
          const caller = metadata.get('authorization')[0];
          if (typeof caller !== 'string') {
            throw new Unauthenticated(ErrorReason.ERROR_REASON_TOKEN_MISSING, 'no token');
          }
          return caller;
        },
        logger: pino({ level: 'silent' }),
        observe: (method, code) => observed.push({ method, code }),
        errors: { isOutage: (err) => err instanceof StoreDown },
      }),
    ],
    { reflection: false },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  address = `127.0.0.1:${port}`;
  channel = vaneChannel(address);
});

afterAll(() => {
  channel?.close();
  server?.forceShutdown();
});

/** One call as `Bearer <token>` (none for ''): its response, or its error and ErrorInfo. */
async function call(
  flagKey: string,
  token = 'abc',
): Promise<{ res?: GetFlagInsightsResponse; err?: VaneCallError; info?: ErrorInfo | undefined }> {
  const client = createVaneClient(InsightsServiceDefinition, channel, {
    token: token === '' ? undefined : token,
  });
  try {
    return { res: await client.getFlagInsights({ envId: 'e', flagKey }) };
  } catch (err) {
    if (!(err instanceof VaneCallError)) throw err;
    return { err, info: err.info };
  }
}

/** grpc.health.v1.Health/Check of `service`, encoded by hand: the serving status (1 = SERVING). */
function healthOf(service: string): Promise<number | string> {
  const health = new Client(address, credentials.createInsecure());
  const name = Buffer.from(service);
  const request = Buffer.concat([Buffer.from([0x0a, name.length]), name]);
  return new Promise((resolve) => {
    health.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      (err, res) => {
        health.close();
        // HealthCheckResponse { status = 1 }: [0x08, status], or empty for UNKNOWN (0).
        resolve(err ? status[err.code] : (res?.[1] ?? 0));
      },
    );
  });
}

describe('serveServices and unaryService', () => {
  it('names services from their definitions and serves health for each, its package and ""', async () => {
    expect(serviceName(InsightsServiceService)).toBe('vane.analytics.v1.InsightsService');
    expect(served.names).toEqual(['vane.analytics.v1.InsightsService']);
    for (const entry of ['', 'vane.analytics.v1', 'vane.analytics.v1.InsightsService']) {
      expect(await healthOf(entry)).toBe(1);
    }
    expect(await healthOf('vane.analytics.v1.Other')).toBe('NOT_FOUND');
  });

  it('passes the authenticated principal to the method and observes OK under the proto name', async () => {
    observed.length = 0;
    const { res } = await call('ok', 'abcdef');
    expect(res?.insights?.uniqueUsers).toBe('Bearer abcdef'.length);
    expect(observed).toEqual([{ method: 'InsightsService/GetFlagInsights', code: status.OK }]);
  });

  it('refuses an unauthenticated call before the method runs, with its reason', async () => {
    const { err, info } = await call('ok', '');
    expect(err?.code).toBe(status.UNAUTHENTICATED);
    expect(info?.reason).toBe(ErrorReason.ERROR_REASON_TOKEN_MISSING);
  });

  it('sends every field violation in ErrorInfo', async () => {
    const { err, info } = await call('invalid');
    expect(err?.code).toBe(status.INVALID_ARGUMENT);
    expect(err?.details).toBe('env_id: is required; flag_key: is odd');
    expect(info?.reason).toBe(ErrorReason.ERROR_REASON_VALIDATION_FAILED);
    expect(info?.fieldViolations.map((v) => v.field)).toEqual(['env_id', 'flag_key']);
  });

  it('names the resource of NOT_FOUND and the current revision of ABORTED', async () => {
    const missing = await call('missing');
    expect(missing.err?.code).toBe(status.NOT_FOUND);
    expect(missing.info).toMatchObject({
      reason: ErrorReason.ERROR_REASON_NOT_FOUND,
      resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
      resourceId: 'f1',
    });
    const conflict = await call('conflict');
    expect(conflict.err?.code).toBe(status.ABORTED);
    expect(conflict.info?.currentRevision).toBe(7);
  });

  it('sends UNAVAILABLE for Unavailable and for what the server calls an outage', async () => {
    const down = await call('down');
    expect(down.err?.code).toBe(status.UNAVAILABLE);
    expect(down.info?.reason).toBe(ErrorReason.ERROR_REASON_UNAVAILABLE);
    const outage = await call('outage');
    expect(outage.err?.code).toBe(status.UNAVAILABLE);
    expect(outage.err?.details).not.toContain('connection refused');
  });

  it('sends INTERNAL with a generic message (no internals, no details) for anything else', async () => {
    observed.length = 0;
    const { err, info } = await call('bug');
    expect(err?.code).toBe(status.INTERNAL);
    expect(err?.details).toBe('internal error');
    expect(info).toBeUndefined();
    expect(observed).toEqual([
      { method: 'InsightsService/GetFlagInsights', code: status.INTERNAL },
    ]);
  });
});
