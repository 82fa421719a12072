import { describe, expect, it } from 'vitest';
import { ClientError, Status } from 'nice-grpc-web';
import { ErrorInfo, ErrorReason, RpcStatus } from '@vane/gen/web/vane/common/v1/errors';
import { ApiError, decodeErrorInfo, describeError, toApiError } from './errors.js';

function detailsBin(info: Partial<ErrorInfo>): Uint8Array {
  return RpcStatus.encode({
    code: 3,
    message: 'bad',
    details: [
      { typeUrl: 'type.googleapis.com/other.Thing', value: new Uint8Array([1, 2]) },
      {
        typeUrl: 'type.googleapis.com/vane.common.v1.ErrorInfo',
        value: ErrorInfo.encode(ErrorInfo.fromPartial(info)).finish(),
      },
    ],
  }).finish();
}

describe('error details', () => {
  it('decodes ErrorInfo from grpc-status-details-bin and lists field violations by path', () => {
    const err = toApiError(
      new ClientError('/x', Status.INVALID_ARGUMENT, 'invalid'),
      detailsBin({
        reason: ErrorReason.ERROR_REASON_VALIDATION_FAILED,
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
    expect(describeError(err)).toBe(
      'Some fields are not valid; see the messages next to them. (invalid)',
    );
  });

  it('recognises a revision conflict', () => {
    const err = toApiError(
      new ClientError('/x', Status.ABORTED, 'stale'),
      detailsBin({ reason: ErrorReason.ERROR_REASON_REVISION_CONFLICT, currentRevision: 7 }),
    );
    expect(err.isConflict).toBe(true);
    expect(err.info?.currentRevision).toBe(7);
    expect(describeError(err)).toMatch(/^Someone else saved a change first/);
  });

  it('survives missing or garbage details', () => {
    expect(decodeErrorInfo(undefined)).toBeUndefined();
    expect(decodeErrorInfo(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    const err = toApiError(new ClientError('/x', Status.UNAUTHENTICATED, 'no token'), undefined);
    expect(err.fieldErrors).toEqual({});
    expect(describeError(err)).toMatch(/access token was not accepted/);
  });

  it('words other failures plainly', () => {
    expect(describeError(new ApiError(Status.INTERNAL, '', undefined))).toBe(
      'Something went wrong.',
    );
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
    expect(describeError('x')).toBe('x');
  });
});
