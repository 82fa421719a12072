// The error-details encoding documented on vane.common.v1.RpcStatus: an ErrorInfo packed in a
// google.protobuf.Any inside a google.rpc.Status-compatible message, as sent in the
// `grpc-status-details-bin` trailer.
import { describe, expect, it } from 'vitest';
import { ErrorInfo, ErrorReason, RpcStatus } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';

const typeUrl = 'type.googleapis.com/vane.common.v1.ErrorInfo';

describe('RpcStatus with ErrorInfo', () => {
  it('round-trips a revision conflict', () => {
    const info = ErrorInfo.create({
      reason: ErrorReason.ERROR_REASON_REVISION_CONFLICT,
      currentRevision: 12,
      resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
      resourceId: 'new-checkout',
      fieldViolations: [{ field: 'expected_revision', description: 'stale: current is 12' }],
      metadata: { env_id: 'e1' },
    });
    const status = RpcStatus.create({
      code: 10, // ABORTED
      message: 'flag new-checkout was changed concurrently',
      details: [{ typeUrl, value: Buffer.from(ErrorInfo.encode(info).finish()) }],
    });
    const trailer = Buffer.from(RpcStatus.encode(status).finish());

    const decoded = RpcStatus.decode(trailer);
    expect(decoded.code).toBe(10);
    const detail = decoded.details.find((any) => any.typeUrl === typeUrl);
    expect(detail).toBeDefined();
    expect(ErrorInfo.decode(detail?.value ?? new Uint8Array())).toEqual(info);
  });
});
