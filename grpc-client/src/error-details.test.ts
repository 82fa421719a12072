// The error-details codec and what VaneCallError reads from it, without a server.
import { describe, expect, it } from 'vitest';
import { Status } from 'nice-grpc-common';
import { ErrorInfo, ErrorReason, RpcStatus } from '@vane/gen/web/vane/common/v1/errors';
import { decodeErrorInfo, encodeErrorDetails } from './error-details.js';
import { VaneCallError } from './vane-call-error.js';

/** A trailer with another detail before the ErrorInfo, under a type URL of another host. */
function foreignTrailer(info: Partial<ErrorInfo>): Uint8Array {
  return RpcStatus.encode({
    code: 3,
    message: 'bad',
    details: [
      { typeUrl: 'type.googleapis.com/other.Thing', value: new Uint8Array([1, 2]) },
      {
        typeUrl: 'example.com/vane.common.v1.ErrorInfo',
        value: ErrorInfo.encode(ErrorInfo.fromPartial(info)).finish(),
      },
    ],
  }).finish();
}

describe('decodeErrorInfo', () => {
  it('reads what encodeErrorDetails wrote', () => {
    const info = ErrorInfo.fromPartial({
      reason: ErrorReason.ERROR_REASON_REVISION_CONFLICT,
      currentRevision: 7,
      metadata: { env_id: 'e1' },
    });
    expect(decodeErrorInfo(encodeErrorDetails(Status.ABORTED, 'stale', info))).toEqual(info);
  });

  it('finds the ErrorInfo among other details', () => {
    const info = decodeErrorInfo(
      foreignTrailer({ fieldViolations: [{ field: 'flag.key', description: 'taken' }] }),
    );
    expect(info?.fieldViolations).toEqual([{ field: 'flag.key', description: 'taken' }]);
  });

  it('reads a missing, empty or garbage trailer as no info', () => {
    expect(decodeErrorInfo(undefined)).toBeUndefined();
    expect(decodeErrorInfo(new Uint8Array())).toBeUndefined();
    expect(decodeErrorInfo(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    const otherOnly = RpcStatus.encode({
      code: 3,
      message: 'bad',
      details: [{ typeUrl: 'type.googleapis.com/other.Thing', value: new Uint8Array([1]) }],
    }).finish();
    expect(decodeErrorInfo(otherOnly)).toBeUndefined();
  });
});

describe('VaneCallError', () => {
  it('lists field violations by path, joining two on one field', () => {
    const err = new VaneCallError(
      '/x',
      Status.INVALID_ARGUMENT,
      'invalid',
      ErrorInfo.fromPartial({
        fieldViolations: [
          { field: 'flag.rules[0].name', description: 'required' },
          { field: 'flag.rules[0].name', description: 'too long' },
          { field: 'flag.key', description: 'taken' },
        ],
      }),
    );
    expect(err.fieldErrors).toEqual({
      'flag.rules[0].name': 'required; too long',
      'flag.key': 'taken',
    });
    expect(err.isConflict).toBe(false);
    expect(err.message).toContain('INVALID_ARGUMENT');
  });

  it('recognises a revision conflict by status or by reason', () => {
    expect(new VaneCallError('/x', Status.ABORTED, 'stale', undefined).isConflict).toBe(true);
    const byReason = ErrorInfo.fromPartial({ reason: ErrorReason.ERROR_REASON_REVISION_CONFLICT });
    expect(new VaneCallError('/x', Status.FAILED_PRECONDITION, '', byReason).isConflict).toBe(true);
    expect(new VaneCallError('/x', Status.UNAUTHENTICATED, '', undefined).fieldErrors).toEqual({});
  });
});
